package io.modvm.monitor.bundles;

import io.modvm.api.monitor.MonitorException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import org.osgi.framework.Bundle;

/**
 * Finds an installed bundle by the name a person gives: its id, its symbolic name ({@code io.modvm.virtio.rng}), its
 * jar's file name ({@code virtio-rng-0.1.0-SNAPSHOT.jar}, with or without {@code .jar}), the artifact name the jar
 * begins with ({@code virtio-rng}), or the end of its symbolic name after a dot ({@code virtio.rng}). Exact names
 * (id, symbolic name, file name) win over the shorter forms, so a short name never hides a full one.
 */
final class BundleNames {
    private BundleNames() {
    }

    /**
     * The one bundle {@code name} stands for among {@code bundles}.
     *
     * @throws MonitorException naming the installed bundles if none matches, or the candidates if several do
     */
    static Bundle find(Bundle[] bundles, String name) throws MonitorException {
        List<Bundle> exact = matching(bundles, b -> exact(b, name));
        List<Bundle> found = exact.isEmpty() ? matching(bundles, b -> loose(b, name)) : exact;
        if (found.size() == 1) {
            return found.get(0);
        }
        if (found.isEmpty()) {
            throw new MonitorException(MonitorException.GENERIC_ERROR, "No bundle '" + name + "' is installed; "
                    + "installed: " + Arrays.stream(bundles).map(BundleNames::label).collect(Collectors.joining(", ")));
        }
        throw new MonitorException(MonitorException.GENERIC_ERROR, "Bundle name '" + name + "' is ambiguous: "
                + found.stream().map(b -> label(b) + " " + b.getVersion() + " (id " + b.getBundleId() + ")")
                        .collect(Collectors.joining(", "))
                + "; give the bundle id or its jar file name");
    }

    /** The jar file name a bundle was installed from: the last part of its location. */
    static String fileName(Bundle b) {
        String location = b.getLocation();
        if (location == null) {
            return "";
        }
        int end = location.length();
        while (end > 0 && location.charAt(end - 1) == '/') {
            end--;
        }
        int slash = Math.max(location.lastIndexOf('/', end - 1), location.lastIndexOf(':', end - 1));
        return location.substring(slash + 1, end);
    }

    /** The name a bundle is listed by: its symbolic name, or its file name if it has none. */
    static String label(Bundle b) {
        return b.getSymbolicName() != null ? b.getSymbolicName() : fileName(b);
    }

    private static List<Bundle> matching(Bundle[] bundles, Predicate<Bundle> test) {
        List<Bundle> out = new ArrayList<>();
        for (Bundle b : bundles) {
            if (test.test(b)) {
                out.add(b);
            }
        }
        return out;
    }

    private static boolean exact(Bundle b, String name) {
        String file = fileName(b);
        return name.equals(String.valueOf(b.getBundleId())) || name.equals(b.getSymbolicName()) || name.equals(file)
                || !file.isEmpty() && name.equals(withoutJar(file));
    }

    private static boolean loose(Bundle b, String name) {
        String bsn = b.getSymbolicName();
        return bsn != null && bsn.endsWith("." + name) || name.equals(artifact(withoutJar(fileName(b))));
    }

    private static String withoutJar(String file) {
        return file.endsWith(".jar") ? file.substring(0, file.length() - 4) : file;
    }

    /** {@code virtio-rng-0.1.0-SNAPSHOT} without its version: up to the first {@code -} followed by a digit. */
    static String artifact(String base) {
        for (int i = 0; i + 1 < base.length(); i++) {
            if (base.charAt(i) == '-' && Character.isDigit(base.charAt(i + 1))) {
                return base.substring(0, i);
            }
        }
        return base;
    }
}
