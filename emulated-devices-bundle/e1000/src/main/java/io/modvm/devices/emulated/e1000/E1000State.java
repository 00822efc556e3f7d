package io.modvm.devices.emulated.e1000;

import io.modvm.api.state.StateException;
import io.modvm.api.state.StateRecord;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * What an e1000 carries across an update of its bundle, a snapshot or a migration: the registers (ring bases,
 * lengths, heads and tails among them, and the receive filter), the PHY's registers, where the driver is in an
 * EEPROM read, the interrupt causes, mask and throttle, the link as {@code set_link} left it, and the two transmit
 * offload contexts. The EEPROM's contents follow from the MAC, which the configuration gives. The PCI function
 * (slot, BARs, command register) is the machine's and stays. No frame is in flight when the threads stop: a packet
 * whose last descriptor had not come was not started.
 *
 * @param registers offset and value pairs of the registers that are not zero
 */
record E1000State(int[] registers, int[] phy, int[] eeprom, int icr, int ims, int itr, boolean linkUp,
        TxContext checksumContext, TxContext segmentationContext) {
    static final String TYPE = "e1000";
    static final int VERSION = 1;

    StateRecord toRecord() {
        return StateRecord.builder(TYPE, VERSION).put("registers", ints(registers)).put("phy", ints(phy))
                .put("eeprom", ints(eeprom)).put("icr", icr).put("ims", ims).put("itr", itr).put("linkUp", linkUp)
                .put("checksumContext", ints(checksumContext.save()))
                .put("segmentationContext", ints(segmentationContext.save())).build();
    }

    static E1000State from(StateRecord r) throws StateException {
        r.require(TYPE, 1, VERSION);
        int[] registers = ints(r.getBytes("registers"));
        if (registers.length % 2 != 0) {
            throw new StateException(TYPE + ": registers saved as " + registers.length + " values, not pairs");
        }
        for (int i = 0; i < registers.length; i += 2) {
            if (registers[i] < 0 || registers[i] >= E1000Registers.BAR_SIZE || (registers[i] & 3) != 0) {
                throw new StateException(TYPE + ": a register at offset " + registers[i] + ", outside BAR 0");
            }
        }
        int[] phy = ints(r.getBytes("phy"));
        int[] eeprom = ints(r.getBytes("eeprom"));
        if (phy.length != Phy.REGISTERS || eeprom.length != 6) {
            throw new StateException(TYPE + ": " + phy.length + " PHY registers and " + eeprom.length
                    + " EEPROM values; expected " + Phy.REGISTERS + " and 6");
        }
        return new E1000State(registers, phy, eeprom, r.getInt("icr"), r.getInt("ims"), r.getInt("itr"),
                r.getBoolean("linkUp"), TxContext.restore(ints(r.getBytes("checksumContext"))),
                TxContext.restore(ints(r.getBytes("segmentationContext"))));
    }

    private static byte[] ints(int[] values) {
        ByteBuffer b = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int v : values) {
            b.putInt(v);
        }
        return b.array();
    }

    private static int[] ints(byte[] bytes) throws StateException {
        if (bytes.length % 4 != 0) {
            throw new StateException(TYPE + ": " + bytes.length + " bytes is not a whole number of 32-bit values");
        }
        int[] out = new int[bytes.length / 4];
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).asIntBuffer().get(out);
        return out;
    }
}
