package io.modvm.distribution;

import static org.junit.Assert.assertEquals;
import static org.junit.Assert.assertNotNull;
import static org.junit.Assert.assertTrue;

import io.modvm.api.accel.Accelerator;
import io.modvm.api.device.DeviceFactory;
import io.modvm.api.monitor.MonitorCommand;
import io.modvm.api.monitor.MonitorEvents;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
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
import org.osgi.framework.Constants;
import org.osgi.framework.InvalidSyntaxException;
import org.osgi.framework.ServiceReference;
import org.osgi.util.tracker.ServiceTracker;

/**
 * The distribution's bundles, real ones only, in one framework: they all start, the devices and the accelerator
 * reach the registry, and the emulated devices leave and come back with their bundle.
 */
@RunWith(PaxExam.class)
@ExamReactorStrategy(PerMethod.class)
public class DistributionIT {
    /** The emulated device families: each bundle and the device types it registers factories for. */
    static final Map<String, List<String>> EMULATED_FAMILIES = Map.of(
            "io.modvm.devices.emulated.serial", List.of("isa-serial"),
            "io.modvm.devices.emulated.ps2", List.of("i8042"),
            "io.modvm.devices.emulated.rtc", List.of("mc146818rtc"),
            "io.modvm.devices.emulated.acpipm", List.of("acpi-pm"),
            "io.modvm.devices.emulated.debug", List.of("isa-debug-exit", "pc-testdev"),
            "io.modvm.devices.emulated.e1000", List.of("e1000"),
            "io.modvm.devices.emulated.ide", List.of("ide-hd", "ide-cd"));
    static final List<String> EMULATED_TYPES =
            EMULATED_FAMILIES.values().stream().flatMap(List::stream).collect(Collectors.toList());
    static final long WAIT_MILLIS = TimeUnit.SECONDS.toMillis(10);

    @Inject
    BundleContext context;

    @Configuration
    public Option[] config() throws Exception {
        return Provisioning.options();
    }

    @Test
    public void everyBundleIsActive() {
        List<String> notActive = new ArrayList<>();
        for (Bundle bundle : context.getBundles()) {
            if (bundle.getHeaders("").get(Constants.FRAGMENT_HOST) == null && bundle.getState() != Bundle.ACTIVE) {
                notActive.add(bundle.getSymbolicName() + " (state " + bundle.getState() + ")");
            }
        }
        assertEquals("bundles not active", List.of(), notActive);
        for (String bsn : Provisioning.MODVM_BUNDLES) {
            assertNotNull(bsn + " is installed", bundle(bsn));
        }
    }

    @Test
    public void emulatedDevicesAndKvmAreInTheRegistry() throws Exception {
        for (String type : EMULATED_TYPES) {
            assertNotNull("a DeviceFactory for " + type, await(DeviceFactory.class, "(" + DeviceFactory.PROP_TYPE + "=" + type + ")"));
        }
        assertNotNull("the kvm Accelerator", await(Accelerator.class, "(" + Accelerator.PROP_NAME + "=kvm)"));
    }

    @Test
    public void stoppingAnEmulatedDeviceBundleRemovesItsFactoriesAndStartingRestoresThem() throws Exception {
        for (Map.Entry<String, List<String>> family : EMULATED_FAMILIES.entrySet()) {
            Bundle devices = bundle(family.getKey());
            assertNotNull(family.getKey(), devices);
            for (String type : family.getValue()) {
                assertNotNull(type + " before stop", await(DeviceFactory.class, "(" + DeviceFactory.PROP_TYPE + "=" + type + ")"));
            }

            devices.stop();
            assertEquals("factories of the stopped bundle", List.of(), factoriesOf(devices));
            for (String type : family.getValue()) {
                assertEquals(type + " after stop", 0, references(DeviceFactory.class, "(" + DeviceFactory.PROP_TYPE + "=" + type + ")").size());
            }

            devices.start();
            for (String type : family.getValue()) {
                assertNotNull(type + " after restart", await(DeviceFactory.class, "(" + DeviceFactory.PROP_TYPE + "=" + type + ")"));
            }
            assertTrue("all types come from the restarted bundle", factoriesOf(devices).containsAll(family.getValue()));
        }
    }

    @Test
    public void virtioFactoriesAndMonitorCommandsComeAndGoWithTheirBundles() throws Exception {
        for (String type : List.of("virtio-blk-pci", "virtconsole", "virtio-rng-pci", "virtio-balloon-pci")) {
            assertNotNull("a DeviceFactory for " + type,
                    await(DeviceFactory.class, "(" + DeviceFactory.PROP_TYPE + "=" + type + ")"));
        }
        String balloonCommand = "(" + MonitorCommand.PROP_NAME + "=balloon)";
        assertNotNull("the monitor's events service", await(MonitorEvents.class, "(objectClass=*)"));
        assertNotNull("query-block from the blk bundle",
                await(MonitorCommand.class, "(" + MonitorCommand.PROP_NAME + "=query-block)"));
        assertNotNull("balloon from the balloon bundle", await(MonitorCommand.class, balloonCommand));

        Bundle balloon = bundle("io.modvm.virtio.balloon");
        balloon.stop();
        assertEquals("the balloon's commands leave with it", 0, references(MonitorCommand.class, balloonCommand).size());
        assertEquals(0, references(DeviceFactory.class, "(" + DeviceFactory.PROP_TYPE + "=virtio-balloon-pci)").size());
        balloon.start();
        assertNotNull("and come back with it", await(MonitorCommand.class, balloonCommand));
    }

    private Bundle bundle(String symbolicName) {
        return Arrays.stream(context.getBundles())
                .filter(b -> symbolicName.equals(b.getSymbolicName()))
                .findFirst().orElse(null);
    }

    private <S> S await(Class<S> type, String filter) throws InvalidSyntaxException, InterruptedException {
        String full = "(&(" + Constants.OBJECTCLASS + "=" + type.getName() + ")" + filter + ")";
        ServiceTracker<S, S> tracker = new ServiceTracker<>(context, context.createFilter(full), null);
        tracker.open();
        try {
            return tracker.waitForService(WAIT_MILLIS);
        } finally {
            tracker.close();
        }
    }

    private <S> List<ServiceReference<S>> references(Class<S> type, String filter) throws InvalidSyntaxException {
        return new ArrayList<>(context.getServiceReferences(type, filter));
    }

    /** The device types of the DeviceFactory services the given bundle registered. */
    private List<String> factoriesOf(Bundle bundle) throws InvalidSyntaxException {
        List<String> types = new ArrayList<>();
        for (ServiceReference<DeviceFactory> ref : references(DeviceFactory.class, null)) {
            if (ref.getBundle() != null && ref.getBundle().getBundleId() == bundle.getBundleId()) {
                types.add(String.valueOf(ref.getProperty(DeviceFactory.PROP_TYPE)));
            }
        }
        return types;
    }
}
