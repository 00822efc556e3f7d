package io.modvm.net.tap;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A buffer asked about again is not looked up again while it is among the last ones; any other buffer is. */
class DirectAddressesTest {
    private final List<ByteBuffer> lookedUp = new ArrayList<>();
    /** A fake lookup: each buffer gets a distinct made-up address, 0x1000 apart, in the order first seen. */
    private final DirectAddresses addresses = new DirectAddresses(b -> {
        lookedUp.add(b);
        return 0x1000L * lookedUp.size();
    }, 2);

    @Test
    void aRepeatedBufferIsLookedUpOnce() {
        ByteBuffer header = ByteBuffer.allocateDirect(12);
        assertEquals(0x1000, addresses.of(header));
        assertEquals(0x1000, addresses.of(header));
        assertEquals(List.of(header), lookedUp);
    }

    @Test
    void anEqualButDifferentBufferIsLookedUpItself() {
        ByteBuffer view = ByteBuffer.allocateDirect(64);
        ByteBuffer duplicate = view.duplicate();
        assertEquals(0x1000, addresses.of(view));
        assertEquals(0x2000, addresses.of(duplicate));
        assertEquals(2, lookedUp.size());
    }

    @Test
    void theOldestIsForgottenFirst() {
        ByteBuffer a = ByteBuffer.allocateDirect(8);
        ByteBuffer b = ByteBuffer.allocateDirect(8);
        ByteBuffer c = ByteBuffer.allocateDirect(8);
        addresses.of(a);
        addresses.of(b);
        addresses.of(c);
        assertEquals(0x2000, addresses.of(b), "b is still remembered");
        assertEquals(0x3000, addresses.of(c), "c is still remembered");
        assertEquals(0x4000, addresses.of(a), "a was replaced by c and is looked up again");
        assertEquals(List.of(a, b, c, a), lookedUp);
    }
}
