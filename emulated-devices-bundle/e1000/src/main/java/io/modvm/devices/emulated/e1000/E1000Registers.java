package io.modvm.devices.emulated.e1000;

/**
 * What Intel's PCI/PCI-X Family of Gigabit Ethernet Controllers Software Developer's Manual (8254x, chapter 13)
 * fixes for the 82540EM: the register offsets in BAR 0 and the bits this model uses. Every register is 32 bits wide.
 */
final class E1000Registers {
    private E1000Registers() {
    }

    static final int CTRL = 0x0000;
    /** A second address of CTRL, which later parts reset through; the same register here. */
    static final int CTRL_DUP = 0x0004;
    static final int STATUS = 0x0008;
    static final int EECD = 0x0010;
    static final int EERD = 0x0014;
    static final int CTRL_EXT = 0x0018;
    static final int FLA = 0x001C;
    static final int MDIC = 0x0020;
    static final int FCAL = 0x0028;
    static final int FCAH = 0x002C;
    static final int FCT = 0x0030;
    static final int VET = 0x0038;
    static final int ICR = 0x00C0;
    static final int ITR = 0x00C4;
    static final int ICS = 0x00C8;
    static final int IMS = 0x00D0;
    static final int IMC = 0x00D8;
    static final int RCTL = 0x0100;
    static final int FCTTV = 0x0170;
    static final int TXCW = 0x0178;
    static final int RXCW = 0x0180;
    static final int TCTL = 0x0400;
    static final int TCTL_EXT = 0x0404;
    static final int TIPG = 0x0410;
    static final int AIT = 0x0458;
    static final int LEDCTL = 0x0E00;
    static final int PBA = 0x1000;
    static final int ERT = 0x2008;
    static final int FCRTL = 0x2160;
    static final int FCRTH = 0x2168;
    static final int RDFH = 0x2410;
    static final int RDFT = 0x2418;
    static final int RDFHS = 0x2420;
    static final int RDFTS = 0x2428;
    static final int RDFPC = 0x2430;
    static final int RDBAL = 0x2800;
    static final int RDBAH = 0x2804;
    static final int RDLEN = 0x2808;
    static final int RDH = 0x2810;
    static final int RDT = 0x2818;
    static final int RDTR = 0x2820;
    static final int RXDCTL = 0x2828;
    static final int RADV = 0x282C;
    static final int RSRPD = 0x2C00;
    static final int TXDMAC = 0x3000;
    static final int TDFH = 0x3410;
    static final int TDFT = 0x3418;
    static final int TDFHS = 0x3420;
    static final int TDFTS = 0x3428;
    static final int TDFPC = 0x3430;
    static final int TDBAL = 0x3800;
    static final int TDBAH = 0x3804;
    static final int TDLEN = 0x3808;
    static final int TDH = 0x3810;
    static final int TDT = 0x3818;
    static final int TIDV = 0x3820;
    static final int TXDCTL = 0x3828;
    static final int TADV = 0x382C;
    static final int TSPMT = 0x3830;
    /** The statistics registers, 0x4000 to 0x40FC ({@link Statistics}). */
    static final int STATS_FIRST = 0x4000;
    static final int STATS_LAST = 0x40FC;
    static final int RXCSUM = 0x5000;
    /** Multicast table array: 128 registers of 32 hash bits. */
    static final int MTA = 0x5200;
    static final int MTA_ENTRIES = 128;
    /** Receive addresses: 16 pairs of RAL (address bytes 0-3) and RAH (bytes 4-5, Address Valid in bit 31). */
    static final int RA = 0x5400;
    static final int RA_ENTRIES = 16;
    /** VLAN filter table array: 128 registers, one bit per VLAN id. */
    static final int VFTA = 0x5600;
    static final int VFTA_ENTRIES = 128;
    static final int WUC = 0x5800;
    static final int WUFC = 0x5808;
    static final int WUS = 0x5810;
    static final int MANC = 0x5820;
    static final int IPAV = 0x5838;
    static final int IP4AT = 0x5840;
    static final int IP6AT = 0x5880;
    static final int WUPL = 0x5900;
    static final int SWSM = 0x5B50;
    /** BAR 0's size: the register space is 128 KiB. */
    static final int BAR_SIZE = 0x20000;

    static final int CTRL_FD = 1;
    static final int CTRL_SLU = 1 << 6;
    static final int CTRL_SPD_1000 = 2 << 8;
    static final int CTRL_RST = 1 << 26;
    static final int CTRL_VME = 1 << 30;

    static final int STATUS_FD = 1;
    static final int STATUS_LU = 1 << 1;
    static final int STATUS_SPEED_1000 = 2 << 6;
    /** Auto-speed detection value, 1000 Mb/s. */
    static final int STATUS_ASDV_1000 = 2 << 8;
    static final int STATUS_MTXCKOK = 1 << 10;
    static final int STATUS_GIO_MASTER_ENABLE = 1 << 19;

    static final int RCTL_EN = 1 << 1;
    static final int RCTL_SBP = 1 << 2;
    static final int RCTL_UPE = 1 << 3;
    static final int RCTL_MPE = 1 << 4;
    static final int RCTL_LPE = 1 << 5;
    static final int RCTL_RDMTS_SHIFT = 8;
    static final int RCTL_MO_SHIFT = 12;
    static final int RCTL_BAM = 1 << 15;
    static final int RCTL_BSIZE_SHIFT = 16;
    static final int RCTL_VFE = 1 << 18;
    static final int RCTL_BSEX = 1 << 25;
    static final int RCTL_SECRC = 1 << 26;

    static final int TCTL_EN = 1 << 1;

    static final int ICR_TXDW = 1;
    static final int ICR_TXQE = 1 << 1;
    static final int ICR_LSC = 1 << 2;
    static final int ICR_RXDMT0 = 1 << 4;
    static final int ICR_RXO = 1 << 6;
    static final int ICR_RXT0 = 1 << 7;
    static final int ICR_MDAC = 1 << 9;

    static final int RAH_AV = 1 << 31;

    /** Descriptors are 16 bytes; a ring's length is a multiple of 128 bytes. */
    static final int DESCRIPTOR_SIZE = 16;
    static final int RING_LENGTH_MASK = 0xFFF80;
}
