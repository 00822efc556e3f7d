package io.modvm.monitor.testing;

import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/** A command whose behaviour a test gives as a function; it records the arguments of each call. */
public final class FakeCommand implements MonitorCommand {
    public final List<Map<String, Object>> calls = new ArrayList<>();
    private final String name;
    private final String hmpName;
    private final Function<Map<String, Object>, Object> body;

    public FakeCommand(String name, String hmpName, Function<Map<String, Object>, Object> body) {
        this.name = name;
        this.hmpName = hmpName;
        this.body = body;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String description() {
        return "fake " + name;
    }

    @Override
    public String hmpName() {
        return hmpName;
    }

    @Override
    public Object execute(Map<String, Object> arguments) throws MonitorException {
        calls.add(arguments);
        Object result = body.apply(arguments);
        if (result instanceof MonitorException e) {
            throw e;
        }
        return result;
    }
}
