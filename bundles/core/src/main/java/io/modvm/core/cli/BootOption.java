package io.modvm.core.cli;

import io.modvm.core.options.OptionList;
import java.util.Map;

/**
 * {@code -boot menu=on|off,entry=NAME}: the parts of QEMU's {@code -boot} a firmware-less disk boot reads
 * ({@code entry=} is modvm's: the boot entry a disk boots instead of its default). QEMU's {@code order=},
 * {@code once=}, {@code strict=} and the others are accepted and left to the boot order.
 */
final class BootOption {
    private boolean menu;
    private String entry;

    void parse(String text) throws UsageException {
        Map<String, String> values = OptionList.parse(text).values();
        for (Map.Entry<String, String> v : values.entrySet()) {
            switch (v.getKey()) {
                case "menu" -> menu = switch (v.getValue()) {
                    case "on", "yes", "true" -> true;
                    case "off", "no", "false" -> false;
                    default -> throw new UsageException("-boot " + text + ": menu=" + v.getValue()
                            + ": expected on or off");
                };
                case "entry" -> entry = v.getValue();
                default -> {
                    // order=, once=, strict=, splash=, reboot-timeout=: the boot order's, not the entry's
                }
            }
        }
    }

    boolean menu() {
        return menu;
    }

    String entry() {
        return entry;
    }
}
