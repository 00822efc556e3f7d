package io.modvm.core.commands;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.DeviceProperty;
import io.modvm.api.monitor.MonitorException;
import io.modvm.core.devices.DeviceCatalog;
import io.modvm.core.devices.DeviceManager;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** QMP device-list-properties and HMP device_add TYPE,help. */
class DevicePropertyCommandsTest {
    private static final DeviceFactory UART = new DeviceFactory() {
        @Override
        public String type() {
            return "uart";
        }

        @Override
        public String description() {
            return "a UART";
        }

        @Override
        public List<DeviceProperty> properties() {
            return List.of(DeviceProperty.bool("wakeup", "wake on input").withDefault(false));
        }

        @Override
        public Device create(DeviceContext context, Map<String, String> properties) {
            throw new AssertionError("help must plug nothing");
        }
    };

    private static final DeviceCatalog CATALOG = new DeviceCatalog() {
        @Override
        public DeviceFactory find(String type) {
            return type.equals("uart") ? UART : null;
        }

        @Override
        public List<String> types() {
            return List.of("uart");
        }
    };

    @Test
    void deviceListPropertiesAnswersWithObjectPropertyInfo() throws Exception {
        DeviceListPropertiesCommand c = new DeviceListPropertiesCommand(CATALOG);
        assertEquals(List.of(Map.of("name", "wakeup", "type", "bool", "description", "wake on input",
                "default-value", false)), c.execute(Map.of("typename", "uart")));
        MonitorException e = assertThrows(MonitorException.class, () -> c.execute(Map.of("typename", "nope")));
        assertEquals(MonitorException.DEVICE_NOT_FOUND, e.errorClass());
        assertEquals("Device 'nope' not found", e.getMessage());
        assertEquals("Parameter 'typename' is missing",
                assertThrows(MonitorException.class, () -> c.execute(Map.of())).getMessage());
    }

    @Test
    void hmpDeviceAddHelpPrintsThePropertiesAndPlugsNothing() throws Exception {
        DeviceAddCommand c = new DeviceAddCommand(new DeviceManager(CATALOG, null, null), CATALOG);
        for (String help : new String[] {"uart,help", "uart,?"}) {
            assertEquals("uart options:\n  wakeup=<bool>          - wake on input (default: false)",
                    c.formatHmp(c.execute(c.parseHmp(help))), help);
        }
        assertEquals("'nope' is not a valid device model name; known types: uart",
                assertThrows(MonitorException.class, () -> c.execute(c.parseHmp("nope,help"))).getMessage());
    }
}
