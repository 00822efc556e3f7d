package io.modvm.launcher;

import java.util.concurrent.CompletableFuture;
import java.util.function.IntConsumer;

/**
 * The exit service ({@code IntConsumer} with {@code modvm.role=exit}): the core calls {@code accept(status)} once
 * when the machine is done. Only the first status counts; the launcher's main thread does the rest.
 */
final class ExitSignal implements IntConsumer {
    private final CompletableFuture<Integer> status = new CompletableFuture<>();

    @Override
    public void accept(int exitStatus) {
        status.complete(exitStatus);
    }

    CompletableFuture<Integer> status() {
        return status;
    }

    @Override
    public String toString() {
        return "modvm exit service";
    }
}
