package io.modvm.devices.emulated.e1000;

import static io.modvm.devices.emulated.e1000.E1000Registers.*;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.DeviceException;
import io.modvm.api.pci.PciFunctionSpec;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The register model as a driver probes it: EEPROM, PHY, STATUS, interrupts, statistics, reset, link. */
class E1000RegistersTest {
    private final E1000Harness h;

    E1000RegistersTest() throws Exception {
        h = new E1000Harness();
    }

    @AfterEach
    void close() {
        h.close();
    }

    /** Linux's e1000_read_eeprom for a Microwire part: CS, then READ (110b) and 6 address bits, then 16 data bits. */
    private int microwireRead(int address) {
        int eecd = h.reg(EECD) & ~(MicrowireEeprom.SK | MicrowireEeprom.DI);
        eecd |= MicrowireEeprom.REQ;
        h.reg(EECD, eecd);
        assertTrue((h.reg(EECD) & MicrowireEeprom.GNT) != 0, "access granted");
        h.reg(EECD, eecd | MicrowireEeprom.CS);
        eecd |= MicrowireEeprom.CS;
        int command = 0b110 << 6 | address;
        for (int bit = 8; bit >= 0; bit--) {
            eecd = (command >>> bit & 1) != 0 ? eecd | MicrowireEeprom.DI : eecd & ~MicrowireEeprom.DI;
            h.reg(EECD, eecd);
            h.reg(EECD, eecd | MicrowireEeprom.SK);
            h.reg(EECD, eecd);
        }
        eecd &= ~MicrowireEeprom.DI;
        int word = 0;
        for (int bit = 0; bit < 16; bit++) {
            h.reg(EECD, eecd | MicrowireEeprom.SK);
            word = word << 1 | ((h.reg(EECD) & MicrowireEeprom.DO) != 0 ? 1 : 0);
            h.reg(EECD, eecd);
        }
        h.reg(EECD, eecd & ~MicrowireEeprom.CS);
        return word;
    }

    private int eerd(int address) {
        h.reg(EERD, address << Eeprom.EERD_ADDR_SHIFT | Eeprom.EERD_START);
        int v = h.reg(EERD);
        assertTrue((v & Eeprom.EERD_DONE) != 0, "read done");
        return v >>> Eeprom.EERD_DATA_SHIFT;
    }

    @Test
    void theEepromHoldsTheMacAndSumsToBabaThroughEecdAndEerd() {
        int sum = 0;
        for (int i = 0; i < Eeprom.WORDS; i++) {
            int bitBanged = microwireRead(i);
            assertEquals(eerd(i), bitBanged, "word " + i);
            sum += bitBanged;
        }
        assertEquals(0xBABA, sum & 0xFFFF, "Linux's e1000_validate_eeprom_checksum");
        assertEquals(0x5452, microwireRead(0));
        assertEquals(0x1200, microwireRead(1));
        assertEquals(0x5634, microwireRead(2));
        assertEquals(0x100E, eerd(0x0D), "device ID word");
        assertTrue((h.reg(EECD) & MicrowireEeprom.PRES) != 0, "EEPROM present");
        assertEquals(0, h.reg(EECD) & 0x200, "64 words: EECD.SIZE clear");
    }

    private int mdic(int op, int phy, int reg, int data) {
        h.reg(MDIC, op | phy << Phy.MDIC_PHY_SHIFT | reg << Phy.MDIC_REG_SHIFT | data);
        int v = h.reg(MDIC);
        assertTrue((v & Phy.MDIC_READY) != 0, "ready at once");
        return v;
    }

