package io.modvm.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertFalse;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;
import static org.ops4j.pax.exam.CoreOptions.frameworkProperty;

import io.modvm.api.machine.Machine;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.testguest.TestGuestBuilder;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Hashtable;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.IntConsumer;
import javax.inject.Inject;
import org.junit.Test;
import org.junit.runner.RunWith;
import org.ops4j.pax.exam.Configuration;
import org.ops4j.pax.exam.Option;
import org.ops4j.pax.exam.junit.PaxExam;
import org.ops4j.pax.exam.spi.reactors.ExamReactorStrategy;
import org.ops4j.pax.exam.spi.reactors.PerMethod;
import org.osgi.framework.Bundle;
import org.osgi.framework.BundleContext;
import org.osgi.framework.ServiceRegistration;
import org.osgi.service.cm.ConfigurationAdmin;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The device manager in the distribution's framework, with a machine running a tiny guest: a device configuration
 * made through Config Admin is plugged; stopping the bundle that provides its type parks the device and starting
 * it again within the swap timeout takes it over in the same slot; past the timeout the device leaves the guest, and
 * comes back fresh with the bundle; a configuration whose type's bundle is stopped waits for it; a deleted
 * configuration asks the guest to eject the device, which a reset completes for a guest that never does.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DeviceManagerIT {
    private static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(30);
    private static final String RNG_BUNDLE = "io.modvm.virtio.rng";
    private static final long SWAP_TIMEOUT_MILLIS = 1500;

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        Path guest = TestGuestBuilder.build(Path.of("target/guests").toAbsolutePath(), "guests/spin.c");
        List<Option> options = new ArrayList<>(Arrays.asList(Provisioning.options()));
        // The core's command-line component runs this machine once the test offers it the exit service.
        options.add(frameworkProperty("modvm.args").value(String.join("\u0000", "-kernel", guest.toString(), "-m",
                "64", "-serial", "null")));
        options.add(frameworkProperty("modvm.device.swap.timeout").value(Long.toString(SWAP_TIMEOUT_MILLIS)));
        return options.toArray(new Option[0]);
    }

    @Test
    public void aConfigurationFollowsItsTypesBundleThroughStopAndStart() throws Exception {
        CompletableFuture<Integer> status = new CompletableFuture<>();
        ServiceRegistration<IntConsumer> exit = context.registerService(IntConsumer.class, status::complete,
                new Hashtable<>(Map.of("modvm.role", "exit")));
        try {
            Machine machine = await(Machine.class, null);
            assertNotNull("the machine runs", machine);
            MonitorCommand queryPci = await(MonitorCommand.class, "(" + MonitorCommand.PROP_NAME + "=query-pci)");
            assertNotNull(await(ConfigurationAdmin.class, null));
            // Config Admin is a service factory: the object stays usable only while this bundle holds it.
            ConfigurationAdmin admin = context.getService(context.getServiceReference(ConfigurationAdmin.class));
            Bundle rng = bundle(RNG_BUNDLE);

            org.osgi.service.cm.Configuration first = admin.createFactoryConfiguration("io.modvm.device", "?");
            first.update(new Hashtable<>(Map.of("type", "virtio-rng-pci", "id", "pax1")));
            awaitTrue("pax1 plugged", () -> pciIds(queryPci).contains("pax1"));

            List<String> before = pciIds(queryPci);
            rng.stop(); // pax1 is parked for a new factory: its slot stays, the guest only sees a pause
            assertEquals(before, pciIds(queryPci));
            org.osgi.service.cm.Configuration second = admin.createFactoryConfiguration("io.modvm.device", "?");
            second.update(new Hashtable<>(Map.of("type", "virtio-rng-pci", "id", "pax2")));
            Thread.sleep(300);
            assertFalse("a configuration waits for its type", pciIds(queryPci).contains("pax2"));

            rng.start(); // pax1 is taken over in its slot, pax2 plugged
            awaitTrue("both plugged once the bundle is back",
                    () -> pciIds(queryPci).containsAll(List.of("pax1", "pax2")));
            assertEquals(before, pciIds(queryPci).subList(0, before.size()));

            rng.stop(); // and stays stopped: past the timeout both leave the guest (this one never ejects: a reset)
            Thread.sleep(SWAP_TIMEOUT_MILLIS + 3000); // a reset should find the swap given up, not the devices parked
            resetUntil(machine, "both gone once no factory came in time",
                    () -> !pciIds(queryPci).contains("pax1") && !pciIds(queryPci).contains("pax2"));
            rng.start();
            awaitTrue("both back, fresh, with the bundle",
                    () -> pciIds(queryPci).containsAll(List.of("pax1", "pax2")));

            first.delete(); // asks the guest to eject pax1; this guest never does, and a reset completes it
            Thread.sleep(500);
            assertTrue("pax1 stays until the guest ejects it", pciIds(queryPci).contains("pax1"));
            resetUntil(machine, "pax1 gone with its configuration", () -> !pciIds(queryPci).contains("pax1"));
            assertTrue(pciIds(queryPci).contains("pax2"));

            machine.quit(0);
            assertEquals(Integer.valueOf(0), status.get(30, TimeUnit.SECONDS));
        } finally {
            exit.unregister();
        }
    }

    @SuppressWarnings("unchecked")
    private static List<String> pciIds(MonitorCommand queryPci) {
        List<String> ids = new ArrayList<>();
        try {
            for (Object bus : (List<Object>) queryPci.execute(Map.of())) {
                for (Object d : (List<Object>) ((Map<String, Object>) bus).get("devices")) {
                    ids.add((String) ((Map<String, Object>) d).get("qdev_id"));
                }
            }
        } catch (Exception e) {
            throw new AssertionError(e);
        }
        return ids;
    }

    /**
     * Resets until {@code condition} holds: the unplug request a reset completes is made on another thread (the
     * swap timer, Config Admin's event thread), so one reset may come before it; the spin guest does not mind.
     */
    private static void resetUntil(Machine machine, String what, BooleanSupplier condition)
            throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        machine.reset();
        Thread.sleep(200);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT_MILLIS + " ms of resets: " + what);
            }
            machine.reset();
            Thread.sleep(500);
        }
    }

    private static void awaitTrue(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(WAIT_MILLIS);
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("not within " + WAIT_MILLIS + " ms: " + what);
            }
            Thread.sleep(50);
        }
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles()).filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElseThrow();
    }

    private <S> S await(Class<S> type, String filter) throws Exception {
        String full = filter == null ? "(objectClass=" + type.getName() + ")"
                : "(&(objectClass=" + type.getName() + ")" + filter + ")";
        ServiceTracker<S, S> tracker = new ServiceTracker<>(context, context.createFilter(full), null);
        tracker.open();
        try {
            return tracker.waitForService(WAIT_MILLIS);
        } finally {
            tracker.close();
        }
    }
}
