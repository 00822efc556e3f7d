package io.modvm.testkit.device;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceException;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.device.StatefulDevice;
import io.modvm.api.state.StateRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Checks a {@link DeviceFactory} against the lifecycle contract of the modvm API (see {@link DeviceFactory#create},
 * {@link Device#close()}, {@link StatefulDevice}), each check failing with an {@link AssertionError} that says what
 * the device did wrong:
 * <ul>
 * <li>{@link #refusesCleanly}: a create with bad properties throws a {@link DeviceException} of one line, and
 * leaves no thread or open file behind; the same id can be plugged at once after it;</li>
 * <li>{@link #closesTwice}: a device closes twice without an exception, and its threads and files are gone;</li>
 * <li>{@link #roundTripsItsState}: a {@link StatefulDevice}'s saved state, restored into a new instance in the same
 * PCI function, is saved again unchanged; and a device that was quiesced and resumed serves on.</li>
 * </ul>
 * {@link #checkAll} runs every check that applies. Threads and files are counted for the whole JVM (Linux's
 * {@code /proc/self/fd}), so run the checker from a test that starts nothing else meanwhile.
 *
 * <pre>{@code
 * LifecycleChecker.of(new MyFactory())
 *         .validProperties(Map.of("chardev", "c0"))
 *         .badProperties(Map.of("irq", "99"), Map.of("bogus", "1"))
 *         .checkAll();
 * }</pre>
 */
public final class LifecycleChecker {
    /** How long threads a device started may take to end once it failed or was closed. */
    private static final long SETTLE_MILLIS = 2000;

    private final DeviceFactory factory;
    private Supplier<FakeDeviceContext> contexts = () -> new FakeDeviceContext("lifecycle0").withRam(16 << 20);
    private Map<String, String> valid = Map.of();
    private final List<Map<String, String>> bad = new ArrayList<>();
    private BiConsumer<Device, FakeDeviceContext> exercise = (d, c) -> { };

    private LifecycleChecker(DeviceFactory factory) {
        this.factory = factory;
    }

    /** A checker for devices of {@code factory}. */
    public static LifecycleChecker of(DeviceFactory factory) {
        return new LifecycleChecker(factory);
    }

    /** Where each device is built; by default a fresh {@link FakeDeviceContext} with 16 MiB of RAM. */
    public LifecycleChecker contexts(Supplier<FakeDeviceContext> contexts) {
        this.contexts = contexts;
        return this;
    }

    /** Properties the factory accepts (none by default). */
    public LifecycleChecker validProperties(Map<String, String> properties) {
        this.valid = Map.copyOf(properties);
        return this;
    }

    /**
     * What the guest does to a new device before its state is saved for {@link #roundTripsItsState} (port, MMIO or
     * BAR accesses through the context): a state of its own, unlike a new device's, so that a restore that forgets
     * part of it is seen.
     */
    public LifecycleChecker exercise(BiConsumer<Device, FakeDeviceContext> guest) {
        this.exercise = guest;
        return this;
    }

    /** Property sets the factory must refuse, each checked by {@link #refusesCleanly}. */
    @SafeVarargs
    public final LifecycleChecker badProperties(Map<String, String>... properties) {
        for (Map<String, String> p : properties) {
            bad.add(Map.copyOf(p));
        }
        return this;
    }

    /** Every check that applies: each bad property set, close twice, and the state round trip if stateful. */
    public void checkAll() throws Exception {
        for (Map<String, String> p : bad) {
            refusesCleanly(p);
        }
        closesTwice();
        roundTripsItsState();
    }

    /**
     * A create with {@code properties} is refused with a one-line {@link DeviceException}, and leaves nothing of its
     * own open; what it took through the context the core releases; the same id then plugs with valid properties.
     */
    public void refusesCleanly(Map<String, String> properties) throws Exception {
        refuse(properties); // the first time may load classes and open jars: only the second is counted
        Usage before = Usage.now();
        refuse(properties);
        before.assertBackTo(factory.type() + " create(" + properties + ") that failed");
        Device d = factory.create(contexts.get(), valid);
        d.close();
    }

    private void refuse(Map<String, String> properties) {
        FakeDeviceContext context = contexts.get();
        try {
            Device d = factory.create(context, properties);
            d.close();
            throw new AssertionError(factory.type() + ": create(" + properties + ") was accepted; it must throw a "
                    + "DeviceException naming the bad property");
        } catch (DeviceException e) {
            String message = String.valueOf(e.getMessage());
            if (message.isBlank() || message.contains("\n")) {
                throw new AssertionError(factory.type() + ": the refusal of " + properties + " must be one line "
                        + "naming the property and what it accepts, not '" + message + "'");
            }
        } catch (RuntimeException | LinkageError e) {
            throw new AssertionError(factory.type() + ": create(" + properties + ") threw " + e + "; a refused "
                    + "property must be a DeviceException", e);
        } finally {
            context.release();
        }
    }

    /** A device built with the valid properties closes twice without an exception, leaving nothing open. */
    public void closesTwice() throws Exception {
        Device warmUp = factory.create(contexts.get(), valid);
        warmUp.close();
        Usage before = Usage.now();
        FakeDeviceContext context = contexts.get();
        Device d = factory.create(context, valid);
        d.close();
        try {
            d.close();
        } catch (RuntimeException e) {
            throw new AssertionError(factory.type() + ": a second close() threw " + e + "; close must be idempotent",
                    e);
        }
        context.release();
        before.assertBackTo(factory.type() + " device that was closed");
    }

    /**
     * If the factory's devices are {@link StatefulDevice}s: quiesce and resume lets a device go on (it can be
     * saved again); a state saved and restored through {@link DeviceFactory#restore} into the same PCI functions
     * and backends is saved again equal; the restored device closes. Does nothing for other devices.
     */
    public void roundTripsItsState() throws Exception {
        FakeDeviceContext first = contexts.get();
        Device d = factory.create(first, valid);
        if (!(d instanceof StatefulDevice old)) {
            d.close();
            return;
        }
        exercise.accept(old, first);
        old.quiesce();
        StateRecord resumed = old.saveState();
        old.resume();
        old.quiesce();
        StateRecord saved = old.saveState();
        if (!resumed.equals(saved)) {
            throw new AssertionError(factory.type() + ": saveState() after quiesce/resume gave " + saved
                    + ", before it gave " + resumed + "; saving must change nothing");
        }
        old.close();
        first.release();

        FakeDeviceContext second = contexts.get();
        first.pciFunctions().forEach(second::withParkedPci);
        Device restored = factory.restore(second, valid, saved);
        if (!(restored instanceof StatefulDevice next)) {
            restored.close();
            throw new AssertionError(factory.type() + ": restore() built a device that is not a StatefulDevice");
        }
        next.quiesce();
        StateRecord again = next.saveState();
        next.close();
        second.release();
        if (!saved.equals(again)) {
            throw new AssertionError(factory.type() + ": the restored device saves " + again + ", but it was given "
                    + saved + "; restore must take the whole state over");
        }
    }

    /** The JVM's live threads and open file descriptors at one moment. */
    private record Usage(Set<Thread> threads, long files) {
        static Usage now() {
            return new Usage(new HashSet<>(Thread.getAllStackTraces().keySet()), openFiles());
        }

        void assertBackTo(String after) throws InterruptedException {
            long deadline = System.nanoTime() + SETTLE_MILLIS * 1_000_000;
            List<String> left;
            long files;
            do {
                left = Thread.getAllStackTraces().keySet().stream().filter(t -> !threads.contains(t))
                        .filter(Thread::isAlive).map(Thread::getName).toList();
                files = openFiles();
                if (left.isEmpty() && files <= this.files) {
                    return;
                }
                Thread.sleep(20);
            } while (System.nanoTime() < deadline);
            if (!left.isEmpty()) {
                throw new AssertionError("after a " + after + ", its threads still run: " + left);
            }
            throw new AssertionError("after a " + after + ", " + (files - this.files) + " more file(s) are open than "
                    + "before (see /proc/self/fd)");
        }

        private static long openFiles() {
            try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
                return fds.count();
            } catch (IOException e) {
                return 0; // no /proc: threads are still checked
            }
        }
    }
}