    @Test
    void thePhyIsAMarvell88E1011WithTheLinkUpAt1000FullDuplex() {
        assertEquals(0x0141, mdic(Phy.MDIC_OP_READ, 1, Phy.PHYID1, 0) & 0xFFFF);
        assertEquals(0x0C20, mdic(Phy.MDIC_OP_READ, 1, Phy.PHYID2, 0) & 0xFFFF);
        int bmsr = mdic(Phy.MDIC_OP_READ, 1, Phy.BMSR, 0);
        assertTrue((bmsr & Phy.BMSR_LINK) != 0 && (bmsr & Phy.BMSR_AN_COMPLETE) != 0, Integer.toHexString(bmsr));
        mdic(Phy.MDIC_OP_WRITE, 1, Phy.BMCR, Phy.BMCR_AN_ENABLE | Phy.BMCR_RESTART_AN | Phy.BMCR_RESET);
        assertEquals(Phy.BMCR_AN_ENABLE, mdic(Phy.MDIC_OP_READ, 1, Phy.BMCR, 0) & 0xFFFF, "restart and reset clear");
        mdic(Phy.MDIC_OP_WRITE, 1, Phy.SPEC_CTRL, 0x0068);
        assertEquals(0x0068, mdic(Phy.MDIC_OP_READ, 1, Phy.SPEC_CTRL, 0) & 0xFFFF);
        assertTrue((mdic(Phy.MDIC_OP_READ, 2, Phy.BMSR, 0) & Phy.MDIC_ERROR) != 0, "no PHY at address 2");
        int status = h.reg(STATUS);
        assertEquals(STATUS_LU | STATUS_FD | STATUS_SPEED_1000, status & (STATUS_LU | STATUS_FD | 0xC0));
        assertEquals(0, status & (0x800 | 0x1000), "PCI:33MHz:32-bit, as Linux prints it");
        h.reg(IMS, ICR_MDAC);
        mdic(Phy.MDIC_OP_READ | Phy.MDIC_INTERRUPT, 1, Phy.BMSR, 0);
        assertTrue(h.pci.intx(), "MDIC with I set interrupts");
        assertEquals(ICR_MDAC, h.reg(ICR));
        assertFalse(h.pci.intx(), "reading ICR clears it and the line");
    }

    @Test
    void setLinkDownAndUpShowsInStatusThePhyAndLinkStatusChange() {
        h.reg(IMS, ICR_LSC);
        h.device.setLink(false);
        assertFalse(h.device.linkUp());
        assertEquals(0, h.reg(STATUS) & STATUS_LU);
        assertEquals(0, mdic(Phy.MDIC_OP_READ, 1, Phy.BMSR, 0) & Phy.BMSR_LINK);
        assertTrue(h.pci.intx());
        assertEquals(ICR_LSC, h.reg(ICR));
        h.device.setLink(false);
        assertEquals(0, h.reg(ICR), "no change, no interrupt");
        h.device.setLink(true);
        assertEquals(STATUS_LU, h.reg(STATUS) & STATUS_LU);
        assertEquals(ICR_LSC, h.reg(ICR));
        h.backend.setLinkUp(false);
        assertEquals(0, h.reg(STATUS) & STATUS_LU, "the backend's link counts too");
        assertEquals(ICR_LSC, h.reg(ICR));
    }

    @Test
    void interruptCausesMaskAndCauseSet() {
        h.reg(ICS, ICR_RXT0 | ICR_TXDW);
        assertFalse(h.pci.intx(), "masked");
        assertEquals(ICR_RXT0 | ICR_TXDW, h.reg(ICS), "ICS reads ICR without clearing");
        h.reg(IMS, ICR_RXT0);
        assertTrue(h.pci.intx());
        assertEquals(ICR_RXT0, h.reg(IMS));
        h.reg(ICR, ICR_RXT0);
        assertFalse(h.pci.intx(), "writing 1 clears a cause");
        assertEquals(ICR_TXDW, h.reg(ICR));
        assertEquals(0, h.reg(ICR));
        h.reg(IMC, -1);
        assertEquals(0, h.reg(IMS));
    }

    @Test
    void statisticsCountAndClearOnRead() throws Exception {
        h.receiveRing(8, 2048, RCTL_BAM);
        h.backend.deliver(E1000Harness.frame(E1000Harness.MAC, 0x0800, 100));
        byte[] broadcast = E1000Harness.frame(new byte[] {-1, -1, -1, -1, -1, -1}, 0x0806, 60);
        h.backend.deliver(broadcast);
        assertTrue(E1000Harness.await(() -> h.reg(RDH) == 2, 2000));
        assertEquals(2, h.reg(Statistics.GPRC));
        assertEquals(0, h.reg(Statistics.GPRC), "cleared on read");
        assertEquals(1, h.reg(Statistics.BPRC));
        assertEquals(104 + 64, h.reg(Statistics.GORCL), "octets with FCS");
        assertEquals(104 + 64, h.reg(Statistics.GORCL), "the low half does not clear");
        assertEquals(0, h.reg(Statistics.GORCH));
        assertEquals(0, h.reg(Statistics.GORCL), "reading the high half clears both");
        assertEquals(1, h.reg(Statistics.PRC64), "the 60-byte frame is 64 with FCS");
        assertEquals(1, h.reg(Statistics.PRC64 + 4), "104 bytes: 65 to 127");
    }

