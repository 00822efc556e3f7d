package io.modvm.core.commands;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.core.pci.PciFunctionInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** {@code query-pci} and HMP {@code info pci}: bus 0 as the guest sees it now, in QEMU 7.2's shapes. */
public final class QueryPciCommand implements MonitorCommand {
    private final Supplier<List<PciFunctionInfo>> functions;

    public QueryPciCommand(Supplier<List<PciFunctionInfo>> functions) {
        this.functions = functions;
    }

    @Override
    public String name() {
        return "query-pci";
    }

    @Override
    public String description() {
        return "show the PCI devices";
    }

    @Override
    public String hmpName() {
        return "info pci";
    }

    @Override
    public Object execute(Map<String, Object> arguments) {
        List<Object> devices = new ArrayList<>();
        for (PciFunctionInfo f : functions.get()) {
            Map<String, Object> d = new LinkedHashMap<>();
            d.put("bus", (long) f.bus());
            d.put("slot", (long) f.slot());
            d.put("function", (long) f.function());
            Map<String, Object> classInfo = new LinkedHashMap<>();
            String desc = className(f.classCode());
            if (desc != null) {
                classInfo.put("desc", desc);
            }
            classInfo.put("class", (long) (f.classCode() >>> 8));
            d.put("class_info", classInfo);
            Map<String, Object> id = new LinkedHashMap<>();
            id.put("device", (long) f.deviceId());
            id.put("vendor", (long) f.vendorId());
            id.put("subsystem", (long) f.subsystemId());
            id.put("subsystem-vendor", (long) f.subsystemVendorId());
            d.put("id", id);
            d.put("irq_pin", 0L);
            List<Object> regions = new ArrayList<>();
            for (PciFunctionInfo.Region r : f.regions()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("bar", (long) r.bar());
                m.put("type", r.io() ? "io" : "memory");
                m.put("address", r.address());
                m.put("size", r.size());
                if (!r.io()) {
                    m.put("prefetch", false);
                    m.put("mem_type_64", r.bits64());
                }
                regions.add(m);
            }
            d.put("regions", regions);
            d.put("qdev_id", f.qdevId());
            devices.add(d);
        }
        Map<String, Object> bus = new LinkedHashMap<>();
        bus.put("bus", 0L);
        bus.put("devices", devices);
        return List.of(bus);
    }

    @Override
    public String formatHmp(Object result) {
        StringBuilder out = new StringBuilder();
        for (PciFunctionInfo f : functions.get()) {
            String desc = className(f.classCode());
            out.append(String.format("  Bus %2d, device %3d, function %d:%n", f.bus(), f.slot(), f.function()));
            out.append(String.format("    %s: PCI device %04x:%04x%n",
                    desc != null ? desc : String.format("Class %04x", f.classCode() >>> 8), f.vendorId(),
                    f.deviceId()));
            out.append(String.format("      PCI subsystem %04x:%04x%n", f.subsystemVendorId(), f.subsystemId()));
            for (PciFunctionInfo.Region r : f.regions()) {
                if (r.io()) {
                    out.append(String.format("      BAR%d: I/O at 0x%04x [0x%04x].%n", r.bar(), r.address(),
                            r.address() + r.size() - 1));
                } else {
                    out.append(String.format("      BAR%d: %s bit memory at 0x%x [0x%x].%n", r.bar(),
                            r.bits64() ? "64" : "32", r.address(), r.address() + r.size() - 1));
                }
            }
            out.append(String.format("      id \"%s\"%n", f.qdevId()));
        }
        return out.toString();
    }

    /** QEMU's names for the classes modvm's devices use; null for others. */
    private static String className(int classCode) {
        return switch (classCode >>> 8) {
            case 0x0600 -> "Host bridge";
            case 0x0100 -> "SCSI controller";
            case 0x0180 -> "Storage controller";
            case 0x0200 -> "Ethernet controller";
            case 0x0780 -> "Communication controller";
            case 0x00ff -> "Class 00ff";
            default -> null;
        };
    }
}
