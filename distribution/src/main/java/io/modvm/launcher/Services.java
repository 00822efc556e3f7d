package io.modvm.launcher;

import java.util.concurrent.CompletableFuture;
import org.osgi.framework.BundleContext;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceEvent;

/** Waiting for a service to appear in the registry. */
final class Services {
    private Services() {}

    /** Completes when a service matching {@code filter} is registered (or already is). */
    static CompletableFuture<Void> appears(BundleContext context, String filter) throws InvalidSyntaxException {
        CompletableFuture<Void> appeared = new CompletableFuture<>();
        context.addServiceListener(event -> {
            if (event.getType() == ServiceEvent.REGISTERED) {
                appeared.complete(null);
            }
        }, filter);
        if (context.getServiceReferences((String) null, filter) != null) {
            appeared.complete(null);
        }
        return appeared;
    }
}
