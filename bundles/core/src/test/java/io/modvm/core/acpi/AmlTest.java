package io.modvm.core.acpi;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** Encodings checked against the ACPI specification's AML grammar (and what iasl emits for the same ASL). */
class AmlTest {
    private static byte[] bytes(int... v) {
        byte[] b = new byte[v.length];
        for (int i = 0; i < v.length; i++) {
            b[i] = (byte) v[i];
        }
        return b;
    }

    @Test
    void integersUseTheSmallestPrefix() {
        assertArrayEquals(bytes(0x00), Aml.integer(0));
        assertArrayEquals(bytes(0x01), Aml.integer(1));
        assertArrayEquals(bytes(0x0A, 0x05), Aml.integer(5));
        assertArrayEquals(bytes(0x0B, 0x34, 0x12), Aml.integer(0x1234));
        assertArrayEquals(bytes(0x0C, 0x00, 0x00, 0xC0, 0xFE), Aml.integer(0xFEC00000L));
        assertArrayEquals(bytes(0x0E, 0, 0, 0, 0, 1, 0, 0, 0), Aml.integer(1L << 32));
    }

    @Test
    void namesArePaddedAndPrefixed() {
        assertArrayEquals(bytes('_', 'S', '5', '_'), Aml.name("_S5"));
        assertArrayEquals(bytes('\\', '_', 'S', '5', '_'), Aml.name("\\_S5"));
        assertArrayEquals(bytes('\\', 0x2E, '_', 'S', 'B', '_', 'P', 'C', 'I', '0'), Aml.name("\\_SB.PCI0"));
        assertArrayEquals(bytes(0x2F, 3, 'A', '_', '_', '_', 'B', '_', '_', '_', 'C', '_', '_', '_'),
                Aml.name("A.B.C"));
        assertThrows(IllegalArgumentException.class, () -> Aml.name("lower"));
        assertThrows(IllegalArgumentException.class, () -> Aml.name("TOOLONG"));
    }

    @Test
    void packageLengthsCountThemselves() {
        assertArrayEquals(bytes(0x3F), Aml.pkgLength(62));
        assertArrayEquals(bytes(0x41, 0x04), Aml.pkgLength(63), "65 = 0x41: two bytes, low nibble 1, then 0x04");
        assertArrayEquals(bytes(0x42, 0xFF), Aml.pkgLength(0xFF0), "0xFF2 in two bytes");
        assertArrayEquals(bytes(0x83, 0x00, 0x10), Aml.pkgLength(0x10000), "0x10003 in three bytes");
    }

    @Test
    void s5PackageMatchesIasl() {
        // Name (\_S5, Package (0x04) { 0x05, 0x05, Zero, Zero }) as iasl compiles it
        assertArrayEquals(bytes(0x08, '\\', '_', 'S', '5', '_', 0x12, 0x08, 0x04, 0x0A, 0x05, 0x0A, 0x05, 0x00, 0x00),
                FirmwareTables.s5());
    }

    @Test
    void pciRootResourcesMatchIasl() {
        // WordBusNumber (ResourceProducer, MinFixed, MaxFixed, PosDecode, 0, 0, 0xFF, 0, 0x100) then EndTag
        byte[] crs = new ResourceTemplate().busNumbers(0, 0xFF).toAml();
        assertArrayEquals(bytes(0x11, 0x15, 0x0A, 0x12, 0x88, 0x0D, 0x00, 0x02, 0x0C, 0x00, 0x00, 0x00, 0x00, 0x00,
                0xFF, 0x00, 0x00, 0x00, 0x00, 0x01, 0x79, 0x00), crs);
        // DWordMemory (..., 0xC0000000, 0xFEBFFFFF, 0, 0x3EC00000): 23 bytes after the tag and length
        byte[] mem = new ResourceTemplate().memory32(0xC000_0000L, 0xFEBF_FFFFL).toAml();
        assertArrayEquals(bytes(0x87, 0x17, 0x00, 0x00, 0x0C, 0x01), java.util.Arrays.copyOfRange(mem, 4, 10));
        assertArrayEquals(bytes(0x00, 0x00, 0x00, 0xC0, 0xFF, 0xFF, 0xBF, 0xFE), java.util.Arrays.copyOfRange(mem,
                14, 22));
        assertArrayEquals(bytes(0x00, 0x00, 0xC0, 0x3E), java.util.Arrays.copyOfRange(mem, 26, 30));
        byte[] dsdt = FirmwareTables.dsdtAml();
        String text = new String(dsdt, java.nio.charset.StandardCharsets.ISO_8859_1);
        assertTrue(text.contains("PCI0") && text.contains("_CRS") && text.contains("_HID"), "DSDT has \\_SB.PCI0");
    }

