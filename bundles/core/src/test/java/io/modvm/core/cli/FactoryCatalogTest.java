package io.modvm.core.cli;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.assertEquals;

import io.modvm.api.device.DeviceFactory;
import io.modvm.core.testing.TypeOnlyFactory;
import java.util.List;
import org.junit.jupiter.api.Test;

class FactoryCatalogTest {
    private final FactoryCatalog catalog = new FactoryCatalog();

    @Test
    void theFirstFactoryOfATypeHoldsItAndASecondIsRefused() {
        DeviceFactory first = new TypeOnlyFactory("t");
        DeviceFactory second = new TypeOnlyFactory("t");
        assertTrue(catalog.add(first));
        assertFalse(catalog.add(second));
        assertSame(first, catalog.find("t"));
        assertEquals(List.of("t"), catalog.types());
        assertEquals(1, catalog.deviceFactories().size(), "never two of one type side by side");
    }

    @Test
    void aRefusedFactoryTakesTheTypeOverWhenTheHolderLeaves() {
        DeviceFactory first = new TypeOnlyFactory("t");
        DeviceFactory second = new TypeOnlyFactory("t");
        DeviceFactory third = new TypeOnlyFactory("t");
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
        DeviceFactory a = new TypeOnlyFactory("a");
        DeviceFactory b = new TypeOnlyFactory("b");
        assertTrue(catalog.add(a));
        assertTrue(catalog.add(b));
        assertNull(catalog.remove(a));
        assertSame(b, catalog.find("b"));
    }
}
