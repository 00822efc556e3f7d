package io.modvm.core.devices;

import java.io.IOException;
import java.util.Map;

/** Where device configurations live (Config Admin, factory PID {@link DeviceManager#FACTORY_PID}). */
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

    /** Creates a device configuration; returns its PID, or null if there is no store. */
    String create(Map<String, String> properties) throws IOException;

    /** Deletes the configuration {@code pid} if it exists. */
    void delete(String pid) throws IOException;

    /** The device configurations that exist now, by PID. */
    Map<String, Map<String, Object>> existing() throws IOException;
}
