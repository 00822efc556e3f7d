package io.modvm.launcher;

/** Turns exceptions into the one-line messages the launcher prints. */
final class Messages {
    private Messages() {}

    /** The message of {@code e} and of its causes, joined with ": ", on one line. */
    static String oneLine(Throwable e) {
        StringBuilder text = new StringBuilder();
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            String message = t.getMessage() == null ? t.getClass().getName() : t.getMessage();
            if (text.indexOf(message) >= 0) {
                continue;
            }
            if (text.length() > 0) {
                text.append(": ");
            }
            text.append(message);
        }
        return text.toString().replaceAll("\\s*\\R\\s*", " ").trim();
    }
}