    @Test
    void devicesAndScopes() {
        byte[] dev = Aml.device("COM1", Aml.nameOf("_HID", Aml.eisaId("PNP0501")));
        assertArrayEquals(bytes(0x5B, 0x82, 0x0F, 'C', 'O', 'M', '1', 0x08, '_', 'H', 'I', 'D', 0x0C, 0x41, 0xD0,
                0x05, 0x01), dev);
        byte[] scope = Aml.scope("\\_SB", dev);
        assertArrayEquals(bytes(0x10, 0x17, '\\', '_', 'S', 'B', '_'), java.util.Arrays.copyOf(scope, 7));
        assertArrayEquals(bytes(0x0C, 0x41, 0xD0, 0x0A, 0x03), Aml.eisaId("PNP0A03"));
        assertArrayEquals(bytes(0x0D, 'h', 'i', 0x00), Aml.string("hi"));
    }

    // The expected bytes below are what iasl 20200925 emits for the ASL in each comment (iasl -l listing).

    @Test
    void operationRegionAndFieldMatchIasl() {
        // OperationRegion (PCST, SystemIO, 0xAE00, 0x08)
        assertArrayEquals(bytes(0x5B, 0x80, 'P', 'C', 'S', 'T', 0x01, 0x0B, 0x00, 0xAE, 0x0A, 0x08),
                Aml.operationRegion("PCST", Aml.SYSTEM_IO, 0xAE00, 0x08));
        // Field (PCST, DWordAcc, NoLock, WriteAsZeros) { PCIU, 32, PCID, 32 }
        assertArrayEquals(bytes(0x5B, 0x81, 0x10, 'P', 'C', 'S', 'T', 0x43, 'P', 'C', 'I', 'U', 0x20, 'P', 'C', 'I',
                'D', 0x20), Aml.field("PCST", Aml.DWORD_ACC, Aml.WRITE_AS_ZEROS, new Aml.FieldUnit("PCIU", 32),
                        new Aml.FieldUnit("PCID", 32)));
        // Field (SEJ, DWordAcc, NoLock, WriteAsZeros) { B0EJ, 32 }: the region's name is padded
        assertArrayEquals(bytes(0x5B, 0x81, 0x0B, 'S', 'E', 'J', '_', 0x43, 'B', '0', 'E', 'J', 0x20),
                Aml.field("SEJ", Aml.DWORD_ACC, Aml.WRITE_AS_ZEROS, new Aml.FieldUnit("B0EJ", 32)));
        // A unit of 64 bits or more takes a two-byte length, without counting itself as a package would
        assertArrayEquals(bytes(0x40, 0x04), Aml.encodedLength(64));
        assertArrayEquals(bytes(0x5B, 0x81, 0x0C, 'R', 'E', 'G', '_', 0x01, 'W', 'I', 'D', 'E', 0x40, 0x04),
                Aml.field("REG", Aml.BYTE_ACC, Aml.PRESERVE, new Aml.FieldUnit("WIDE", 64)));
    }

    @Test
    void methodStoreShiftLeftAndReturnMatchIasl() {
        // Method (PCEJ, 1, NotSerialized) { Store (ShiftLeft (One, Arg0), B0EJ)  Return (Zero) }
        byte[] pcej = Aml.method("PCEJ", 1, false,
                Aml.store(Aml.shiftLeft(Aml.integer(1), Aml.arg(0)), Aml.name("B0EJ")),
                Aml.ret(Aml.integer(0)));
        assertArrayEquals(bytes(0x14, 0x11, 'P', 'C', 'E', 'J', 0x01, 0x70, 0x79, 0x01, 0x68, 0x00, 'B', '0', 'E',
                'J', 0xA4, 0x00), pcej);
    }

