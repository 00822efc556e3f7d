package io.modvm.api.device;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DevicePropertiesTest {
    private static final List<DeviceProperty> UART = List.of(
            DeviceProperty.string("chardev", "ID of a chardev to use as a backend"),
            DeviceProperty.integer("iobase", "first port").range(0, 0xfff8).hex().withDefault(0x3f8),
            DeviceProperty.integer("irq", "ISA interrupt line").range(0, 15).withDefault(4),
            DeviceProperty.bool("wakeup", "wake the guest on input").withDefault(false),
            DeviceProperty.size("fifo", "receive buffer").range(16, 1 << 20).withDefault(64),
            DeviceProperty.choice("mode", "echo", "none", "line", "raw").withDefault("none"),
            DeviceProperty.integer("offset", "signed").range(-8, 8));

    private static DeviceProperties parse(Map<String, String> given) throws DeviceException {
        return DeviceProperties.parse("t", UART, given);
    }

    private static String error(Map<String, String> given) {
        return assertThrows(DeviceException.class, () -> parse(given)).getMessage();
    }

    @Test
    void defaultsWhenNothingIsGiven() throws Exception {
        DeviceProperties p = parse(Map.of());
        assertNull(p.string("chardev"));
        assertEquals(0x3f8, p.integer("iobase"));
        assertEquals(4, p.integer("irq"));
        assertFalse(p.bool("wakeup"));
        assertEquals(64, p.size("fifo"));
        assertEquals("none", p.string("mode"));
        assertFalse(p.isSet("irq"));
        assertEquals(Map.of(), p.asMap());
        assertThrows(IllegalStateException.class, () -> p.integer("offset"));
    }

    @Test
    void valuesOfEachKind() throws Exception {
        DeviceProperties p = parse(Map.of("chardev", "c0", "iobase", "0x2F8", "irq", "3", "wakeup", "yes",
                "fifo", "4K", "mode", "raw", "offset", "-3"));
        assertEquals("c0", p.string("chardev"));
        assertEquals(0x2f8, p.integer("iobase"));
        assertEquals(3, p.integer("irq"));
        assertTrue(p.bool("wakeup"));
        assertEquals(4096, p.size("fifo"));
        assertEquals("raw", p.string("mode"));
        assertEquals(-3, p.integer("offset"));
        assertTrue(p.isSet("irq"));
        assertEquals("0x2F8", p.asMap().get("iobase"), "the values as given stay what a configuration records");
    }

    @Test
    void switchesTakeQemusWords() throws Exception {
        for (String on : new String[] {"on", "yes", "true"}) {
            assertTrue(parse(Map.of("wakeup", on)).bool("wakeup"), on);
        }
        for (String off : new String[] {"off", "no", "false"}) {
            assertFalse(parse(Map.of("wakeup", off)).bool("wakeup"), off);
        }
        assertEquals("t: wakeup 'maybe' is not a switch; use wakeup=on or wakeup=off",
                error(Map.of("wakeup", "maybe")));
    }

    @Test
    void integersAreCheckedAgainstTheirRangeInTheirOwnNotation() {
        assertEquals("t: irq '16' is out of range; use 0..15", error(Map.of("irq", "16")));
        assertEquals("t: irq 'four' is not a number; use e.g. irq=4", error(Map.of("irq", "four")));
        assertEquals("t: irq '-1' is not a number; use e.g. irq=4", error(Map.of("irq", "-1")));
        assertEquals("t: irq '' is not a number; use e.g. irq=4", error(Map.of("irq", "")));
        assertEquals("t: iobase '0xfffff' is out of range; use 0x0..0xfff8", error(Map.of("iobase", "0xfffff")));
        assertEquals("t: iobase '99999999999999999999999' is out of range; use 0x0..0xfff8",
                error(Map.of("iobase", "99999999999999999999999")));
        assertEquals("t: offset '-9' is out of range; use -8..8", error(Map.of("offset", "-9")));
    }

    @Test
    void sizesTakeSuffixesAndFractions() throws Exception {
        assertEquals(16, parse(Map.of("fifo", "16")).size("fifo"));
        assertEquals(1536, parse(Map.of("fifo", "1.5k")).size("fifo"));
        assertEquals(1 << 20, parse(Map.of("fifo", "1M")).size("fifo"));
        assertEquals(1 << 20, parse(Map.of("fifo", "1MB")).size("fifo"));
        assertEquals(64, parse(Map.of("fifo", "64B")).size("fifo"));
        assertEquals("t: fifo '2M' is out of range; use 16..1048576", error(Map.of("fifo", "2M")));
        assertEquals("t: fifo 'big' is not a size; use a number of bytes with an optional suffix K, M, G or T, "
                + "e.g. fifo=64", error(Map.of("fifo", "big")));
    }

    @Test
    void choicesNameTheirWords() {
        assertEquals("t: mode 'cooked' is not one of none, line, raw", error(Map.of("mode", "cooked")));
    }

    @Test
    void anUnknownPropertyIsNamedWithTheDeclaredOnesAndATypoGetsTheNearestName() {
        assertEquals("t: unknown property 'speed'; accepted: chardev, fifo, iobase, irq, mode, offset, wakeup",
                error(Map.of("speed", "9600")));
        assertEquals("t: unknown property 'iobse' (did you mean 'iobase'?); accepted: chardev, fifo, iobase, irq, "
                + "mode, offset, wakeup", error(Map.of("iobse", "0x3f8")));
        assertEquals("t: unknown property 'chradev' (did you mean 'chardev'?); accepted: chardev, fifo, iobase, "
                + "irq, mode, offset, wakeup", error(Map.of("chradev", "c0")));
        assertEquals("t: unknown property 'x'; this device takes no properties",
                assertThrows(DeviceException.class, () -> DeviceProperties.parse("t", List.of(), Map.of("x", "1")))
                        .getMessage());
    }

    @Test
    void theIdIsTheCoresAndAlwaysAccepted() throws Exception {
        DeviceProperties p = DeviceProperties.parse("t", List.of(), Map.of("id", "d0"));
        assertEquals(Map.of("id", "d0"), p.asMap());
    }

    @Test
    void undeclaredPropertiesPassThroughUnchecked() throws Exception {
        DeviceProperties p = DeviceProperties.parse("t", null, Map.of("anything", "goes"));
        assertFalse(p.declared());
        assertEquals(Map.of("anything", "goes"), p.asMap());
        assertThrows(IllegalStateException.class, () -> p.string("anything"));
    }

    @Test
    void readingAPropertyAsAnotherKindOrOneNotDeclaredIsAProgrammingError() throws Exception {
        DeviceProperties p = parse(Map.of());
        assertThrows(IllegalArgumentException.class, () -> p.bool("irq"));
        assertThrows(IllegalArgumentException.class, () -> p.integer("nope"));
    }

    @Test
    void declarationsAreCheckedWhenWritten() {
        assertThrows(IllegalArgumentException.class, () -> DeviceProperty.integer("irq", "").range(0, 15)
                .withDefault(16));
        assertThrows(IllegalArgumentException.class, () -> DeviceProperty.choice("m", "", "a", "b").withDefault("c"));
        assertThrows(IllegalStateException.class, () -> DeviceProperty.bool("b", "").withDefault(3));
        assertThrows(IllegalArgumentException.class, () -> DeviceProperty.string("a,b", ""));
        assertThrows(IllegalArgumentException.class, () -> DeviceProperties.parse("t",
                List.of(DeviceProperty.string("a", ""), DeviceProperty.bool("a", "")), Map.of()));
    }

    @Test
    void typeNamesAreQemus() {
        assertEquals("uint8", DeviceProperty.integer("a", "").range(0, 15).typeName());
        assertEquals("uint16", DeviceProperty.integer("a", "").range(0, 0xfff8).typeName());
        assertEquals("uint32", DeviceProperty.integer("a", "").range(0, 0xffff_ffffL).typeName());
        assertEquals("uint64", DeviceProperty.integer("a", "").typeName());
        assertEquals("int32", DeviceProperty.integer("a", "").range(-8, 8).typeName());
        assertEquals("str", DeviceProperty.choice("a", "", "x").typeName());
        assertEquals("size", DeviceProperty.size("a", "").typeName());
        assertEquals("bool", DeviceProperty.bool("a", "").typeName());
    }

    @Test
    void nearestNameOnlyForLikelyTypos() {
        assertEquals("iobase", NearestName.of("iobsae", List.of("iobase", "irq")));
        assertNull(NearestName.of("speed", List.of("iobase", "irq")));
        assertNull(NearestName.of("ab", List.of("xy")));
    }
}
