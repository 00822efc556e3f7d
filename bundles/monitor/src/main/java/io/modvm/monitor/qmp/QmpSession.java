package io.modvm.monitor.qmp;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import io.modvm.monitor.command.CommandTable;
import io.modvm.monitor.command.QmpCapabilitiesCommand;
import io.modvm.monitor.json.JsonException;
import io.modvm.monitor.json.JsonParser;
import io.modvm.monitor.json.JsonWriter;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One QMP client's protocol state, as QEMU 7.2 runs it: greeting; capabilities negotiation, in which only
 * {@code qmp_capabilities} exists; then command mode, with events. Requests are checked member by member and
 * answered with QEMU's words, and the request's {@code id} (any JSON value) is echoed whenever the request was an
 * object that had one. Transport-free: text in, {@link LineSink} out.
 */
public final class QmpSession {
    private static final Logger LOG = LoggerFactory.getLogger(QmpSession.class);
    private static final String EXECUTE = "execute";
    private static final String EXEC_OOB = "exec-oob";
    private static final String ARGUMENTS = "arguments";
    private static final String ID = "id";

    private final CommandTable commands;
    private final Map<String, Object> version;
    private final EventHub events;
    private final LineSink out;
    private boolean negotiated;
    private boolean oob;
    private boolean subscribed;

    /**
     * @param version the greeting's version object (as {@code query-version} returns it)
     * @param out where responses and, once negotiated, events go; it must serialise concurrent calls
     */
    public QmpSession(CommandTable commands, Map<String, Object> version, EventHub events, LineSink out) {
        this.commands = commands;
        this.version = version;
        this.events = events;
        this.out = out;
    }

    /** Sends the greeting; the first thing a client reads. */
    public void greet() throws IOException {
        Map<String, Object> qmp = new LinkedHashMap<>();
        qmp.put("version", version);
        qmp.put("capabilities", List.of(QmpCapabilitiesCommand.OOB));
        out.send(JsonWriter.write(Map.of("QMP", qmp)));
    }

    /** Answers one framed message. */
    public void handle(String text) throws IOException {
        Object request;
        try {
            request = JsonParser.parse(text);
        } catch (JsonException e) {
            parseError(e);
            return;
        }
        if (!(request instanceof Map<?, ?>)) {
            out.send(errorResponse(null, false, generic("QMP input must be a JSON object")));
            return;
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> map = (Map<String, Object>) request;
        boolean hasId = map.containsKey(ID);
        Object id = map.get(ID);
        String response;
        try {
            response = returnResponse(id, hasId, dispatch(map));
        } catch (MonitorException e) {
            response = errorResponse(id, hasId, e);
        } catch (IllegalArgumentException e) {
            LOG.warn("QMP command in {} returned a value JSON cannot carry", text, e);
            response = errorResponse(id, hasId, generic("the command returned a value JSON cannot carry"));
        }
        if (negotiated && !subscribed) {
            subscribed = true;
            out.sendThen(response, () -> events.subscribe(out));
        } else {
            out.send(response);
        }
    }

    /** Answers input the framer could not even cut into a message. */
    public void parseError(JsonException e) throws IOException {
        out.send(errorResponse(null, false, generic("JSON parse error, " + e.getMessage())));
    }

    /** The client is gone: no more events. */
    public void close() {
        events.unsubscribe(out);
    }

    private Object dispatch(Map<String, Object> request) throws MonitorException {
        for (Map.Entry<String, Object> member : request.entrySet()) {
            checkMember(member.getKey(), member.getValue());
        }
        if (request.containsKey(EXECUTE) && request.containsKey(EXEC_OOB)) {
            throw generic("QMP input must not have both 'execute' and 'exec-oob'");
        }
        boolean outOfBand = request.containsKey(EXEC_OOB);
        String name = (String) (outOfBand ? request.get(EXEC_OOB) : request.get(EXECUTE));
        if (name == null) {
            throw generic("QMP input lacks member 'execute'");
        }
        @SuppressWarnings("unchecked")
        Map<String, Object> arguments = request.containsKey(ARGUMENTS)
                ? (Map<String, Object>) request.get(ARGUMENTS) : new LinkedHashMap<>();
        if (!negotiated) {
            return negotiate(name, arguments);
        }
        MonitorCommand command = commands.find(name);
        if (command == null) {
            throw notFound(name);
        }
        if (outOfBand) {
            throw generic("The command " + name + " does not support OOB");
        }
        return execute(command, arguments);
    }

    private void checkMember(String key, Object value) throws MonitorException {
        switch (key) {
            case EXECUTE -> {
                if (!(value instanceof String)) {
                    throw generic("QMP input member 'execute' must be a string");
                }
            }
            case EXEC_OOB -> {
                if (!oob) {
                    throw generic("QMP input member 'exec-oob' is unexpected");
                }
                if (!(value instanceof String)) {
                    throw generic("QMP input member 'exec-oob' must be a string");
                }
            }
            case ARGUMENTS -> {
                if (!(value instanceof Map<?, ?>)) {
                    throw generic("QMP input member 'arguments' must be an object");
                }
            }
            case ID -> {
                // any JSON value; echoed as given
            }
            default -> throw generic("QMP input member '" + key + "' is unexpected");
        }
    }

    /** In negotiation only qmp_capabilities exists, and any other name gets QEMU's hint. */
    private Object negotiate(String name, Map<String, Object> arguments) throws MonitorException {
        if (!name.equals(QmpCapabilitiesCommand.NAME)) {
            throw new MonitorException(MonitorException.COMMAND_NOT_FOUND,
                    "Expecting capabilities negotiation with 'qmp_capabilities'");
        }
        Set<String> enabled = QmpCapabilitiesCommand.requested(arguments);
        oob = enabled.contains(QmpCapabilitiesCommand.OOB);
        negotiated = true;
        return Map.of();
    }

    private static Object execute(MonitorCommand command, Map<String, Object> arguments) throws MonitorException {
        try {
            Object result = command.execute(arguments);
            return result == null ? Map.of() : result;
        } catch (RuntimeException e) {
            LOG.warn("QMP command {} failed", command.name(), e);
            throw generic(command.name() + " failed: " + e);
        }
    }

    private static String returnResponse(Object id, boolean hasId, Object result) {
        Map<String, Object> response = new LinkedHashMap<>();
        response.put("return", result);
        if (hasId) {
            response.put(ID, id);
        }
        return JsonWriter.write(response);
    }

    /** QEMU puts the id first in an error response and last in a return; clients do not care, diffs do. */
    private static String errorResponse(Object id, boolean hasId, MonitorException e) {
        Map<String, Object> error = new LinkedHashMap<>();
        error.put("class", e.errorClass());
        error.put("desc", e.getMessage());
        Map<String, Object> response = new LinkedHashMap<>();
        if (hasId) {
            response.put(ID, id);
        }
        response.put("error", error);
        return JsonWriter.write(response);
    }

    private MonitorException notFound(String name) {
        String why = commands.whyAbsent(name);
        return new MonitorException(MonitorException.COMMAND_NOT_FOUND, "The command " + name + " has not been found"
                + (why == null ? "" : ": " + why));
    }

    private static MonitorException generic(String description) {
        return new MonitorException(MonitorException.GENERIC_ERROR, description);
    }
}
