package io.modvm.core.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceFactory;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FactoryCatalogTest {
    private final FactoryCatalog catalog = new FactoryCatalog();

    private static DeviceFactory factory(String type) {
        return new DeviceFactory() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public String description() {
                return type;
            }

            @Override
            public Device create(DeviceContext context, Map<String, String> properties) {
                throw new UnsupportedOperationException();
            }
        };
    }

    @Test
    void theFirstFactoryOfATypeHoldsItAndASecondIsRefused() {
        DeviceFactory first = factory("t");
        DeviceFactory second = factory("t");
        assertTrue(catalog.add(first));
        assertFalse(catalog.add(second));
        assertSame(first, catalog.find("t"));
        assertEquals(List.of("t"), catalog.types());
        assertEquals(1, catalog.deviceFactories().size(), "never two of one type side by side");
    }

    @Test
    void aRefusedFactoryTakesTheTypeOverWhenTheHolderLeaves() {
        DeviceFactory first = factory("t");
        DeviceFactory second = factory("t");
        DeviceFactory third = factory("t");
        catalog.add(first);
        catalog.add(second);
        catalog.add(third);
        assertSame(second, catalog.remove(first), "the first refused one, in arrival order");
        assertSame(second, catalog.find("t"));
        assertNull(catalog.remove(third), "a refused factory leaves without a word");
        assertNull(catalog.remove(second));
        assertNull(catalog.find("t"));
    }

    @Test
    void factoriesOfOtherTypesAreNotAffected() {
        DeviceFactory a = factory("a");
        DeviceFactory b = factory("b");
        assertTrue(catalog.add(a));
        assertTrue(catalog.add(b));
        assertNull(catalog.remove(a));
        assertSame(b, catalog.find("b"));
    }
}
