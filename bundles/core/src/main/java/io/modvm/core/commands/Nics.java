package io.modvm.core.commands;

import io.modvm.api.net.Nic;
import java.util.Comparator;
import java.util.List;
import java.util.function.Supplier;

/**
 * The machine's NICs as the monitor finds them: every {@link Nic} service that NIC bundles register while their
 * devices exist, whatever the model.
 */
public final class Nics {
    private final Supplier<List<Nic>> registered;

    /** @param registered the Nic services registered now */
    public Nics(Supplier<List<Nic>> registered) {
        this.registered = registered;
    }

    /** The NICs, by id. */
    List<Nic> list() {
        return registered.get().stream().sorted(Comparator.comparing(Nic::id)).toList();
    }

    /** The NIC with id {@code name}, or else the one whose backend is {@code name}; null if none. */
    Nic find(String name) {
        List<Nic> all = list();
        for (Nic n : all) {
            if (n.id().equals(name)) {
                return n;
            }
        }
        for (Nic n : all) {
            if (name.equals(n.netdev())) {
                return n;
            }
        }
        return null;
    }
}
