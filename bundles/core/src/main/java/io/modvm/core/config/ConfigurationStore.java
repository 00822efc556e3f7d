package io.modvm.core.config;

import java.io.IOException;
import java.util.Map;

/** Where the configurations of one factory PID live (Config Admin): devices, or backends. */
public interface ConfigurationStore {
    /** A store that keeps nothing: the machine runs without Config Admin. */
    ConfigurationStore NONE = new ConfigurationStore() {
        @Override
        public String create(Map<String, String> properties) {
            return null;
        }

        @Override
        public void delete(String pid) {
        }

        @Override
        public Map<String, Map<String, Object>> existing() {
            return Map.of();
        }
    };

    /** Creates a configuration; returns its PID, or null if there is no store. */
    String create(Map<String, String> properties) throws IOException;

    /** Deletes the configuration {@code pid} if it exists. */
    void delete(String pid) throws IOException;

    /** The configurations that exist now, by PID. */
    Map<String, Map<String, Object>> existing() throws IOException;
}
