package io.modvm.core.config;

import java.io.IOException;
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

    @Override
    public void delete(String pid) throws IOException {
        ConfigurationAdmin a = admin.get();
        if (a == null) {
            return;
        }
        for (Configuration c : list(a, "(" + org.osgi.framework.Constants.SERVICE_PID + "=" + escape(pid) + ")")) {
            c.delete();
        }
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
