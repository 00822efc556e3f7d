package io.modvm.monitor.json;

/** Text that is not the JSON this codec accepts; the message is the detail QEMU puts after "JSON parse error, ". */
public final class JsonException extends Exception {
    private static final long serialVersionUID = 1L;

    public JsonException(String detail) {
        super(detail);
    }
}
