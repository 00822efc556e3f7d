package io.modvm.core.commands;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.core.bus.IoBus;
import io.modvm.core.devices.PluggedDevice;
import io.modvm.core.devices.Provider;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * {@code __io.modvm_query-qtree} (HMP {@code info qtree}, as QEMU's): every plugged device by bus, with its type, id,
 * address and the bundle (and version) whose factory built it. A device with a PCI function sits on {@code pci.0}
 * at its slot; one that claimed I/O ports on {@code isa.0}; any other (MMIO only, or nothing) on the
 * {@code main-system-bus}, as QEMU's platform devices do. A device parked for a hot-swap is shown with the bundle
 * that built it, marked as parked.
 */
public final class QueryQtreeCommand implements MonitorCommand {
    public static final String NAME = "__io.modvm_query-qtree";
    private static final String SYSTEM = "main-system-bus";
    private static final String PCI = "pci.0";
    private static final String ISA = "isa.0";
    private final Supplier<List<PluggedDevice>> devices;

    public QueryQtreeCommand(Supplier<List<PluggedDevice>> devices) {
        this.devices = devices;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public String description() {
        return "show the device tree: every device by bus, with the bundle that provides it";
    }

    @Override
    public String hmpName() {
        return "info qtree";
    }

    /** A list of buses ({@code bus}, {@code type}, {@code devices}), the system bus first. */
    @Override
    public Object execute(Map<String, Object> arguments) {
        Map<String, List<Object>> byBus = new LinkedHashMap<>();
        byBus.put(SYSTEM, new ArrayList<>());
        byBus.put(PCI, new ArrayList<>());
        byBus.put(ISA, new ArrayList<>());
        for (PluggedDevice d : devices.get()) {
            Map<String, Object> dev = new LinkedHashMap<>();
            dev.put("type", d.type());
            dev.put("id", d.id());
            String bus = bus(d);
            if (bus.equals(PCI)) {
                dev.put("addr", String.format("%02x.0", d.pciSlots().get(0)));
            }
            dev.put("ioports", ranges(d.ports()));
            dev.put("mmio", ranges(d.mmio()));
            Provider p = Provider.of(d.factory());
            dev.put("bundle", p.name());
            dev.put("version", p.version());
            dev.put("parked", d.parked());
            byBus.get(bus).add(dev);
        }
        List<Object> out = new ArrayList<>();
        byBus.forEach((bus, list) -> {
            Map<String, Object> b = new LinkedHashMap<>();
            b.put("bus", bus);
            b.put("type", bus.equals(SYSTEM) ? "System" : bus.equals(PCI) ? "PCI" : "ISA");
            b.put("devices", list);
            out.add(b);
        });
        return out;
    }

    private static String bus(PluggedDevice d) {
        return !d.pciSlots().isEmpty() ? PCI : !d.ports().isEmpty() ? ISA : SYSTEM;
    }

    private static List<Object> ranges(List<IoBus.Range> ranges) {
        List<Object> out = new ArrayList<>();
        for (IoBus.Range r : ranges) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("base", r.base());
            m.put("size", r.length());
            out.add(m);
        }
        return out;
    }

    /** QEMU's indented tree: the PCI and ISA buses hang under the system bus, each device under its bus. */
    @Override
    public String formatHmp(Object result) {
        StringBuilder out = new StringBuilder();
        String indent = "";
        for (Object o : (List<?>) result) {
            Map<?, ?> bus = (Map<?, ?>) o;
            out.append(indent).append("bus: ").append(bus.get("bus")).append("\r\n");
            out.append(indent).append("  type ").append(bus.get("type")).append("\r\n");
            for (Object d : (List<?>) bus.get("devices")) {
                device(out, indent + "  ", (Map<?, ?>) d);
            }
            indent = "  ";
        }
        return out.toString();
    }

    private static void device(StringBuilder out, String indent, Map<?, ?> d) {
        out.append(indent).append("dev: ").append(d.get("type")).append(", id \"").append(d.get("id"))
                .append("\"\r\n");
        if (d.get("addr") != null) {
            out.append(indent).append("  addr = ").append(d.get("addr")).append("\r\n");
        }
        for (Object r : (List<?>) d.get("ioports")) {
            out.append(indent).append("  ioport ").append(range((Map<?, ?>) r, 4)).append("\r\n");
        }
        for (Object r : (List<?>) d.get("mmio")) {
            out.append(indent).append("  mmio ").append(range((Map<?, ?>) r, 16)).append("\r\n");
        }
        out.append(indent).append("  bundle = ").append(d.get("bundle")).append(" ").append(d.get("version"))
                .append(Boolean.TRUE.equals(d.get("parked")) ? " (left; parked for a new provider of the type)" : "")
                .append("\r\n");
    }

    private static String range(Map<?, ?> r, int digits) {
        long base = (Long) r.get("base");
        long size = (Long) r.get("size");
        return String.format("%0" + digits + "x/%0" + digits + "x", base, size);
    }
}
