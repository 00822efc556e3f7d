package io.modvm.core.cli;

import io.modvm.core.backends.BackendSpec;
import io.modvm.core.devices.DeviceSpec;
import io.modvm.core.machine.MachineSpec;
import io.modvm.core.machine.StartMode;
import io.modvm.core.options.OptionList;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Turns QEMU-style arguments into an {@link Invocation}. Options take one or two leading dashes, as in QEMU.
 * Every error names the option and the value that was wrong.
 */
final class CommandLineParser {
    static final long DEFAULT_MEMORY = 128L << 20;
    private static final long MIN_MEMORY = 2L << 20;

    private final long hostMemory;
    private final ShorthandTypes types;

    /**
     * @param hostMemory bytes of host RAM, the upper bound for {@code -m}
     * @param types the device types the shorthand options ({@code -serial}, {@code -drive if=virtio},
     *     {@code -balloon}) and the chipset stand for
     */
    CommandLineParser(long hostMemory, ShorthandTypes types) {
        this.hostMemory = hostMemory;
        this.types = types;
    }

    Invocation parse(List<String> args) throws UsageException {
        long memory = DEFAULT_MEMORY;
        int vcpus = 1;
        Path kernel = null;
        Path initrd = null;
        String append = null;
        String name = "modvm";
        boolean noReboot = false;
        boolean startPaused = false;
        String incoming = null;
        String loadvm = null;
        boolean defaults = true;
        List<String> serials = new ArrayList<>();
        List<DeviceSpec> devices = new ArrayList<>();
        List<String> qmp = new ArrayList<>();
        List<String> monitors = new ArrayList<>();
        List<String> gogo = new ArrayList<>();
        List<BackendSpec> backends = new ArrayList<>();
        Drives drives = new Drives(backends, types.virtioDrive());
        Chardevs chardevs = new Chardevs(backends);
        Netdevs netdevs = new Netdevs(backends, devices, types.nic());
        BootOption boot = new BootOption();

        for (int i = 0; i < args.size(); i++) {
            String arg = args.get(i);
            if (!arg.startsWith("-") || arg.equals("-") || arg.equals("--")) {
                throw new UsageException(arg + ": unexpected argument; options start with '-' (see modvm -h)");
            }
            String option = arg.startsWith("--") ? arg.substring(1) : arg;
            switch (option) {
                case "-h", "-help" -> {
                    return new Invocation.Help();
                }
                case "-version" -> {
                    return new Invocation.Version();
                }
                case "-nographic", "-enable-kvm", "-no-user-config" -> {
                    // modvm has no display and only KVM: these ask for what it always does
                }
                case "-no-reboot" -> noReboot = true;
                case "-S" -> startPaused = true;
                case "-incoming" -> incoming = incoming(value(args, ++i, arg));
                case "-loadvm" -> loadvm = value(args, ++i, arg);
                case "-nodefaults" -> defaults = false;
                case "-m" -> memory = memory(value(args, ++i, arg));
                case "-smp" -> vcpus = smp(value(args, ++i, arg));
                case "-kernel" -> kernel = Path.of(value(args, ++i, arg));
                case "-initrd" -> initrd = Path.of(value(args, ++i, arg));
                case "-append" -> append = value(args, ++i, arg);
                case "-name" -> name = name(value(args, ++i, arg));
                case "-serial" -> serials.add(value(args, ++i, arg));
                case "-accel" -> accel(value(args, ++i, arg));
                case "-M", "-machine" -> machine(arg, value(args, ++i, arg));
                case "-display" -> display(value(args, ++i, arg));
                case "-drive" -> drives.drive(value(args, ++i, arg), devices);
                case "-boot" -> boot.parse(value(args, ++i, arg));
                case "-blockdev" -> drives.blockdev(value(args, ++i, arg));
                case "-chardev" -> chardevs.add(value(args, ++i, arg));
                case "-netdev" -> {
                    if (netdevs.netdev(value(args, ++i, arg))) {
                        return new Invocation.NetdevHelp();
                    }
                }
                case "-nic" -> {
                    if (netdevs.nic(value(args, ++i, arg))) {
                        return new Invocation.NicHelp();
                    }
                }
                case "-net" -> {
                    if (netdevs.net(value(args, ++i, arg))) {
                        return new Invocation.NicHelp();
                    }
                }
                case "-balloon" -> balloon(value(args, ++i, arg), devices, types.virtioBalloon());
                case "-qmp" -> qmp.add(monitor("-qmp", value(args, ++i, arg), false));
                case "-monitor" -> monitors.add(monitor("-monitor", value(args, ++i, arg), true));
                case "-gogo" -> gogo.add(monitor("-gogo", value(args, ++i, arg), false));
                case "-device" -> {
                    String text = value(args, ++i, arg);
                    OptionList options = OptionList.parse(text);
                    String type = options.implied();
                    if (type == null || type.isEmpty()) {
                        type = options.values().get("driver");
                    }
                    if (type == null || type.isEmpty()) {
                        throw new UsageException("-device " + text + ": no device type given (see -device help)");
                    }
                    if (type.equals("help") || type.equals("?")) {
                        return new Invocation.DeviceHelp(null);
                    }
                    Map<String, String> props = new LinkedHashMap<>(options.values());
                    props.remove("driver");
                    if (props.containsKey("help") || props.containsKey("?")) {
                        return new Invocation.DeviceHelp(type);
                    }
                    String id = props.remove("id");
                    devices.add(new DeviceSpec(type, id, props));
                }
                default -> throw new UsageException(arg + ": invalid option (see modvm -h)");
            }
        }
        netdevs.finish();
        List<DeviceSpec> all = new ArrayList<>();
        boolean monitorOnStdio = monitors.contains("stdio");
        if (monitorOnStdio && serials.stream().anyMatch(x -> x.equals("stdio") || x.equals("mon:stdio"))) {
            throw new UsageException("-monitor stdio: stdio is already the serial console; give -serial another "
                    + "backend (file:PATH, unix:PATH,server,nowait, none) or use -monitor unix:PATH,server,nowait");
        }
        if (serials.isEmpty() && defaults && !monitorOnStdio) {
            serials.add("stdio");
        }
        int index = 0;
        for (String serial : serials) {
            String chardev = chardevs.serial(serial, index);
            if (chardev != null) {
                all.add(new DeviceSpec(types.serial(), "serial" + index,
                        Map.of("chardev", chardev, "index", Integer.toString(index)), "-serial " + serial));
            }
            index++;
        }
        for (String type : types.chipset()) {
            all.add(new DeviceSpec(type, null, Map.of(), "the machine's chipset device " + type + " ("
                    + ShorthandTypes.ASSEMBLY_CHIPSET + ")"));
        }
        all.addAll(devices);
        return new Invocation.Run(new MachineSpec(name, memory, vcpus, kernel, initrd, append == null ? "" : append,
                noReboot), backends, all, append, qmp, monitors, gogo, start(startPaused, incoming, loadvm),
                boot.menu(), boot.entry());
    }

