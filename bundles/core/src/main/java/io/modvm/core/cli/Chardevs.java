package io.modvm.core.cli;

import io.modvm.api.backend.BackendKinds;
import io.modvm.api.device.DeviceException;
import io.modvm.core.backends.BackendSpec;
import io.modvm.core.chardev.LegacyChardev;
import io.modvm.core.options.OptionList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The command line's character backends: {@code -chardev TYPE,id=ID,...} as QEMU spells it, and the backend that
 * {@code -serial DEV} makes for its port (id {@code serialN}, as in QEMU); a device's {@code chardev=ID} names one.
 * The types and their options are checked when the backends open, by the bundles that provide them.
 */
final class Chardevs {
    private final List<BackendSpec> specs;

    /** @param specs where the backends go, in command-line order */
    Chardevs(List<BackendSpec> specs) {
        this.specs = specs;
    }

    void add(String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        String type = options.implied();
        Map<String, String> values = new LinkedHashMap<>(options.values());
        String id = values.remove("id");
        if (type == null || type.isEmpty()) {
            throw new UsageException("-chardev " + text + ": no backend type given; use e.g. -chardev stdio,id=c0");
        }
        if (id == null || id.isEmpty()) {
            throw new UsageException("-chardev " + text + ": no id given; use e.g. -chardev stdio,id=c0");
        }
        specs.add(new BackendSpec(BackendKinds.CHARDEV, type, id, values, "-chardev " + text, false));
    }

    /**
     * The backend of {@code -serial DEV} for port {@code index}: returns the chardev id the port's device takes,
     * or null for {@code none}.
     */
    String serial(String text, int index) throws UsageException {
        if (text.equals("none")) {
            return null;
        }
        if (text.startsWith("chardev:") && text.length() > 8) {
            return text.substring(8);
        }
        if (!LegacyChardev.isLegacy(text)) {
            throw new UsageException("-serial " + text + ": unknown backend; use stdio, file:PATH, "
                    + "unix:PATH,server,nowait, null or none");
        }
        LegacyChardev legacy;
        try {
            legacy = LegacyChardev.parse(text);
        } catch (DeviceException e) {
            throw new UsageException("-serial " + text + ": " + e.getMessage());
        }
        String id = "serial" + index;
        specs.add(new BackendSpec(BackendKinds.CHARDEV, legacy.type(), id, legacy.options(), "-serial " + text,
                false));
        return id;
    }
}
