package io.modvm.virtio.pci;

import io.modvm.api.device.Device;
import io.modvm.api.device.DeviceContext;
import io.modvm.api.device.DeviceException;
import io.modvm.virtio.device.VirtioDevice;

/** Plugs virtio devices into the PCI bus through the modern transport. */
public final class VirtioPciTransport {
    private VirtioPciTransport() {
    }

    /**
     * Plugs {@code device} as a PCI function (vendor 0x1af4, device 0x1040 + type) and returns the machine's handle
     * for it: {@link Device#reset()} resets the transport and the device, {@link Device#close()} resets and closes
     * the device.
     */
    public static Device plug(DeviceContext context, VirtioDevice device) throws DeviceException {
        throw new DeviceException("virtio-pci transport not built yet");
    }
}