    private static StartMode start(boolean paused, String incoming, String loadvm) throws UsageException {
        if (incoming != null && loadvm != null) {
            throw new UsageException("-incoming and -loadvm both give the guest's state: use one of them");
        }
        return new StartMode(paused, incoming, loadvm);
    }

    /** QEMU's URI forms; the scheme is checked here, its transport when the machine starts. */
    private static String incoming(String uri) throws UsageException {
        if (!uri.equals("defer") && uri.indexOf(':') <= 0) {
            throw new UsageException("-incoming " + uri + ": expected defer or a URI such as tcp:HOST:PORT,"
                    + " unix:PATH, exec:COMMAND or file:PATH");
        }
        return uri;
    }

    private static String value(List<String> args, int i, String option) throws UsageException {
        if (i >= args.size()) {
            throw new UsageException(option + " requires an argument (see modvm -h)");
        }
        return args.get(i);
    }

    private long memory(String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        String size = options.implied() != null ? options.implied() : options.values().get("size");
        if (size == null) {
            throw new UsageException("-m " + text + ": no size given; use e.g. -m 512M or -m 2G");
        }
        long bytes;
        try {
            bytes = Sizes.parse(size, 'M');
        } catch (IllegalArgumentException e) {
            throw new UsageException("-m " + text + ": " + e.getMessage() + "; use e.g. -m 512M or -m 2G");
        }
        if (bytes < MIN_MEMORY) {
            throw new UsageException("-m " + text + ": a guest needs at least 2 MiB of RAM; use e.g. -m 512M");
        }
        if (bytes > hostMemory) {
            throw new UsageException(String.format("-m %s: more than this host's %d MiB of memory; use -m %dM "
                    + "or less", text, hostMemory >> 20, hostMemory >> 20));
        }
        return bytes & ~0xFFFL;
    }

    private static int smp(String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        String cpus = options.implied() != null ? options.implied() : options.values().get("cpus");
        for (String key : options.values().keySet()) {
            if (!key.equals("cpus") && !key.equals("maxcpus")) {
                throw new UsageException("-smp " + text + ": '" + key + "' is not supported; use -smp N");
            }
        }
        int n;
        try {
            n = Integer.parseInt(cpus == null ? "" : cpus.trim());
        } catch (NumberFormatException e) {
            throw new UsageException("-smp " + text + ": not a number of CPUs; use e.g. -smp 2");
        }
        if (n < 1) {
            throw new UsageException("-smp " + text + ": a guest needs at least one CPU; use e.g. -smp 2");
        }
        return n;
    }

    private static String name(String text) {
        OptionList options = OptionList.parse(text);
        String guest = options.values().get("guest");
        return guest != null ? guest : options.implied() != null ? options.implied() : text;
    }

