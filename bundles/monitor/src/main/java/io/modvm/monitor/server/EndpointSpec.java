package io.modvm.monitor.server;

import java.nio.file.Path;

/**
 * A monitor endpoint as QEMU's {@code -qmp}/{@code -monitor} take it: {@code stdio}, {@code none}, or
 * {@code unix:PATH,server,nowait} (also {@code server=on,wait=off}; a comma in PATH is written {@code ,,}).
 *
 * @param kind where
 * @param path the socket path, for {@link Kind#UNIX}
 * @param waitRequested whether the spec asked the server to wait for a client before the guest starts, which
 *     modvm does not do
 */
public record EndpointSpec(Kind kind, Path path, boolean waitRequested) {
    /** The endpoint kinds modvm serves. */
    public enum Kind { STDIO, UNIX, NONE }

    /** Parses a spec; the exception's message says what is wrong, for a one-line error. */
    public static EndpointSpec parse(String spec) {
        if (spec.equals("stdio")) {
            return new EndpointSpec(Kind.STDIO, null, false);
        }
        if (spec.equals("none")) {
            return new EndpointSpec(Kind.NONE, null, false);
        }
        if (!spec.startsWith("unix:")) {
            throw new IllegalArgumentException("unsupported monitor endpoint (modvm serves stdio and "
                    + "unix:PATH,server,nowait)");
        }
        String body = spec.substring("unix:".length());
        StringBuilder path = new StringBuilder();
        int i = 0;
        while (i < body.length()) {
            char c = body.charAt(i);
            if (c == ',') {
                if (i + 1 < body.length() && body.charAt(i + 1) == ',') {
                    path.append(',');
                    i += 2;
                    continue;
                }
                break;
            }
            path.append(c);
            i++;
        }
        if (path.length() == 0) {
            throw new IllegalArgumentException("no socket path after unix:");
        }
        boolean server = false;
        boolean wait = true;
        String options = i < body.length() ? body.substring(i + 1) : "";
        for (String option : options.isEmpty() ? new String[0] : options.split(",")) {
            String name = option.contains("=") ? option.substring(0, option.indexOf('=')) : option;
            String value = option.contains("=") ? option.substring(option.indexOf('=') + 1) : null;
            switch (name) {
                case "server" -> server = flag(option, value, true);
                case "nowait" -> wait = false;
                case "wait" -> wait = flag(option, value, true);
                case "nodelay", "telnet" -> {
                    // harmless on a unix socket server; QEMU accepts them too
                }
                default -> throw new IllegalArgumentException("unknown option '" + option + "'");
            }
        }
        if (!server) {
            throw new IllegalArgumentException("modvm only listens on monitor sockets: add ',server=on,wait=off'");
        }
        return new EndpointSpec(Kind.UNIX, Path.of(path.toString()), wait);
    }

    private static boolean flag(String option, String value, boolean bare) {
        if (value == null) {
            return bare;
        }
        return switch (value) {
            case "on", "yes", "true" -> true;
            case "off", "no", "false" -> false;
            default -> throw new IllegalArgumentException("option '" + option + "' takes on or off");
        };
    }
}
