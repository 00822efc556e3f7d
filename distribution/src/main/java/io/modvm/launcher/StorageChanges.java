package io.modvm.launcher;

import java.nio.file.Path;
import org.osgi.framework.BundleEvent;
import org.osgi.framework.SynchronousBundleListener;

/**
 * Marks the kept framework storage as changed when a bundle is installed, updated or uninstalled after start-up
 * (the monitor's {@code bundle_install}, {@code bundle_update}, ...): the storage then holds a bundle set that is
 * not the assembly's, so the next start must clean it. Bundles of the watched {@code deploy/} folder are
 * FileInstall's, which reconciles them with the folder at every start by itself.
 */
final class StorageChanges implements SynchronousBundleListener {
    private final FrameworkStorage storage;
    /** The folder as it appears in a location, whichever URI spelling FileInstall chose ({@code file:/} or {@code file:///}). */
    private final String deployFolder;

    StorageChanges(FrameworkStorage storage, Path deploy) {
        this.storage = storage;
        this.deployFolder = deploy.toAbsolutePath().normalize() + "/";
    }

    @Override
    public void bundleChanged(BundleEvent event) {
        int type = event.getType();
        if (type != BundleEvent.INSTALLED && type != BundleEvent.UPDATED && type != BundleEvent.UNINSTALLED) {
            return;
        }
        String location = event.getBundle().getLocation();
        if (location != null && location.contains(deployFolder)) {
            return;
        }
        storage.markChanged();
    }
}
