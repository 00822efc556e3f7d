package io.modvm.api.machine;

import org.osgi.annotation.versioning.ProviderType;

/**
 * A reason for the machine's vCPUs to stay paused, from {@link Machine#hold}. The vCPUs run again once every hold is
 * released; releasing one twice changes nothing.
 *
 * @since 1.2
 */
@ProviderType
public interface PauseHold extends AutoCloseable {
    /** Releases this hold. */
    @Override
    void close();
}
