package io.modvm.core.devices;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperties;
import io.modvm.api.device.DeviceProperty;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The core checks a device's properties against its factory's declarations before the factory sees them. */
class DeclaredPropertiesTest {
    /** Declares two properties and records what it was given. */
    static final class Declaring implements DeviceFactory {
        DeviceProperties seen;
        Map<String, String> seenAsMap;

        @Override
        public String type() {
            return "declaring";
        }

        @Override
        public String description() {
            return "declares its properties";
        }

        @Override
        public List<DeviceProperty> properties() {
            return List.of(DeviceProperty.integer("irq", "interrupt line").range(0, 15).withDefault(5),
                    DeviceProperty.choice("mode", "how", "fast", "slow").withDefault("slow"),
                    DeviceProperty.string("chardev", ""));
        }

        @Override
        public Device create(DeviceContext context, Map<String, String> properties) throws DeviceException {
            seenAsMap = properties;
            return device(context.deviceId());
        }

        @Override
        public Device create(DeviceContext context, DeviceProperties properties) {
            seen = properties;
            return device(context.deviceId());
        }
    }

    /** Declares nothing: the values it is given reach it unchecked, through the map form. */
    static final class Undeclared implements DeviceFactory {
        Map<String, String> seen;

        @Override
        public String type() {
            return "undeclared";
        }

        @Override
        public String description() {
            return "an older plugin";
        }

        @Override
        public Device create(DeviceContext context, Map<String, String> properties) {
            seen = properties;
            return device(context.deviceId());
        }
    }

    static Device device(String id) {
        return new Device() {
            @Override
            public String id() {
                return id;
            }

            @Override
            public void reset() {
            }

            @Override
            public void close() {
            }
        };
    }

    private final MachineDevices machine = new MachineDevices(new MachineDevicesTest.TestWiring(),
            new MachineDevicesTest.PauseCounter(), 60_000);

    @Test
    void aDeclaringFactoryGetsItsValuesCheckedAndTyped() throws Exception {
        Declaring f = new Declaring();
        machine.plug("d0", f, Map.of("irq", "0x7", "mode", "fast"));
        assertEquals(7, f.seen.integer("irq"));
        assertEquals("fast", f.seen.string("mode"));
        assertNull(f.seen.string("chardev"));
        assertNull(f.seenAsMap, "the core calls the typed form");
        assertEquals(Map.of("irq", "0x7", "mode", "fast"), machine.configurations().get("d0").properties(),
                "the configuration keeps the values as given");
    }

    @Test
    void anUnknownPropertyOrABadValueIsRefusedBeforeTheFactoryRuns() {
        Declaring f = new Declaring();
        assertEquals("declaring: unknown property 'iqr' (did you mean 'irq'?); accepted: chardev, irq, mode",
                assertThrows(DeviceException.class, () -> machine.plug("d0", f, Map.of("iqr", "3"))).getMessage());
        assertEquals("declaring: irq '16' is out of range; use 0..15",
                assertThrows(DeviceException.class, () -> machine.plug("d1", f, Map.of("irq", "16"))).getMessage());
        assertEquals("declaring: mode 'medium' is not one of fast, slow",
                assertThrows(DeviceException.class, () -> machine.plug("d2", f, Map.of("mode", "medium")))
                        .getMessage());
        assertNull(f.seen);
        assertTrue(machine.ids().isEmpty());
    }

    @Test
    void anUndeclaredFactoryGetsWhatItWasGivenAsBefore() throws Exception {
        Undeclared f = new Undeclared();
        machine.plug("u0", f, Map.of("anything", "goes"));
        assertEquals(Map.of("anything", "goes"), f.seen);
    }

    @Test
    void helpListsThePropertiesAsQemuDoes() {
        assertEquals("""
                declaring options:
                  chardev=<str>
                  irq=<uint8>            - interrupt line (default: 5)
                  mode=<str>             - how (fast/slow) (default: "slow")
                """, PropertyListing.help(new Declaring()));
        assertEquals("undeclared does not declare its properties; its description: an older plugin\n",
                PropertyListing.help(new Undeclared()));
    }

    @Test
    void deviceListPropertiesHasQemusShape() {
        assertEquals(List.of(
                Map.of("name", "irq", "type", "uint8", "description", "interrupt line", "default-value", 5L),
                Map.of("name", "mode", "type", "str", "description", "how (fast/slow)", "default-value", "slow"),
                Map.of("name", "chardev", "type", "str")), PropertyListing.describe(new Declaring()));
        assertEquals(List.of(), PropertyListing.describe(new Undeclared()));
    }
}
