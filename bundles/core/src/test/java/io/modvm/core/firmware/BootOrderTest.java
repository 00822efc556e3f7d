package io.modvm.core.firmware;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.core.pci.PciFunctionInfo;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class BootOrderTest {
    private static PciFunctionInfo function(int slot, int classCode, String id) {
        return new PciFunctionInfo(0, slot, 0, 0x1af4, 0x1042, classCode, 1, 0x1af4, 0x1100, id, List.of(), 0);
    }

    @Test
    void lowestIndexFirstAsQemuWritesThePaths() {
        List<PciFunctionInfo> functions = List.of(function(2, 0x01_00_00, "disk-a"),
                function(3, 0x01_00_00, "disk-b"), function(4, 0x02_00_00, "net0"),
                function(0x1a, 0x01_00_00, "no-index"), function(5, 0x01_00_00, "off"));
        assertEquals(List.of("/pci@i0cf8/scsi@3/disk@0,0", "/pci@i0cf8/ethernet@4/ethernet-phy@0",
                "/pci@i0cf8/scsi@2/disk@0,0"),
                BootOrder.of(Map.of("disk-a", 9, "disk-b", 1, "net0", 2, "off", -1), functions));
        assertEquals("/pci@i0cf8/scsi@1a/disk@0,0", BootOrder.path(functions.get(3)), "slots in hex");
        assertEquals(List.of(), BootOrder.of(Map.of(), functions));
    }
}
