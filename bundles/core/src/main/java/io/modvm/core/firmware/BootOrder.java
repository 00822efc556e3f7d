package io.modvm.core.firmware;

import io.modvm.core.pci.PciFunctionInfo;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * The firmware's boot order from the devices' {@code bootindex}: one Open Firmware device path per device, lowest
 * index first, written as QEMU writes fw_cfg {@code bootorder} for its pc machine. SeaBIOS matches each path against
 * the PCI address of the device it would boot ({@code /pci@i0cf8/NAME@SLOT[,FUNCTION]}, any name).
 */
public final class BootOrder {
    private static final String ROOT = "/pci@i0cf8";

    private BootOrder() {
    }

    /**
     * @param bootIndexes the devices' boot indexes by device id; negative ones are left out, as QEMU leaves them
     * @param functions the PCI functions, whose {@code qdevId} is the owning device's id
     */
    public static List<String> of(Map<String, Integer> bootIndexes, List<PciFunctionInfo> functions) {
        record Entry(int index, String path) {
        }
        List<Entry> entries = new ArrayList<>();
        for (PciFunctionInfo f : functions) {
            Integer index = bootIndexes.get(f.qdevId());
            if (index != null && index >= 0 && f.function() == 0) {
                entries.add(new Entry(index, path(f)));
            }
        }
        entries.sort(Comparator.comparingInt(Entry::index));
        return entries.stream().map(Entry::path).toList();
    }

    /** QEMU's path for the function: its node name by class, then the disk below a storage controller. */
    static String path(PciFunctionInfo f) {
        String at = Integer.toHexString(f.slot()) + (f.function() == 0 ? "" : "," + Integer.toHexString(f.function()));
        int baseSub = f.classCode() >>> 8;
        return switch (baseSub) {
            case 0x0100 -> ROOT + "/scsi@" + at + "/disk@0,0";
            case 0x0101 -> ROOT + "/ide@" + at + "/drive@0/disk@0";
            case 0x0200 -> ROOT + "/ethernet@" + at + "/ethernet-phy@0";
            default -> ROOT + "/device@" + at;
        };
    }
}