    @Test
    void softwareResetAndMachineResetRestorePowerOnValues() {
        h.reg(RCTL, RCTL_EN | RCTL_UPE);
        h.reg(E1000Registers.RA, 0x11111111);
        h.reg(MTA + 8, 5);
        h.reg(CTRL, h.reg(CTRL) | CTRL_RST);
        assertEquals(0, h.reg(RCTL));
        assertEquals(0, h.reg(MTA + 8));
        assertEquals(0x12005452, h.reg(E1000Registers.RA), "slot 0 holds the EEPROM's address again");
        assertEquals(0x5634 | RAH_AV, h.reg(E1000Registers.RA + 4));
        assertEquals(0, h.reg(CTRL) & CTRL_RST, "self-clearing");
        h.reg(TCTL, TCTL_EN);
        h.device.reset();
        assertEquals(0, h.reg(TCTL));
        assertEquals(0x8100, h.reg(VET));
    }

    @Test
    void narrowAndWideAccessesAndUnknownRegisters() {
        h.reg(RDBAL, 0x12345678);
        assertEquals(0x12345670, h.reg(RDBAL), "16-byte aligned");
        assertEquals(0x34, h.device.read(RDBAL + 2, 1));
        h.device.write(RDBAL + 1, 1, 0xAB);
        assertEquals(0x1234AB70, h.reg(RDBAL));
        h.device.write(RDBAL, 8, 0x0000_0001_0000_1000L);
        assertEquals(0x0000_0001_0000_1000L, h.device.read(RDBAL, 8));
        h.reg(RDLEN, 0x12345);
        assertEquals(0x12300 & 0xFFF80, h.reg(RDLEN), "a multiple of 128");
        h.reg(0x1F000, 7);
        assertEquals(0, h.reg(0x1F000), "nothing there");
        assertEquals(0, h.device.read(0x1FFFF, 1));
    }

    @Test
    void configurationIsCheckedInOneLine() throws Exception {
        DeviceException bad = assertThrows(DeviceException.class,
                () -> E1000Config.parse("n", Map.of("speed", "10")));
        assertEquals("e1000: unknown property 'speed'; accepted: addr, autonegotiation, bootindex, mac, mitigation, "
                + "netdev, romfile", bad.getMessage());
        assertThrows(DeviceException.class, () -> E1000Config.parse("n", Map.of("mac", "01:00:5e:00:00:01")));
        assertThrows(DeviceException.class, () -> E1000Config.parse("n", Map.of("mitigation", "maybe")));
        assertThrows(DeviceException.class, () -> E1000Config.parse("n", Map.of("netdev", "")));
        E1000Config c = E1000Config.parse("e1000.0", Map.of("romfile", "", "bootindex", "1", "addr", "5",
                "autonegotiation", "off", "mitigation", "on"));
        assertEquals(0x52, c.mac()[0]);
        assertEquals(null, c.netdev());
        assertEquals(io.modvm.api.net.MacAddress.format(io.modvm.api.net.MacAddress.generated("e1000.0")),
                io.modvm.api.net.MacAddress.format(c.mac()));
    }

    @Test
    void theFunctionIsQemusE1000() {
        PciFunctionSpec s = E1000Factory.spec(h.device);
        assertEquals(0x8086, s.vendorId());
        assertEquals(0x100E, s.deviceId());
        assertEquals(3, s.revision());
        assertEquals(0x020000, s.classCode());
        assertEquals(0x1AF4, s.subsystemVendorId());
        assertEquals(0x1100, s.subsystemId());
        assertEquals(PciFunctionSpec.INTA, s.interruptPin());
        assertEquals(0x20000, s.bars().get(0).size());
        assertEquals(0, s.msixVectors());
    }

    @Test
    void theNicReportsItself() {
        assertEquals("e1000", h.device.model());
        assertEquals("52:54:00:12:34:56", h.device.mac());
        assertEquals("n0", h.device.netdev());
        assertEquals("type=fake,datapath=userspace", h.device.backendInfo());
        h.reg(RCTL, RCTL_BAM);
        Map<String, Object> f = h.device.rxFilter();
        assertEquals("nic0", f.get("name"));
        assertEquals(true, f.get("broadcast-allowed"));
        assertEquals("52:54:00:12:34:56", f.get("main-mac"));
    }
}
