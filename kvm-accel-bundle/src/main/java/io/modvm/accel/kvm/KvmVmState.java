package io.modvm.accel.kvm;

import com.sun.jna.Memory;
import io.modvm.api.accel.AcceleratorException;
import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.nio.ByteBuffer;

/**
 * The VM-wide state of KVM's in-kernel devices as the {@value #TYPE} record (version {@value #VERSION}): the PIC
 * pair and the IOAPIC (KVM_GET/SET_IRQCHIP), the PIT (KVM_GET/SET_PIT2) and the guest clock (KVM_GET/SET_CLOCK),
 * every register by name.
 *
 * <p>Time: the clock is restored to the saved value, so the guest's time continues from where it stopped, as QEMU
 * does. A PIT channel's last reload is a host timestamp, meaningless elsewhere; the record keeps its age at the
 * save ({@code load_age_ns}) instead, and a restore dates it that far back from the restore, so the counter keeps
 * its phase relative to the guest's (frozen, then continued) time.
 */
final class KvmVmState {
    static final String TYPE = "kvm-vm";
    static final int VERSION = 1;

    private static final int PIC_MASTER = 0;
    private static final int PIC_SLAVE = 1;
    private static final int IOAPIC = 2;
    private static final int CHIP = 8;
    private static final int IOAPIC_PINS = 24;
    private static final int PIT_CHANNEL_SIZE = 24;
    private static final int PIT_LOAD_TIME = 16;
    private static final int PIT_FLAGS = 72;

    private static final KvmLayout PIC = KvmLayout.of("last_irr", 0, 1, "irr", 1, 1, "imr", 2, 1, "isr", 3, 1,
            "priority_add", 4, 1, "irq_base", 5, 1, "read_reg_select", 6, 1, "poll", 7, 1, "special_mask", 8, 1,
            "init_state", 9, 1, "auto_eoi", 10, 1, "rotate_on_auto_eoi", 11, 1, "special_fully_nested_mode", 12, 1,
            "init4", 13, 1, "elcr", 14, 1, "elcr_mask", 15, 1);
    private static final KvmLayout IOAPIC_REGS = ioapicLayout();
    private static final KvmLayout PIT_CHANNEL = KvmLayout.of("count", 0, 4, "latched_count", 4, 2,
            "count_latched", 6, 1, "status_latched", 7, 1, "status", 8, 1, "read_state", 9, 1, "write_state", 10, 1,
            "write_latch", 11, 1, "rw_mode", 12, 1, "mode", 13, 1, "bcd", 14, 1, "gate", 15, 1);

    private final int fd;

    KvmVmState(int vmFd) {
        this.fd = vmFd;
    }

    private static KvmLayout ioapicLayout() {
        Object[] fields = new Object[3 * (4 + IOAPIC_PINS)];
        Object[] head = {"base_address", 0, 8, "ioregsel", 8, 4, "id", 12, 4, "irr", 16, 4};
        System.arraycopy(head, 0, fields, 0, head.length);
        for (int pin = 0; pin < IOAPIC_PINS; pin++) {
            fields[head.length + 3 * pin] = "redirection." + pin;
            fields[head.length + 3 * pin + 1] = 24 + 8 * pin;
            fields[head.length + 3 * pin + 2] = 8;
        }
        return KvmLayout.of(fields);
    }

