package io.modvm.core.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class BootOptionTest {
    @Test
    void menuAndEntryAreReadAndQemusOtherKeysLeftToTheBootOrder() throws Exception {
        BootOption b = new BootOption();
        b.parse("order=cd,menu=on,entry=gnulinux-advanced>rescue,strict=on");
        assertTrue(b.menu());
        assertEquals("gnulinux-advanced>rescue", b.entry());
    }

    @Test
    void withoutBootTheDiskDefaultIsBootedSilently() throws Exception {
        BootOption b = new BootOption();
        b.parse("order=c");
        assertFalse(b.menu());
        assertNull(b.entry());
    }

    @Test
    void aMenuValueThatIsNotOnOrOffIsOneLine() {
        UsageException e = assertThrows(UsageException.class, () -> new BootOption().parse("menu=maybe"));
        assertEquals("-boot menu=maybe: menu=maybe: expected on or off", e.getMessage());
    }
}
