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
}