    @Test
    void ifAndNotifyMatchIasl() {
        // Method (DVNT, 2, NotSerialized) { If (And (Arg0, 0x02)) { Notify (S01, Arg1) } }
        byte[] dvnt = Aml.method("DVNT", 2, false,
                Aml.ifThen(Aml.and(Aml.arg(0), Aml.integer(2)), Aml.notify("S01", Aml.arg(1))));
        assertArrayEquals(bytes(0x14, 0x13, 'D', 'V', 'N', 'T', 0x02, 0xA0, 0x0C, 0x7B, 0x68, 0x0A, 0x02, 0x00, 0x86,
                'S', '0', '1', '_', 0x69), dvnt);
    }

    @Test
    void callsArgumentsAndLocalsMatchIasl() {
        // Method (PCNT, 0, NotSerialized) { DVNT (PCIU, One)  DVNT (PCID, 0x03) }
        byte[] pcnt = Aml.method("PCNT", 0, false,
                Aml.call("DVNT", Aml.name("PCIU"), Aml.integer(1)),
                Aml.call("DVNT", Aml.name("PCID"), Aml.integer(3)));
        assertArrayEquals(bytes(0x14, 0x19, 'P', 'C', 'N', 'T', 0x00, 'D', 'V', 'N', 'T', 'P', 'C', 'I', 'U', 0x01,
                'D', 'V', 'N', 'T', 'P', 'C', 'I', 'D', 0x0A, 0x03), pcnt);
        // Method (_EJ0, 1, NotSerialized) { PCEJ (_SUN) }
        assertArrayEquals(bytes(0x14, 0x0E, '_', 'E', 'J', '0', 0x01, 'P', 'C', 'E', 'J', '_', 'S', 'U', 'N'),
                Aml.method("_EJ0", 1, false, Aml.call("PCEJ", Aml.name("_SUN"))));
        // Method (_E01, 0, NotSerialized) { \_SB.PCI0.PCNT () }
        assertArrayEquals(bytes(0x14, 0x15, '_', 'E', '0', '1', 0x00, '\\', 0x2F, 0x03, '_', 'S', 'B', '_', 'P', 'C',
                'I', '0', 'P', 'C', 'N', 'T'), Aml.method("_E01", 0, false, Aml.call("\\_SB.PCI0.PCNT")));
        // Method (TEST, 2, Serialized) { Store (Arg0, Local0)  Store (Or (Local0, 0x80), Local1)  Return (Local1)
        //     If (LEqual (Arg1, 0x03)) { Return (One) }  Return (Zero) }
        byte[] test = Aml.method("TEST", 2, true,
                Aml.store(Aml.arg(0), Aml.local(0)),
                Aml.store(Aml.or(Aml.local(0), Aml.integer(0x80)), Aml.local(1)),
                Aml.ret(Aml.local(1)),
                Aml.ifThen(Aml.lEqual(Aml.arg(1), Aml.integer(3)), Aml.ret(Aml.integer(1))),
                Aml.ret(Aml.integer(0)));
        assertArrayEquals(bytes(0x14, 0x1C, 'T', 'E', 'S', 'T', 0x0A, 0x70, 0x68, 0x60, 0x70, 0x7D, 0x60, 0x0A, 0x80,
                0x00, 0x61, 0xA4, 0x61, 0xA0, 0x07, 0x93, 0x69, 0x0A, 0x03, 0xA4, 0x01, 0xA4, 0x00), test);
        assertThrows(IllegalArgumentException.class, () -> Aml.arg(7));
        assertThrows(IllegalArgumentException.class, () -> Aml.local(8));
        assertThrows(IllegalArgumentException.class, () -> Aml.method("M", 8, false));
    }
}
