package io.modvm.api.migration;

import org.osgi.annotation.versioning.ConsumerType;

/**
 * A carrier of migration streams for one URI scheme, registered as an OSGi service with {@link #PROP_SCHEME}. The
 * URI is QEMU's ({@code tcp:HOST:PORT}, {@code unix:PATH}, {@code exec:COMMAND}, {@code file:PATH}); a transport
 * is handed the part after the first colon. A third-party bundle adds a scheme by registering one.
 */
@ConsumerType
public interface MigrationTransport {
    /** Service property: the URI scheme, without the colon ({@code tcp}). */
    String PROP_SCHEME = "modvm.transport.scheme";

    /** The scheme; equals the {@link #PROP_SCHEME} service property. */
    String scheme();

    /**
     * The source's side: opens a stream to {@code address}.
     *
     * @throws MigrationException one line naming the address and why (refused, unreachable, bad syntax)
     */
    MigrationChannel connect(String address) throws MigrationException;

    /**
     * The destination's side: starts waiting at {@code address} (binds now, so that a busy port is an error at
     * once).
     *
     * @throws MigrationException one line naming the address and why (in use, bad syntax, no such file)
     */
    MigrationListener listen(String address) throws MigrationException;
}
