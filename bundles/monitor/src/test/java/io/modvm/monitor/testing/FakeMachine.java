package io.modvm.monitor.testing;

import io.modvm.api.machine.Machine;
import io.modvm.api.machine.PauseHold;
import io.modvm.api.machine.RunState;
import java.util.ArrayList;
import java.util.List;

/** A machine that records what it was asked to do and moves between running and paused. */
public final class FakeMachine implements Machine {
    public final List<String> calls = new ArrayList<>();
    public volatile RunState state = RunState.RUNNING;
    public boolean hasPowerButton = true;

    @Override
    public String name() {
        return "fake";
    }

    @Override
    public RunState state() {
        return state;
    }

    @Override
    public synchronized void pause() {
        calls.add("pause");
        state = RunState.PAUSED;
    }

    @Override
    public synchronized void resume() {
        calls.add("resume");
        state = RunState.RUNNING;
    }

    @Override
    public synchronized PauseHold hold(String reason, long maxWaitMillis) {
        calls.add("hold " + reason);
        return () -> calls.add("release " + reason);
    }

    @Override
    public synchronized boolean powerDown() {
        calls.add("powerDown");
        return hasPowerButton;
    }

    @Override
    public synchronized void reset() {
        calls.add("reset");
    }

    @Override
    public synchronized void quit(int status) {
        calls.add("quit " + status);
        state = RunState.SHUTDOWN;
    }

    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }
}
