package io.modvm.core.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.core.pci.PciFunctionInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** query-pci and info pci show an I/O BAR as QEMU 7.2 does, beside memory BARs. */
class QueryPciCommandTest {
    private final QueryPciCommand command = new QueryPciCommand(() -> List.of(new PciFunctionInfo(0, 2, 0, 0x1af4,
            0x1005, 0x00ff00, 0, 0x1af4, 4, "rng0", List.of(new PciFunctionInfo.Region(0, 0xC000, 32, false, true),
                    new PciFunctionInfo.Region(1, 0xC000_0000L, 4096, false)), 0)));

    @Test
    void anIoBarIsOfTypeIoWithoutTheMemoryFields() {
        @SuppressWarnings("unchecked")
        Map<String, Object> bus = (Map<String, Object>) ((List<Object>) command.execute(Map.of())).get(0);
        @SuppressWarnings("unchecked")
        Map<String, Object> device = (Map<String, Object>) ((List<Object>) bus.get("devices")).get(0);
        assertEquals(List.of(Map.of("bar", 0L, "type", "io", "address", 0xC000L, "size", 32L),
                Map.of("bar", 1L, "type", "memory", "address", 0xC000_0000L, "size", 4096L, "prefetch", false,
                        "mem_type_64", false)), device.get("regions"));
    }

    @Test
    void infoPciPrintsTheIoBarAsQemuDoes() {
        String text = command.formatHmp(command.execute(Map.of()));
        assertTrue(text.contains("      BAR0: I/O at 0xc000 [0xc01f].\n"), text);
        assertTrue(text.contains("      BAR1: 32 bit memory at 0xc0000000 [0xc0000fff].\n"), text);
    }
}