    /** {@code -qmp} / {@code -monitor}: a unix socket server, or (HMP only) stdio. */
    private static String monitor(String option, String text, boolean stdioAllowed) throws UsageException {
        if (stdioAllowed && text.equals("stdio") || text.equals("none")) {
            return text;
        }
        OptionList options = OptionList.parse(text);
        String where = options.implied();
        boolean server = options.values().containsKey("server") && !"off".equals(options.values().get("server"));
        if (where != null && where.startsWith("unix:") && where.length() > 5 && server) {
            return text;
        }
        throw new UsageException(option + " " + text + ": unsupported; use " + option + " unix:PATH,server,nowait"
                + (stdioAllowed ? " or " + option + " stdio" : ""));
    }

    /** {@code -balloon virtio} adds a balloon device, as in QEMU before 5.0. */
    private static void balloon(String text, List<DeviceSpec> devices, String type) throws UsageException {
        String kind = OptionList.parse(text).implied();
        if ("virtio".equals(kind)) {
            devices.add(new DeviceSpec(type, null, Map.of(), "-balloon " + text));
        } else if (!"none".equals(kind)) {
            throw new UsageException("-balloon " + text + ": unknown balloon; use -balloon virtio or "
                    + "-device " + type);
        }
    }

    private static void accel(String text) throws UsageException {
        String kind = OptionList.parse(text).implied();
        if (!"kvm".equals(kind)) {
            throw new UsageException("-accel " + text + ": modvm runs on KVM only; use -accel kvm or leave it out");
        }
    }

    private static void machine(String option, String text) throws UsageException {
        OptionList options = OptionList.parse(text);
        String type = options.implied() != null ? options.implied() : options.values().get("type");
        if (type != null && !type.equals("pc") && !type.equals("q35")) {
            throw new UsageException(option + " " + text + ": unknown machine type; modvm builds a PC (-M pc)");
        }
        String accel = options.values().get("accel");
        if (accel != null && !accel.equals("kvm")) {
            throw new UsageException(option + " " + text + ": modvm runs on KVM only");
        }
    }

    private static void display(String text) throws UsageException {
        if (!text.equals("none")) {
            throw new UsageException("-display " + text + ": modvm has no display; use -nographic");
        }
    }

    static String usage() {
        return """
                usage: modvm [options]
                Boots a guest under KVM on a PC machine built from OSGi device bundles.

                  -kernel FILE        kernel to boot: a bzImage, or an ELF with a PVH entry note
                                      (default: the guest tools/guest/build made, with a shell)
                  -initrd FILE        initial ramdisk
                  -append STRING      kernel command line
                  -m SIZE             guest RAM, in MiB unless suffixed K, M, G or T (default 128M)
                  -smp N              number of vCPUs (default 1)
                  -name NAME          guest name
                  -serial DEV         console backend: stdio (default), file:PATH,
                                      unix:PATH,server,nowait, null or none
                  -device TYPE[,id=ID][,PROP=VALUE...]
                                      add a device; -device help lists the types installed now
                  -drive file=FILE[,if=virtio|none][,format=raw|qcow2][,readonly=on][,cache=writeback|none][,id=ID]
                                      a disk: if=virtio plugs a virtio disk; if=none only names
                                      it for -device ...,drive=ID (or for a later
                                      device_add ...,drive=ID)
                  -chardev stdio|file,path=P|socket,path=P,server=on,wait=off|null,id=ID
                                      a character backend that -device ...,chardev=ID uses
                  -netdev TYPE,id=ID[,OPTION=VALUE...]
                                      a network backend that -device MODEL,netdev=ID uses:
                                      tap,ifname=NAME,script=no,downscript=no[,vnet_hdr=on][,queues=N][,vhost=on]
                                      or tap,fd=N; -netdev help lists the types installed now
                  -nic TYPE[,model=MODEL][,mac=MAC][,OPTION=VALUE...]
                                      a backend and its NIC in one (model=virtio for virtio-net-pci)
                  -net nic[,model=MODEL][,macaddr=MAC] -net TYPE[,name=ID][,OPTION=VALUE...]
                                      QEMU's legacy form: each -net nic takes the -net backend
                                      of the same rank; -net nic,model=help lists the NIC models
                  -balloon virtio     add a virtio balloon
                  -qmp unix:PATH,server,nowait
                                      QMP (JSON) monitor on a unix socket
                  -monitor stdio|unix:PATH,server,nowait
                                      HMP (text) monitor
                  -gogo unix:PATH,server,nowait
                                      the Gogo shell (OSGi: lb, start, stop, modvm:*) on a unix socket
                  -nodefaults         no default serial port
                  -no-reboot          end instead of restarting when the guest resets
                  -S                  do not start the guest until the monitor's cont
                  -incoming URI       take the guest's state from a migration stream before it runs:
                                      tcp:HOST:PORT, unix:PATH, exec:COMMAND, file:PATH, or defer
                                      (then the monitor's migrate-incoming URI)
                  -loadvm TAG         start from the snapshot TAG in the machine's qcow2 disks
                  -nographic          accepted for QEMU compatibility (modvm has no display)
                  -version            print the version
                  -h, -help           print this help

                Console keys: Ctrl-A x quits, Ctrl-A h lists the keys, Ctrl-A Ctrl-A sends Ctrl-A.
                """;
    }
}