    StateRecord save() throws AcceleratorException {
        StateRecord.Builder b = StateRecord.builder(TYPE, VERSION);
        b.put("pic_master", saveChip(PIC_MASTER, "kvm-pic", PIC, "PIC master"));
        b.put("pic_slave", saveChip(PIC_SLAVE, "kvm-pic", PIC, "PIC slave"));
        b.put("ioapic", saveChip(IOAPIC, "kvm-ioapic", IOAPIC_REGS, "IOAPIC"));
        try (Memory pit = new Memory(KvmIoctl.PIT2_SIZE)) {
            pit.clear();
            KvmCall.ioctl(fd, KvmIoctl.GET_PIT2, pit, "cannot save the PIT", "KVM_GET_PIT2");
            long now = System.nanoTime(); // CLOCK_MONOTONIC, the clock of KVM's count_load_time
            ByteBuffer p = KvmRegs.buffer(pit);
            StateRecord.Builder r = StateRecord.builder("kvm-pit", 1).put("flags", p.getInt(PIT_FLAGS) & 0xFFFFFFFFL);
            for (int c = 0; c < 3; c++) {
                StateRecord.Builder ch = StateRecord.builder("kvm-pit-channel", 1);
                PIT_CHANNEL.save(p, c * PIT_CHANNEL_SIZE, ch);
                ch.put("load_age_ns", now - p.getLong(c * PIT_CHANNEL_SIZE + PIT_LOAD_TIME));
                r.put("channel" + c, ch.build());
            }
            b.put("pit", r.build());
        }
        try (Memory clock = new Memory(KvmIoctl.CLOCK_SIZE)) {
            clock.clear();
            KvmCall.ioctl(fd, KvmIoctl.GET_CLOCK, clock, "cannot save the KVM clock", "KVM_GET_CLOCK");
            b.put("clock_ns", clock.getLong(0)).put("clock_flags", clock.getInt(8) & 0xFFFFFFFFL);
        }
        return b.build();
    }

    private StateRecord saveChip(int chip, String type, KvmLayout layout, String part) throws AcceleratorException {
        try (Memory m = new Memory(KvmIoctl.IRQCHIP_SIZE)) {
            m.clear();
            m.setInt(0, chip);
            KvmCall.ioctl(fd, KvmIoctl.GET_IRQCHIP, m, "cannot save the " + part, "KVM_GET_IRQCHIP");
            StateRecord.Builder r = StateRecord.builder(type, 1);
            layout.save(KvmRegs.buffer(m), CHIP, r);
            return r.build();
        }
    }

    void restore(StateRecord r) throws AcceleratorException {
        try {
            r.require(TYPE, 1, VERSION);
            restoreChip(PIC_MASTER, r.getRecord("pic_master"), "kvm-pic", PIC, "PIC master");
            restoreChip(PIC_SLAVE, r.getRecord("pic_slave"), "kvm-pic", PIC, "PIC slave");
            restoreChip(IOAPIC, r.getRecord("ioapic"), "kvm-ioapic", IOAPIC_REGS, "IOAPIC");
            StateRecord pitRecord = r.getRecord("pit");
            pitRecord.require("kvm-pit", 1, 1);
            try (Memory pit = new Memory(KvmIoctl.PIT2_SIZE)) {
                pit.clear();
                ByteBuffer p = KvmRegs.buffer(pit);
                p.putInt(PIT_FLAGS, (int) pitRecord.getLong("flags"));
                long now = System.nanoTime();
                for (int c = 0; c < 3; c++) {
                    StateRecord ch = pitRecord.getRecord("channel" + c);
                    ch.require("kvm-pit-channel", 1, 1);
                    PIT_CHANNEL.load(ch, p, c * PIT_CHANNEL_SIZE);
                    p.putLong(c * PIT_CHANNEL_SIZE + PIT_LOAD_TIME, now - ch.getLong("load_age_ns"));
                }
                KvmCall.ioctl(fd, KvmIoctl.SET_PIT2, pit, "cannot restore the PIT", "KVM_SET_PIT2");
            }
            try (Memory clock = new Memory(KvmIoctl.CLOCK_SIZE)) {
                clock.clear();
                clock.setLong(0, r.getLong("clock_ns"));
                KvmCall.ioctl(fd, KvmIoctl.SET_CLOCK, clock, "cannot restore the KVM clock", "KVM_SET_CLOCK");
            }
        } catch (StateException e) {
            throw KvmCall.unreadable("cannot restore the VM's interrupt controllers and timers", e);
        }
    }

    private void restoreChip(int chip, StateRecord r, String type, KvmLayout layout, String part)
            throws StateException, AcceleratorException {
        r.require(type, 1, 1);
        try (Memory m = new Memory(KvmIoctl.IRQCHIP_SIZE)) {
            m.clear();
            m.setInt(0, chip);
            layout.load(r, KvmRegs.buffer(m), CHIP);
            KvmCall.ioctl(fd, KvmIoctl.SET_IRQCHIP, m, "cannot restore the " + part, "KVM_SET_IRQCHIP");
        }
    }
}
