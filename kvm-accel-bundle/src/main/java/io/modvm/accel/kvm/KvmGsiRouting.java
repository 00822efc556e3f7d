package io.modvm.accel.kvm;

import com.sun.jna.LastErrorException;
import com.sun.jna.Memory;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.accel.MsiRoute;
import java.util.TreeMap;

/**
 * The VM's GSI routing table. KVM_SET_GSI_ROUTING replaces the whole table, so this keeps the default routes of the
 * in-kernel PIC and IOAPIC (GSI 0-15 to both, 16-23 to the IOAPIC, as KVM sets them up) and adds one MSI route per
 * allocated line above them.
 */
final class KvmGsiRouting {
    private static final int IOAPIC_PINS = 24;
    private static final int PIC_LINES = 16;
    private static final int ENTRY_SIZE = 48;
    private static final int TYPE_IRQCHIP = 1;
    private static final int TYPE_MSI = 2;
    private static final int CHIP_PIC_MASTER = 0;
    private static final int CHIP_PIC_SLAVE = 1;
    private static final int CHIP_IOAPIC = 2;
    /** KVM's KVM_MAX_IRQ_ROUTES on x86 is 4096; stay well inside it. */
    private static final int MAX_GSI = 1024;

    private record Message(long address, int data) {
    }

    private final int vmFd;
    private final TreeMap<Integer, Message> msi = new TreeMap<>();
    /** Set once the VM's descriptor is closed: its number may belong to someone else by then. */
    private boolean disposed;

    KvmGsiRouting(int vmFd) {
        this.vmFd = vmFd;
    }

    synchronized MsiRoute allocate(long address, int data) throws AcceleratorException {
        int gsi = IOAPIC_PINS;
        while (msi.containsKey(gsi)) {
            gsi++;
        }
        if (gsi >= MAX_GSI) {
            throw new AcceleratorException("no free interrupt line for another MSI route (" + msi.size()
                    + " in use)");
        }
        msi.put(gsi, new Message(address, data));
        try {
            commit();
        } catch (AcceleratorException e) {
            msi.remove(gsi);
            throw e;
        }
        int line = gsi;
        return new MsiRoute() {
            @Override
            public int gsi() {
                return line;
            }

            @Override
            public void update(long newAddress, int newData) throws AcceleratorException {
                change(line, new Message(newAddress, newData));
            }

            @Override
            public void close() {
                release(line);
            }
        };
    }

    private synchronized void change(int gsi, Message message) throws AcceleratorException {
        if (!msi.containsKey(gsi)) {
            throw new AcceleratorException("MSI route " + gsi + " was closed");
        }
        if (!message.equals(msi.put(gsi, message))) {
            commit();
        }
    }

    private synchronized void release(int gsi) {
        if (msi.remove(gsi) != null) {
            try {
                commit();
            } catch (AcceleratorException e) {
                // The VM is going away; its routes go with it.
            }
        }
    }

    synchronized void dispose() {
        disposed = true;
        msi.clear();
    }

    private void commit() throws AcceleratorException {
        if (disposed) {
            throw new AcceleratorException("the VM is closed");
        }
        int count = PIC_LINES + IOAPIC_PINS + msi.size();
        try (Memory table = new Memory(8L + (long) count * ENTRY_SIZE)) {
            table.clear();
            table.setInt(0, count);
            int i = 0;
            for (int gsi = 0; gsi < PIC_LINES; gsi++) {
                irqchip(table, i++, gsi, gsi < 8 ? CHIP_PIC_MASTER : CHIP_PIC_SLAVE, gsi % 8);
            }
            for (int gsi = 0; gsi < IOAPIC_PINS; gsi++) {
                irqchip(table, i++, gsi, CHIP_IOAPIC, gsi);
            }
            for (var e : msi.entrySet()) {
                long at = 8L + (long) i++ * ENTRY_SIZE;
                table.setInt(at, e.getKey());
                table.setInt(at + 4, TYPE_MSI);
                table.setInt(at + 16, (int) e.getValue().address());
                table.setInt(at + 20, (int) (e.getValue().address() >>> 32));
                table.setInt(at + 24, e.getValue().data());
            }
            LibC.ioctl(vmFd, KvmIoctl.SET_GSI_ROUTING, table);
        } catch (LastErrorException e) {
            throw new AcceleratorException("cannot set the interrupt routing table: " + Errno.describe(e), e);
        }
    }

    private static void irqchip(Memory table, int index, int gsi, int chip, int pin) {
        long at = 8L + (long) index * ENTRY_SIZE;
        table.setInt(at, gsi);
        table.setInt(at + 4, TYPE_IRQCHIP);
        table.setInt(at + 16, chip);
        table.setInt(at + 20, pin);
    }
}
