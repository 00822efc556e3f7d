package io.modvm.devices.emulated.e1000;

/**
 * The 82540EM's internal PHY, a Marvell 88E1011 at MDIO address 1, as the driver reaches it through MDIC (SDM
 * 13.4.8 and chapter 8): the IEEE registers 0 to 10, the Marvell ones at 16 to 21, and what they say about the link.
 * The link is 1000 Mb/s full duplex whenever it is up; auto-negotiation completes at once. Registers nothing here
 * gives a meaning hold what the driver writes, so that its read-modify-write sequences work.
 */
final class Phy {
    static final int ADDRESS = 1;
    static final int REGISTERS = 32;

    static final int BMCR = 0;
    static final int BMSR = 1;
    static final int PHYID1 = 2;
    static final int PHYID2 = 3;
    static final int ANAR = 4;
    static final int ANLPAR = 5;
    static final int ANER = 6;
    static final int CTRL1000 = 9;
    static final int STAT1000 = 10;
    static final int SPEC_CTRL = 16;
    static final int SPEC_STATUS = 17;
    static final int EXT_SPEC_CTRL = 20;
    static final int RX_ERRORS = 21;

    static final int BMCR_RESTART_AN = 1 << 9;
    static final int BMCR_AN_ENABLE = 1 << 12;
    static final int BMCR_RESET = 1 << 15;
    static final int BMSR_LINK = 1 << 2;
    static final int BMSR_AN_COMPLETE = 1 << 5;
    static final int ANLPAR_ACK = 1 << 14;
    static final int SPEC_STATUS_LINK = 1 << 10;

    static final int MDIC_DATA = 0xFFFF;
    static final int MDIC_REG_SHIFT = 16;
    static final int MDIC_PHY_SHIFT = 21;
    static final int MDIC_OP_WRITE = 1 << 26;
    static final int MDIC_OP_READ = 2 << 26;
    static final int MDIC_READY = 1 << 28;
    static final int MDIC_INTERRUPT = 1 << 29;
    static final int MDIC_ERROR = 1 << 30;

    /** 1000BASE-T full duplex, auto-negotiation on. */
    private static final int BMCR_DEFAULT = 0x0140 | BMCR_AN_ENABLE;
    /** Extended capabilities and status, 10/100 half and full, auto-negotiation able, preamble suppression. */
    private static final int BMSR_ABILITIES = 0x0001 | 0x0008 | 0x0040 | 0x0100 | 0x7800;
    /** Marvell's OUI and the 88E1011's model number. */
    private static final int ID1 = 0x0141;
    private static final int ID2 = 0x0C20;
    /** 10/100 half and full, both PAUSE bits, IEEE 802.3 selector. */
    private static final int ANAR_DEFAULT = 0x0DE1;
    /** The partner: 10/100 half and full. */
    private static final int ANLPAR_PARTNER = 0x01E1;
    /** Advertise 1000BASE-T full, multi-port device, manual master. */
    private static final int CTRL1000_DEFAULT = 0x0E00;
    /** Local and remote receivers OK, partner 1000BASE-T half and full. */
    private static final int STAT1000_UP = 0x3C00;
    private static final int SPEC_CTRL_DEFAULT = 0x0360;
    /** 1000 Mb/s, full duplex, speed and duplex resolved (and bit 10, the link, while up). */
    private static final int SPEC_STATUS_RESOLVED = 0x8000 | 0x2000 | 0x0800;
    private static final int EXT_SPEC_CTRL_DEFAULT = 0x0D60;

    private final int[] regs = new int[REGISTERS];
    private boolean link;

    Phy() {
        reset(true);
    }

    /** Power-on values, with the link as it is. */
    void reset(boolean linkUp) {
        java.util.Arrays.fill(regs, 0);
        regs[BMCR] = BMCR_DEFAULT;
        regs[PHYID1] = ID1;
        regs[PHYID2] = ID2;
        regs[ANAR] = ANAR_DEFAULT;
        regs[CTRL1000] = CTRL1000_DEFAULT;
        regs[SPEC_CTRL] = SPEC_CTRL_DEFAULT;
        regs[EXT_SPEC_CTRL] = EXT_SPEC_CTRL_DEFAULT;
        setLink(linkUp);
    }

    /** The cable: with it, negotiation completes at once; without, the status registers say so. */
    void setLink(boolean up) {
        link = up;
        regs[BMSR] = BMSR_ABILITIES | (up ? BMSR_LINK | BMSR_AN_COMPLETE : 0);
        regs[ANLPAR] = up ? ANLPAR_PARTNER | ANLPAR_ACK : 0;
        regs[STAT1000] = up ? STAT1000_UP : 0;
        regs[SPEC_STATUS] = up ? SPEC_STATUS_RESOLVED | SPEC_STATUS_LINK : 0;
    }

    /**
     * Runs the MDIC command {@code command} and returns what MDIC reads afterwards: Ready set, the data of a read,
     * Error set for another PHY address or an opcode that is neither read nor write.
     */
    int mdic(int command) {
        int reg = command >>> MDIC_REG_SHIFT & 0x1F;
        int phy = command >>> MDIC_PHY_SHIFT & 0x1F;
        int op = command & (3 << 26);
        int result = command & ~(MDIC_READY | MDIC_ERROR);
        if (phy != ADDRESS || (op != MDIC_OP_READ && op != MDIC_OP_WRITE)) {
            return result | MDIC_READY | MDIC_ERROR;
        }
        if (op == MDIC_OP_READ) {
            return (result & ~MDIC_DATA) | regs[reg] | MDIC_READY;
        }
        write(reg, command & MDIC_DATA);
        return result | MDIC_READY;
    }

    private void write(int reg, int value) {
        switch (reg) {
            case BMCR -> {
                // Reset and restart are self-clearing; a restart completes at once while the link is up.
                regs[BMCR] = value & ~(BMCR_RESET | BMCR_RESTART_AN) & ~0x3F;
                setLink(link);
            }
            case BMSR, PHYID1, PHYID2, ANLPAR, ANER, STAT1000, SPEC_STATUS, RX_ERRORS -> {
                // read-only
            }
            default -> regs[reg] = value;
        }
    }

    int register(int reg) {
        return regs[reg & 0x1F];
    }

    /** The registers, for a hand-over. */
    int[] save() {
        return regs.clone();
    }

    void restore(int[] saved, boolean linkUp) {
        for (int i = 0; i < REGISTERS && i < saved.length; i++) {
            regs[i] = saved[i] & 0xFFFF;
        }
        setLink(linkUp);
    }
}
