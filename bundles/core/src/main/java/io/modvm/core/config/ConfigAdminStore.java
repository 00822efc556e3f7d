package io.modvm.core.config;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystemNotFoundException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Dictionary;
import java.util.Hashtable;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.service.cm.Configuration;
import org.osgi.service.cm.ConfigurationAdmin;

/**
 * The configurations of one factory PID in Config Admin. They are created with the location {@code "?"}, as
 * FileInstall creates those of {@code .cfg} files, so that they reach the manager whichever bundle asked for them.
 * Config Admin may be absent (then nothing is recorded) or come and go.
 */
public final class ConfigAdminStore implements ConfigurationStore {
    /** The property FileInstall gives a configuration it loaded from a file: the file's URI. */
    static final String FILEINSTALL_FILENAME = "felix.fileinstall.filename";

    private final Supplier<ConfigurationAdmin> admin;
    private final String factoryPid;

    public ConfigAdminStore(Supplier<ConfigurationAdmin> admin, String factoryPid) {
        this.admin = admin;
        this.factoryPid = factoryPid;
    }

    @Override
    public String create(Map<String, String> properties) throws IOException {
        ConfigurationAdmin a = admin.get();
        if (a == null) {
            return null;
        }
        Configuration c = a.createFactoryConfiguration(factoryPid, "?");
        c.update(new Hashtable<>(properties));
        return c.getPid();
    }

    /**
     * Deletes the configuration, and the {@code .cfg} file in deploy/ it came from, if any: a device or backend
     * removed from the monitor must not come back from its file at the next start. (FileInstall would delete the
     * file itself only with its write-back of configurations into files, which the launcher turns off.)
     */
    @Override
    public void delete(String pid) throws IOException {
        ConfigurationAdmin a = admin.get();
        if (a == null) {
            return;
        }
        for (Configuration c : list(a, "(" + org.osgi.framework.Constants.SERVICE_PID + "=" + escape(pid) + ")")) {
            Dictionary<String, Object> p = c.getProperties();
            Object file = p == null ? null : p.get(FILEINSTALL_FILENAME);
            c.delete();
            if (file != null) {
                deleteFile(file.toString());
            }
        }
    }

    private static void deleteFile(String uri) throws IOException {
        Path path;
        try {
            path = Path.of(URI.create(uri));
        } catch (IllegalArgumentException | FileSystemNotFoundException e) {
            throw new IOException("the configuration's file '" + uri + "' is not a local file", e);
        }
        Files.deleteIfExists(path);
    }

    @Override
    public Map<String, Map<String, Object>> existing() throws IOException {
        ConfigurationAdmin a = admin.get();
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        if (a == null) {
            return out;
        }
        for (Configuration c : list(a, "(" + ConfigurationAdmin.SERVICE_FACTORYPID + "=" + escape(factoryPid)
                + ")")) {
            Dictionary<String, Object> p = c.getProperties();
            if (p != null) {
                out.put(c.getPid(), toMap(p));
            }
        }
        return out;
    }

    /** A Config Admin dictionary as a map, keys in the dictionary's order. */
    public static Map<String, Object> toMap(Dictionary<String, ?> dictionary) {
        Map<String, Object> out = new LinkedHashMap<>();
        for (String key : Collections.list(dictionary.keys())) {
            out.put(key, dictionary.get(key));
        }
        return out;
    }

    private static Configuration[] list(ConfigurationAdmin a, String filter) throws IOException {
        try {
            Configuration[] found = a.listConfigurations(filter);
            return found == null ? new Configuration[0] : found;
        } catch (InvalidSyntaxException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** RFC 1960 escaping of a filter value. */
    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("*", "\\*").replace("(", "\\(").replace(")", "\\)");
    }
}
