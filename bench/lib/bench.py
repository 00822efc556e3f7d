#!/usr/bin/env python3
"""modvm against QEMU, side by side: runs the benchmarks, prints one table, optionally writes JSON.

Called by bench/run, which installs QEMU, builds the guests and the TSC helper, and passes every path
and setting explicitly (this script has no defaults of its own for them). See bench/README.md.

Every measurement launches a fresh VMM process. Repetitions are interleaved (modvm, QEMU microvm,
QEMU pc, then the same again, with the order rotated each round) so that a change in host load hits
every VMM alike instead of one of them. virtio-blk runs against QEMU pc (with and without an iothread)
only, since microvm has no PCI bus, and waits for a quiet host before each run. The live-device figures
(hotplug) talk QMP to the running VMM: device_add to usable against QEMU pc, and the pause of a virtio-rng
bundle update in modvm's deploy/ against the same runs without it. Each figure is the median of its
repetitions; the spread is the minimum and maximum. Nothing here asserts: a run that fails is reported as failed, with what the
VMM printed.
"""
import argparse
import json
import shutil
import os
import re
import resource
import select
import signal
import statistics
import subprocess
import sys
import time

# ---------------------------------------------------------------------------------------------
# Running one VMM process and watching its stdout


class Run:
    """What one launch produced. Times are seconds since just before the fork, monotonic clock."""

    def __init__(self):
        self.first_byte = None      # first byte of any kind on stdout (QEMU pc: SeaBIOS's banner)
        self.markers = {}           # marker -> time its first occurrence was complete on stdout
        self.exit_time = None       # waitpid() returned (None if we killed it)
        self.status = None          # exit status, or -signal
        self.killed = False         # we ended it after the marker
        self.timed_out = False
        self.rss = None             # /proc/PID/status fields in KiB, if sampled
        self.stdout = b""
        self.stderr = b""
        self.wall = None            # seconds from the fork to the reaping of the process
        self.vmm_cpu = None         # CPU seconds (user + system) of the VMM process, from its rusage
        self.host_busy = None       # CPU seconds all processes on the host used meanwhile (/proc/stat)
        self.host_steal = None      # CPU seconds the host's hypervisor took away meanwhile (steal)

    def others_cores(self):
        """Average number of cores that processes other than the VMM kept busy during the run."""
        if self.wall and self.host_busy is not None and self.vmm_cpu is not None:
            return max(0.0, self.host_busy - self.vmm_cpu) / self.wall
        return None

    def failed(self):
        return self.timed_out or any(v is None for v in self.markers.values())


def read_status_kib(pid):
    """VmRSS and its parts from /proc/PID/status, in KiB."""
    fields = {}
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            key, _, rest = line.partition(":")
            if key in ("VmRSS", "RssAnon", "RssFile", "RssShmem", "VmHWM"):
                fields[key] = int(rest.split()[0])
    return fields


def host_cpu_seconds():
    """(busy, steal) CPU seconds of the whole host since boot, summed over all CPUs, from /proc/stat."""
    with open("/proc/stat") as f:
        fields = [int(x) for x in f.readline().split()[1:]]
    user, nice, system, idle, iowait, irq, softirq, steal = (fields + [0] * 8)[:8]
    hz = os.sysconf("SC_CLK_TCK")
    return (user + nice + system + irq + softirq) / hz, steal / hz


def children_cpu_seconds():
    ru = resource.getrusage(resource.RUSAGE_CHILDREN)
    return ru.ru_utime + ru.ru_stime


def stop(proc, grace):
    """Ends a process we started, by its PID: SIGTERM, then SIGKILL after `grace` seconds."""
    if proc.poll() is not None:
        return
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()


def launch(cmd, markers, timeout, kill_after=None, rss_settle=None, log_path=None, env=None):
    """Starts cmd with stdin /dev/null and stdout on a pipe that is read here without buffering.

    markers: byte strings to time on stdout. kill_after: a marker after which the process is ended
    (after sampling RSS `rss_settle` seconds later, if given). Otherwise the process runs to its exit.
    """
    r = Run()
    r.markers = {m: None for m in markers}
    stderr_path = (log_path + ".stderr") if log_path else os.devnull
    # stdout goes to the log as it arrives, so that a slow boot can be followed with tail -f (--keep).
    with open(stderr_path, "wb") as errf, open(log_path or os.devnull, "wb") as outf:
        busy0, steal0 = host_cpu_seconds()
        cpu0 = children_cpu_seconds()   # the VMM is our only child while it runs
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errf,
                                env=env)
        fd = proc.stdout.fileno()
        buf = bytearray()
        deadline = t0 + timeout
        eof = False
        try:
            eof = watch(proc, fd, buf, outf, r, t0, deadline, kill_after, rss_settle)
        finally:
            if not eof:
                stop(proc, grace=5)     # also when the harness itself is interrupted: no VMM is left behind
        if eof:
            proc.wait()
            r.exit_time = time.monotonic() - t0
        r.status = proc.returncode
        r.wall = time.monotonic() - t0
        r.vmm_cpu = children_cpu_seconds() - cpu0
        busy1, steal1 = host_cpu_seconds()
        r.host_busy, r.host_steal = busy1 - busy0, steal1 - steal0
        proc.stdout.close()
    r.stdout = bytes(buf)
    if log_path:
        with open(stderr_path, "rb") as f:
            r.stderr = f.read()
    return r


def watch(proc, fd, buf, outf, r, t0, deadline, kill_after, rss_settle):
    """Reads the VMM's stdout until EOF (returns True), the timeout or the kill_after marker (False)."""
    eof = False
    while not eof:
        left = deadline - time.monotonic()
        if left <= 0:
            r.timed_out = True
            break
        ready, _, _ = select.select([fd], [], [], min(left, 1.0))
        if not ready:
            continue
        chunk = os.read(fd, 65536)
        now = time.monotonic() - t0
        if not chunk:
            eof = True
            break
        if r.first_byte is None:
            r.first_byte = now
        buf += chunk
        outf.write(chunk)
        outf.flush()
        for m in r.markers:
            if r.markers[m] is None and m in buf:
                r.markers[m] = now
        if kill_after is not None and r.markers.get(kill_after) is not None:
            if rss_settle is not None:
                # The guest now idles without exits; let the VMM settle, then sample it.
                time.sleep(rss_settle)
                if proc.poll() is None:
                    r.rss = read_status_kib(proc.pid)
            r.killed = proc.poll() is None
            break
    return eof


# ---------------------------------------------------------------------------------------------
# The VMMs


class Vmm:
    def __init__(self, key, label, argv_prefix, machine):
        self.key = key              # short id used in JSON
        self.label = label          # table label
        self.argv_prefix = argv_prefix
        self.machine = machine      # QEMU machine type, or None for modvm

    def cmd(self, kernel, append=None, mem=128, smp=1, extra=()):
        c = list(self.argv_prefix) + ["-m", str(mem), "-smp", str(smp), "-nographic", "-no-reboot",
                                      "-kernel", kernel] + list(extra)
        if append is not None:
            c += ["-append", append]
        return c


def make_vmms(a):
    modvm = Vmm("modvm", "modvm", [a.modvm], None)
    # The CPU model is the one this host accepts: plain -cpu host fails writing MSR 0x10a here.
    qemu = lambda m: Vmm(f"qemu-{m}", f"QEMU -M {m}",
                         [a.qemu, "-M", m, "-accel", "kvm", "-cpu", a.qemu_cpu], m)
    return modvm, qemu("microvm"), qemu("pc")


DEBUG_EXIT = ["-device", "isa-debug-exit,iobase=0x501,iosize=2"]


def interleaved(vmms, reps, one):
    """Calls one(vmm, rep) for every rep and vmm, rotating the order each round. Returns
    {vmm.key: [results]}."""
    out = {v.key: [] for v in vmms}
    for rep in range(reps):
        k = rep % len(vmms)
        for v in vmms[k:] + vmms[:k]:
            res = one(v, rep)
            out[v.key].append(res)
            sys.stderr.write(f"  rep {rep + 1}/{reps} {v.label}: {describe(res)}\n")
            sys.stderr.flush()
    return out


def describe(res):
    if isinstance(res, dict):
        if "error" in res:
            return "FAILED: " + res["error"].splitlines()[0]
        return ", ".join(f"{k}={fmt_num(v)}" for k, v in res.items()
                         if isinstance(v, (int, float)) and not k.endswith("_kicks_per_req"))
    return str(res)


def fmt_num(v):
    if v is None:
        return "-"
    if abs(v) >= 100:
        return f"{v:.0f}"
    if abs(v) >= 10:
        return f"{v:.1f}"
    return f"{v:.2f}"


def failure_text(r, what):
    tail_out = r.stdout.decode(errors="replace")[-1500:]
    tail_err = r.stderr.decode(errors="replace")[-1500:]
    why = "timed out" if r.timed_out else f"exit status {r.status}"
    return f"{what}: {why}\n--- stdout (tail) ---\n{tail_out}\n--- stderr (tail) ---\n{tail_err}"


# ---------------------------------------------------------------------------------------------
# Benchmarks

LAUNCH_MARK = b"BENCH-LAUNCH ready"


def bench_launch(a, vmms, reps):
    """Launch to first output and to exit of the tiny guest."""
    def one(v, rep):
        log = os.path.join(a.work, f"launch-{v.key}-{rep}.log")
        r = launch(v.cmd(a.guest_launch, extra=DEBUG_EXIT), [LAUNCH_MARK], a.timeout, log_path=log)
        if r.failed() or r.exit_time is None:
            return {"error": failure_text(r, f"{v.label} launch guest")}
        return {"first_byte_ms": r.first_byte * 1000, "guest_output_ms": r.markers[LAUNCH_MARK] * 1000,
                "exit_ms": r.exit_time * 1000, "status": r.status}
    return interleaved(vmms, reps, one)


DISKBOOT_MARK = b"BENCH-DISKBOOT boot sector"


def make_boot_sector_disk(path):
    """A 1 MiB raw image whose boot sector (16-bit code at 0x7C00, the bytes of the e2e tests' BootSectorDisk)
    prints DISKBOOT_MARK on COM1 and exits through isa-debug-exit at 0x501."""
    code = bytes([0xFA, 0x31, 0xC0, 0x8E, 0xD8, 0xBE, 0x29, 0x7C, 0xAC, 0x84, 0xC0, 0x74, 0x12, 0x88, 0xC3,
                  0xBA, 0xFD, 0x03, 0xEC, 0xA8, 0x20, 0x74, 0xFB, 0xBA, 0xF8, 0x03, 0x88, 0xD8, 0xEE, 0xEB, 0xE9,
                  0xBA, 0x01, 0x05, 0xB8, 0x2A, 0x00, 0xEF, 0xF4, 0xEB, 0xFD])
    disk = bytearray(1 << 20)
    disk[0:len(code)] = code
    line = DISKBOOT_MARK + b"\r\n"
    disk[len(code):len(code) + len(line)] = line
    disk[510:512] = b"\x55\xaa"
    with open(path, "wb") as f:
        f.write(disk)


def bench_diskboot(a, vmms, reps):
    """The firmware path: SeaBIOS (the system's bios-256k.bin on both) from reset to the boot sector of a
    virtio-blk disk, whose line is the marker. modvm: -bios; QEMU -M pc: its default BIOS, the same file."""
    image = os.path.join(a.work, "diskboot.img")
    make_boot_sector_disk(image)

    def one(v, rep):
        log = os.path.join(a.work, f"diskboot-{v.key}-{rep}.log")
        cmd = list(v.argv_prefix) + ["-m", "128", "-nographic", "-no-reboot",
                                     "-drive", f"file={image},if=virtio,format=raw"] + DEBUG_EXIT
        if v.machine is None:
            cmd += ["-bios", "bios-256k.bin"]
        r = launch(cmd, [DISKBOOT_MARK], a.timeout, log_path=log)
        if r.failed() or DISKBOOT_MARK not in r.markers:
            return {"error": failure_text(r, f"{v.label} SeaBIOS to the boot sector")}
        return {"boot_sector_ms": r.markers[DISKBOOT_MARK] * 1000, "status": r.status}
    return interleaved(vmms, reps, one)


def assemblies(a):
    """The other shipped assemblies (docs/assemblies.md) as VMMs, from --assemblies NAME=LAUNCHER,..."""
    out = []
    for item in filter(None, a.assemblies.split(",")):
        name, _, path = item.partition("=")
        out.append(Vmm(f"modvm-{name}", f"modvm ({name})", [path], None))
    return out


def bench_launch_assembly(a, v, reps):
    """Launch to first output of the tiny guest under another assembly. It may lack isa-debug-exit (minimal
    and storage do): the run ends at the guest's line, so there is no exit figure."""
    def one(v, rep):
        log = os.path.join(a.work, f"launch-{v.key}-{rep}.log")
        r = launch(v.cmd(a.guest_launch), [LAUNCH_MARK], a.timeout, kill_after=LAUNCH_MARK, log_path=log)
        if r.markers.get(LAUNCH_MARK) is None:
            return {"error": failure_text(r, f"{v.label} launch guest")}
        return {"first_byte_ms": r.first_byte * 1000, "guest_output_ms": r.markers[LAUNCH_MARK] * 1000}
    return {"modvm": interleaved([v], reps, one)[v.key]}


def bench_mem_assembly(a, v, reps):
    """bench_mem's figure under another assembly (without isa-debug-exit, which it may lack)."""
    return {"modvm": bench_mem(a, [v], reps, extra=())[v.key]}


PIO_RE = {
    "cpl0": re.compile(rb"BENCH-PIO cpl0 iters=(\d+) outs_per_iter=(\d+) out_tsc=(\d+) empty_tsc=(\d+)"),
    "cpl3": re.compile(rb"BENCH-PIO cpl3 outs=(\d+) out_tsc=(\d+)"),
    "khz": re.compile(rb"BENCH-PIO tsc_khz=(\d+)"),
}


def bench_pio(a, vmms, reps):
    """ns per OUT to an unclaimed port, from CPL0 (loop overhead subtracted) and from CPL3."""
    append = f"n0={a.pio_n0} n3={a.pio_n3}"

    def one(v, rep):
        log = os.path.join(a.work, f"pio-{v.key}-{rep}.log")
        r = launch(v.cmd(a.guest_pio, append=append, extra=DEBUG_EXIT), [b"BENCH-PIO cpl3"], a.timeout,
                   log_path=log)
        m0, m3, mk = (PIO_RE[k].search(r.stdout) for k in ("cpl0", "cpl3", "khz"))
        if r.failed() or not (m0 and m3 and mk):
            return {"error": failure_text(r, f"{v.label} pio guest")}
        iters, per, out_tsc, empty_tsc = (int(x) for x in m0.groups())
        outs3, out3_tsc = (int(x) for x in m3.groups())
        ns_per_tsc = 1e6 / a.tsc_khz
        n0 = iters * per
        return {"cpl0_ns": (out_tsc - empty_tsc) * ns_per_tsc / n0,
                "cpl0_loop_ns": empty_tsc * ns_per_tsc / n0,   # already subtracted above
                "cpl3_ns": out3_tsc * ns_per_tsc / outs3,
                "guest_tsc_khz": int(mk.group(1))}
    return interleaved(vmms, reps, one)


MEM_MARK = b"BENCH-MEM touched_mb="


def bench_mem(a, vmms, reps, extra=DEBUG_EXIT):
    """VmRSS of the VMM while the guest idles after touching a known amount of RAM."""
    append = f"touch_mb={a.mem_touch_mb}"

    def one(v, rep):
        log = os.path.join(a.work, f"mem-{v.key}-{rep}.log")
        r = launch(v.cmd(a.guest_mem, append=append, mem=a.mem_guest_mb, extra=extra), [MEM_MARK],
                   a.timeout + a.mem_settle, kill_after=MEM_MARK, rss_settle=a.mem_settle, log_path=log)
        if r.failed() or not r.rss:
            return {"error": failure_text(r, f"{v.label} mem guest")}
        rss_mib = r.rss["VmRSS"] / 1024
        return {"rss_mib": rss_mib, "overhead_mib": rss_mib - a.mem_touch_mb,
                "anon_mib": r.rss.get("RssAnon", 0) / 1024, "file_mib": r.rss.get("RssFile", 0) / 1024,
                "shmem_mib": r.rss.get("RssShmem", 0) / 1024}
    return interleaved(vmms, reps, one)


BLK_RE = re.compile(rb"BENCH-BLK test=(\w+) qd=(\d+) reqs=(\d+) bytes=(\d+) tsc=(\d+) kicks=(\d+) errors=(\d+)")
BLK_FLUSH_RE = re.compile(rb"BENCH-BLK test=flush after=(\w+) qd=(\d+) tsc=(\d+) errors=(\d+)")
BLK_DONE = b"BENCH-BLK done"
BLK_TESTS = ("seqread", "randread", "seqwrite", "randwrite")


def make_blk_image(path, mib):
    """A raw image with every block allocated: filled with random bytes (not sparse, not fallocated zeros),
    then fsynced, so the guest's reads hit real data blocks. It stays in the host page cache (nothing here
    drops it), so both VMMs read from a warm cache."""
    with open(path, "wb") as f:
        for _ in range(mib):
            f.write(os.urandom(1 << 20))
        f.flush()
        os.fsync(f.fileno())


def page_cache_pct(path):
    """How much of the file is in the host page cache (util-linux fincore), in percent; None if unknown.
    Host memory management can evict cold page cache at any time (these hosts run DAMON pageout of pages
    idle for a minute), so the harness checks before each run instead of assuming the image is warm."""
    try:
        out = subprocess.run(["fincore", "--bytes", "--noheadings", "--output", "RES", path],
                             capture_output=True, text=True, timeout=10).stdout.split()
        return int(out[0]) * 100 / os.path.getsize(path)
    except (OSError, ValueError, IndexError, subprocess.SubprocessError):
        return None


def wait_quiet(max_wait, cores):
    """Waits until the host's other work used fewer than `cores` cores over one second, for at most max_wait
    seconds. The blk figures need the VMM's I/O thread to find the core the spinning guest leaves free: with
    something else running there, each request waits for a time slice and the figures drop several-fold.
    Returns (seconds waited, busy cores in the last sample)."""
    t0 = time.monotonic()
    while True:
        b0, _ = host_cpu_seconds()
        time.sleep(1.0)
        b1, _ = host_cpu_seconds()
        if b1 - b0 < cores or time.monotonic() - t0 >= max_wait:
            return time.monotonic() - t0, b1 - b0


def blk_drive_args(v, a):
    """The same raw image, cache mode and guest-visible device on both VMMs: a modern-only virtio-blk-pci.
    QEMU twice: as it comes (the queue is served by the main loop) and with the device on an iothread of its
    own, which is closer to modvm (a thread per queue) and which polls the queue adaptively (poll-max-ns)."""
    if v.machine is None:
        return ["-drive", f"file={a.blk_image},if=virtio,format=raw,cache={a.blk_cache}"]
    drive = ["-drive", f"file={a.blk_image},if=none,id=d0,format=raw,cache={a.blk_cache},aio={a.blk_qemu_aio}"]
    if v.key.endswith("-iothread"):
        return drive + ["-object", "iothread,id=io0", "-device", "virtio-blk-pci,drive=d0,disable-legacy=on,iothread=io0"]
    return drive + ["-device", "virtio-blk-pci,drive=d0,disable-legacy=on"]


def bench_blk(a, vmms, reps):
    """virtio-blk sequential MB/s and 4 KiB random IOPS at queue depth 1 and a.blk_qd, timed by the guest."""
    append = (f"seq_mb={a.blk_seq_mb} seq_kb={a.blk_seq_kb} rand_n={a.blk_rand_n} qd={a.blk_qd} "
              f"seed={a.blk_seed} warm_mb={a.blk_warm_mb} warm_n={a.blk_warm_n}")
    s_per_tsc = 1 / (a.tsc_khz * 1000)

    def one(v, rep):
        # A run during which other processes kept more than blk_quiet_cores busy on average is run again
        # (blk_tries in all); the last try counts, and the table shows how busy the host was.
        for attempt in range(1, a.blk_tries + 1):
            res = one_try(v, rep, attempt)
            others = res.get("others_cores")
            if "error" in res or others is None or others < a.blk_quiet_cores or attempt == a.blk_tries:
                res["tries"] = attempt
                return res
            sys.stderr.write(f"  {v.label}: other processes used {others:.2f} cores during the run: "
                             f"again (try {attempt + 1} of {a.blk_tries})\n")

    def one_try(v, rep, attempt):
        log = os.path.join(a.work, f"blk-{v.key}-{rep}-{attempt}.log")
        waited, busy = wait_quiet(a.blk_quiet_wait, a.blk_quiet_cores)
        if busy >= a.blk_quiet_cores:
            sys.stderr.write(f"  host still busy ({busy:.2f} cores) after {waited:.0f} s: running anyway\n")
        # Read the whole image once, so that what the host evicted meanwhile is back in the page cache and
        # every VMM starts from the same warm cache; then check.
        with open(a.blk_image, "rb") as f:
            while f.read(1 << 20):
                pass
        cached = page_cache_pct(a.blk_image)
        r = launch(v.cmd(a.guest_blk, append=append, extra=DEBUG_EXIT + blk_drive_args(v, a)), [BLK_DONE],
                   a.blk_timeout, log_path=log)
        if r.failed():
            return {"error": failure_text(r, f"{v.label} blk guest")}
        out = {"image_cached_pct": cached, "quiet_wait_s": waited, "others_cores": r.others_cores(),
               "steal_cores": r.host_steal / r.wall}
        for m in BLK_RE.finditer(r.stdout):
            test, qd = m.group(1).decode(), int(m.group(2))
            reqs, nbytes, tsc, kicks, errors = (int(x) for x in m.groups()[2:])
            if test not in BLK_TESTS:
                continue            # the warm-up
            if errors:
                return {"error": failure_text(r, f"{v.label} blk guest: {errors} requests of {test} qd={qd} "
                                                 f"completed with a status other than OK")}
            secs = tsc * s_per_tsc
            if test.startswith("seq"):
                out[f"{test}_qd{qd}_mbps"] = nbytes / secs / 1e6
            else:
                out[f"{test}_qd{qd}_iops"] = reqs / secs
            out[f"{test}_qd{qd}_kicks_per_req"] = kicks / reqs
        for m in BLK_FLUSH_RE.finditer(r.stdout):
            after, qd, tsc, errors = m.group(1).decode(), int(m.group(2)), int(m.group(3)), int(m.group(4))
            if errors:
                return {"error": failure_text(r, f"{v.label} blk guest: FLUSH after {after} failed")}
            out[f"flush_{after}_qd{qd}_ms"] = tsc * s_per_tsc * 1000
        if len(out) == 1:
            return {"error": failure_text(r, f"{v.label} blk guest printed no figures")}
        return out
    return interleaved(vmms, reps, one), append


# ---------------------------------------------------------------------------------------------
# Live devices: device_add to usable, and the pause of a device bundle's hot-swap


def pump_all(sessions, until):
    """Reads what arrived on any of the sessions (stdout, QMP) until the monotonic time `until` or the first
    arrival: with two VMMs running at once (a migration's source and destination), each line is timed when it comes
    whichever VMM the harness is waiting for."""
    owner = {f: s for s in sessions for f in s.fds()}
    left = until - time.monotonic()
    if left <= 0 or not owner:
        if not owner:
            time.sleep(max(0, min(left, 0.05)))
        return
    ready, _, _ = select.select(list(owner), [], [], min(left, 0.5))
    for f in ready:
        owner[f].read(f)


class Session:
    """A VMM that the harness talks to while it runs: its stdout (timed line by line, monotonic clock, seconds
    since just before the fork) and its QMP socket, read in one select loop so that neither waits for the other.
    close() ends the process (SIGTERM, then SIGKILL; by its PID) if it is still running, and fills self.r as
    launch() does (exit, wall time, the VMM's and the host's CPU)."""

    def __init__(self, cmd, log_path, env=None):
        self.r = Run()
        self.lines = []                 # (time the line's newline arrived, line without \r\n)
        self.peers = []                 # other sessions read whenever this one waits (see pump)
        self.qmp_msgs = []              # (time, parsed QMP message), in arrival order
        self.qmp = None
        self._qbuf = b""
        self._buf = bytearray()
        self._line_start = 0
        self.eof = False
        self._errf = open(log_path + ".stderr", "wb")
        self._outf = open(log_path, "wb")
        self.stderr_path = log_path + ".stderr"
        self._busy0, self._steal0 = host_cpu_seconds()
        self._cpu0 = children_cpu_seconds()
        self.t0 = time.monotonic()
        self.proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._errf, env=env)
        self.fd = self.proc.stdout.fileno()

    def now(self):
        return time.monotonic() - self.t0

    def pump(self, until):
        """Reads what arrived (stdout, QMP) until the monotonic time `until` or the first arrival; also from the
        sessions in self.peers, so that their lines are timed as they come while the harness waits on this one."""
        pump_all([self] + self.peers, until)

    def fds(self):
        """The descriptors still open for reading: stdout until EOF, the QMP socket once connected."""
        if self.r.wall is not None:         # closed
            return []
        return ([] if self.eof else [self.fd]) + ([self.qmp] if self.qmp is not None else [])

    def read(self, f):
        """Takes in what is ready on f, one of fds(), timed now."""
        t = self.now()
        if f is self.qmp:
            chunk = self.qmp.recv(65536)
            if not chunk:
                self.qmp.close()
                self.qmp = None
                return
            self._qbuf += chunk
            while b"\n" in self._qbuf:
                line, self._qbuf = self._qbuf.split(b"\n", 1)
                if line.strip():
                    self.qmp_msgs.append((t, json.loads(line)))
        else:
            chunk = os.read(self.fd, 65536)
            if not chunk:
                self.eof = True
                return
            if self.r.first_byte is None:
                self.r.first_byte = t
            self._buf += chunk
            self._outf.write(chunk)
            self._outf.flush()
            while True:
                nl = self._buf.find(b"\n", self._line_start)
                if nl < 0:
                    break
                self.lines.append((t, bytes(self._buf[self._line_start:nl]).rstrip(b"\r")))
                self._line_start = nl + 1

    def wait_line(self, pattern, timeout, start=0):
        """(time, match) of the first stdout line from index `start` on that matches the regex `pattern`, waiting
        at most `timeout` s; None if it did not come (or the VMM ended first)."""
        rx = re.compile(pattern)
        deadline = time.monotonic() + timeout
        i = start
        while True:
            while i < len(self.lines):
                m = rx.search(self.lines[i][1])
                if m:
                    return self.lines[i][0], m
                i += 1
            if time.monotonic() >= deadline or (self.eof and i >= len(self.lines)):
                return None
            self.pump(deadline)

    def qmp_open(self, path, timeout):
        """Connects to the VMM's QMP socket (retrying while it does not exist yet), reads the greeting and leaves
        the capabilities negotiation mode. Returns an error text or None."""
        import socket
        deadline = time.monotonic() + timeout
        while True:
            s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
            try:
                s.connect(path)
                break
            except OSError:
                s.close()
                if time.monotonic() >= deadline or self.proc.poll() is not None:
                    return f"no QMP socket at {path}"
                self.pump(time.monotonic() + 0.05)
        self.qmp = s
        if self.qmp_wait(0, lambda m: "QMP" in m, deadline) is None:
            return "no QMP greeting"
        answer = self.qmp_execute("qmp_capabilities", None, deadline - time.monotonic())
        return None if answer and "return" in answer[1] else f"qmp_capabilities: {answer}"

    def qmp_wait(self, start, pred, deadline):
        i = start
        while True:
            while i < len(self.qmp_msgs):
                if pred(self.qmp_msgs[i][1]):
                    return self.qmp_msgs[i]
                i += 1
            if time.monotonic() >= deadline or self.qmp is None:
                return None
            self.pump(deadline)

    def qmp_send(self, command, arguments=None):
        """Sends a command; returns (time sent, index of the next QMP message, which is where its answer is sought)."""
        msg = {"execute": command}
        if arguments is not None:
            msg["arguments"] = arguments
        start = len(self.qmp_msgs)
        t = self.now()
        self.qmp.sendall(json.dumps(msg).encode() + b"\n")
        return t, start

    def qmp_answer(self, start, timeout):
        """(time, message) of the first answer ("return" or "error", events skipped) from index start on."""
        return self.qmp_wait(start, lambda m: "return" in m or "error" in m, time.monotonic() + timeout)

    def qmp_execute(self, command, arguments, timeout):
        _, start = self.qmp_send(command, arguments)
        return self.qmp_answer(start, timeout)

    def stdout_text(self):
        return bytes(self._buf).decode(errors="replace")

    def stderr_text(self):
        if not self._errf.closed:
            self._errf.flush()
        with open(self.stderr_path, "rb") as f:
            return f.read().decode(errors="replace")

    def wait_exit(self, timeout):
        """Reads stdout until the VMM ends it (EOF), for at most timeout s; True if it did."""
        deadline = time.monotonic() + timeout
        while not self.eof and time.monotonic() < deadline:
            self.pump(deadline)
        return self.eof

    def close(self):
        if self.r.wall is not None:
            return self.r
        if self.qmp is not None:
            self.qmp.close()
            self.qmp = None
        if self.eof:
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                pass
        if self.proc.poll() is None:
            self.r.killed = True
            stop(self.proc, grace=5)
        else:
            self.r.exit_time = self.now()
        self.r.status = self.proc.returncode
        self.r.wall = self.now()
        self.r.vmm_cpu = children_cpu_seconds() - self._cpu0
        busy1, steal1 = host_cpu_seconds()
        self.r.host_busy, self.r.host_steal = busy1 - self._busy0, steal1 - self._steal0
        self.proc.stdout.close()
        self._outf.close()
        self._errf.close()
        self.r.stdout = bytes(self._buf)
        self.r.stderr = self.stderr_text().encode()
        return self.r


def qmp_arg(v, path):
    """-qmp on a unix socket, in each VMM's spelling (modvm takes QEMU's older one)."""
    return ["-qmp", f"unix:{path},server,nowait" if v.machine is None else f"unix:{path},server=on,wait=off"]


def quiet_retry(v, one_try, quiet_cores, quiet_wait, tries):
    """Runs one_try(attempt) after waiting (at most quiet_wait s) for a quiet host; again (up to `tries` in all; the
    last counts) if other processes used `quiet_cores` or more cores on average during it."""
    for attempt in range(1, tries + 1):
        waited, busy = wait_quiet(quiet_wait, quiet_cores)
        if busy >= quiet_cores:
            sys.stderr.write(f"  host still busy ({busy:.2f} cores) after {waited:.0f} s: running anyway\n")
        res = one_try(attempt)
        res["quiet_wait_s"] = waited
        others = res.get("others_cores")
        if "error" in res or others is None or others < quiet_cores or attempt == tries:
            res["tries"] = attempt
            return res
        sys.stderr.write(f"  {v.label}: other processes used {others:.2f} cores during the run: "
                         f"again (try {attempt + 1} of {tries})\n")


def session_failure(s, what, why):
    r = s.close()
    r.timed_out = True
    return {"error": failure_text(r, f"{what}: {why}")}


HP_OK = rb"BENCH-HP ok (\d+)"        # QEMU pc: SeaBIOS leaves the line unended: no ^
HP_USABLE = re.compile(rb"BENCH-HP usable k=(\d+) slot=(\w+) bringup_tsc=(\d+) scans=(\d+)")
HP_WATCH = re.compile(rb"BENCH-HP watching empty_slots=(\d+) scan_tsc=(\d+)")


def bench_hotplug(a, vmms, reps):
    """device_add virtio-rng-pci to the first completed request in a guest that polls PCI configuration space."""
    append = f"count={a.hp_count}"
    ms_per_tsc = 1 / a.tsc_khz

    def one(v, rep):
        return quiet_retry(v, lambda attempt: one_try(v, rep, attempt), a.hp_quiet_cores, a.hp_quiet_wait,
                           a.hp_tries)

    def one_try(v, rep, attempt):
        log = os.path.join(a.work, f"hotplug-{v.key}-{rep}-{attempt}.log")
        sock = os.path.join(a.work, f"hotplug-{v.key}-{rep}-{attempt}.qmp")
        s = Session(v.cmd(a.guest_hotplug, append=append, mem=64, extra=DEBUG_EXIT + qmp_arg(v, sock)), log)
        try:
            what = f"{v.label} hotplug guest"
            err = s.qmp_open(sock, a.hp_timeout)
            if err:
                return session_failure(s, what, err)
            if not s.wait_line(rb"BENCH-HP watching", a.hp_timeout):
                return session_failure(s, what, "the guest never started watching")
            out = {}
            for k in range(1, a.hp_count + 1):
                end = time.monotonic() + a.hp_settle        # the guest polls on meanwhile
                while time.monotonic() < end:
                    s.pump(end)
                args = {"driver": "virtio-rng-pci", "id": f"r{k}"}
                if v.machine is not None:
                    args["disable-legacy"] = "on"           # the same modern-only function modvm has
                line0 = len(s.lines)
                t_send, start = s.qmp_send("device_add", args)
                answer = s.qmp_answer(start, a.hp_timeout)
                if answer is None or "return" not in answer[1]:
                    return session_failure(s, what, f"device_add r{k}: {answer}")
                ok = s.wait_line(HP_OK, a.hp_timeout, line0)
                if not ok or int(ok[1].group(1)) != k:
                    return session_failure(s, what, f"no 'BENCH-HP ok {k}' after device_add r{k}")
                u = s.wait_line(HP_USABLE.pattern, 10, line0)
                tag = "" if k == 1 else f"_{k}"
                out[f"qmp_return_ms{tag}"] = (answer[0] - t_send) * 1000
                out[f"usable_ms{tag}"] = (ok[0] - t_send) * 1000
                if u:
                    out[f"bringup_ms{tag}"] = int(u[1].group(3)) * ms_per_tsc
                    out[f"slot{tag}"] = int(u[1].group(2), 16)
            s.wait_exit(10)
            r = s.close()
            w = HP_WATCH.search(r.stdout)
            if w:
                out["scan_ms"] = int(w.group(2)) * ms_per_tsc
                out["empty_slots"] = int(w.group(1))
            out["others_cores"] = r.others_cores()
            return out
        finally:
            s.close()
    return interleaved(vmms, reps, one), append


SWAP_WIN = re.compile(rb"BENCH-SWAP w=(\d+) reqs=(\d+) tsc=(\d+) max_gap=(\d+)")
SWAP_DONE = re.compile(rb"BENCH-SWAP done reqs=(\d+) max_gap=(\d+) max_w=(-?\d+)")


SWAP_VMM = Vmm("modvm", "modvm, bundle updated", [], None)
NOSWAP_VMM = Vmm("modvm-noswap", "modvm, no update", [], "modvm, no update (QEMU: no equivalent)")


def bench_hotswap(a, reps):
    """The longest gap between two completed virtio-rng requests of a guest that issues them back to back, while
    the virtio-rng bundle is updated in deploy/ (a copy of the distribution), and in the same run without."""
    append = f"windows={a.swap_windows} window_ms={a.swap_window_ms} len={a.swap_len} tsc_khz={a.tsc_khz}"
    ms_per_tsc = 1 / a.tsc_khz
    swap, noswap = SWAP_VMM, NOSWAP_VMM
    dist = os.path.dirname(os.path.dirname(os.path.realpath(a.modvm)))
    jars = [j for j in os.listdir(os.path.join(dist, "bundle")) if j.startswith("virtio.rng-") and j.endswith(".jar")]
    if len(jars) != 1:
        err = {"error": f"expected one virtio.rng-*.jar in {dist}/bundle, found {jars}"}
        return {"modvm": [err], "modvm-noswap": [err]}, append, swap, noswap
    jar = jars[0]

    def one(v, rep):
        return quiet_retry(v, lambda attempt: one_try(v, rep, attempt), a.hp_quiet_cores, a.hp_quiet_wait,
                           a.hp_tries)

    def one_try(v, rep, attempt):
        name = f"hotswap-{v.key}-{rep}-{attempt}"
        home = os.path.join(a.work, name)
        shutil.copytree(dist, home, symlinks=True)
        deployed = os.path.join(home, "deploy", jar)
        os.replace(os.path.join(home, "bundle", jar), deployed)
        sock = os.path.join(a.work, name + ".qmp")
        env = dict(os.environ, MODVM_LOG="info")
        cmd = [os.path.join(home, "bin", "modvm"), "-m", "64", "-smp", "1", "-nographic", "-no-reboot",
               "-kernel", a.guest_hpswap, "-append", append] + DEBUG_EXIT + qmp_arg(v, sock)
        s = Session(cmd, os.path.join(a.work, name + ".log"), env)
        what = f"{v.label} hot-swap guest"
        try:
            err = s.qmp_open(sock, a.hp_timeout)
            if err:
                return session_failure(s, what, err)
            if not s.wait_line(rb"BENCH-SWAP waiting", a.hp_timeout):
                return session_failure(s, what, "the guest never started")
            deadline = time.monotonic() + a.hp_timeout
            while True:                                     # until FileInstall has started the rng bundle
                answer = s.qmp_execute("device_add", {"driver": "virtio-rng-pci", "id": "r1"}, a.hp_timeout)
                if answer and "return" in answer[1]:
                    break
                if time.monotonic() > deadline:
                    return session_failure(s, what, f"device_add: {answer}")
                s.pump(time.monotonic() + 0.2)
            if not s.wait_line(rb"BENCH-SWAP w=%d " % (a.swap_after - 1), a.hp_timeout):
                return session_failure(s, what, f"no window {a.swap_after - 1}")
            swap_window = None
            if v is swap:
                staged = os.path.join(a.work, name + "-" + jar)
                shutil.copyfile(os.path.join(dist, "bundle", jar), staged)     # a fresh mtime: FileInstall updates
                os.replace(staged, deployed)
                # the window during which the jar was replaced: the one after the last the guest printed
                swap_window = 1 + max(int(m.group(1)) for m in (SWAP_WIN.search(l) for _, l in s.lines) if m)
                swap_t = s.now()
            done = s.wait_line(SWAP_DONE.pattern, a.swap_windows * a.swap_window_ms / 1000 * 3 + 60)
            s.wait_exit(10)
            r = s.close()
            if not done or b"BENCH-SWAP failed" in r.stdout:
                return {"error": failure_text(r, f"{what}: no 'BENCH-SWAP done'")}
            stderr = r.stderr.decode(errors="replace")
            taken = "device r1 taken over by a new virtio-rng-pci instance" in stderr
            if (v is swap) != taken:
                return {"error": failure_text(r, f"{what}: take-over in modvm's log: {taken}")}
            wins = [tuple(int(x) for x in m.groups()) for m in SWAP_WIN.finditer(r.stdout)]
            reqs, max_gap, max_w = (int(x) for x in done[1].groups())
            # The update's windows: from the one the jar was replaced in, for swap_span_s (FileInstall polls each
            # second and waits for the file to be stable, then the bundle is updated); in a run without an update
            # the same windows, so that both columns compare the same stretch of the run.
            first = swap_window if swap_window is not None else a.swap_after
            span = range(first, first + -(-int(a.swap_span_s * 1000) // a.swap_window_ms))
            during = [w for w in wins if w[0] in span]
            outside = [w for w in wins if w[0] not in span]
            before = [w for w in wins if w[0] < first]
            out = {"swap_gap_ms": max(w[3] for w in during) * ms_per_tsc,
                   "swap_gap_window": max(during, key=lambda w: w[3])[0],
                   "max_gap_ms": max_gap * ms_per_tsc, "max_gap_window": max_w,
                   "other_gap_ms": max(w[3] for w in outside) * ms_per_tsc,
                   "req_us": sum(w[2] for w in before) / sum(w[1] for w in before) * ms_per_tsc * 1000,
                   "requests": reqs, "others_cores": r.others_cores()}
            if v is swap:
                out["swap_window"] = swap_window
                out["jar_copied_s"] = swap_t
                if max_w not in span:
                    out["note"] = (f"longest gap in window {max_w}, outside the update's windows "
                                   f"{span.start}-{span.stop - 1}")
            return out
        finally:
            if s.proc.poll() is None:
                s.close()
            shutil.rmtree(home, ignore_errors=True)
    return interleaved([swap, noswap], reps, one), append, swap, noswap


# ---------------------------------------------------------------------------------------------
# Migration: live over tcp between two processes of the same VMM, savevm/loadvm, and the local live update


class MigCase:
    """One live-migration set-up: the guest's RAM, how much of it the guest fills, and how fast it then rewrites
    its working set (0: not at all)."""

    def __init__(self, mem_mb, fill, rate, what):
        self.mem_mb, self.fill, self.rate = mem_mb, fill, rate
        self.key = f"mig-{mem_mb}-{what}"
        size = f"{mem_mb} MiB" if mem_mb < 1024 else f"{mem_mb // 1024} GiB"
        self.label = {"idle": f"{size}, idle", "dirty": f"{size}, dirtying",
                      "unfilled": f"{size}, never filled"}[what]


def mig_cases(a):
    cases = []
    for mb in a.mig_sizes:
        cases += [MigCase(mb, -1, 0, "idle"), MigCase(mb, -1, a.mig_rate, "dirty")]
    if a.mig_unfilled_mb:
        cases.append(MigCase(a.mig_unfilled_mb, 0, 0, "unfilled"))
    return cases


MIG_READY = rb"BENCH-MIG ready filled_mib=(\d+)"       # QEMU pc: SeaBIOS leaves its line unended: no ^
MIG_TICK = re.compile(rb"BENCH-MIG t=(\d+)$")
MIG_CORRUPT = b"BENCH-MIG CORRUPT"


def mig_append(a, fill, rate):
    return (f"fill_mib={fill} wss_mib={a.mig_wss_mb} rate_mibps={rate} tick_ms={a.mig_tick_ms} "
            f"tsc_khz={a.tsc_khz}")


def free_tcp_port():
    import socket
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def last_tick(s, before=None):
    """(index, time, N) of the last 'BENCH-MIG t=N' line of the session (of those before index `before`), or None."""
    end = len(s.lines) if before is None else before
    for i in range(end - 1, -1, -1):
        m = MIG_TICK.search(s.lines[i][1])
        if m:
            return i, s.lines[i][0], int(m.group(1))
    return None


def wait_tick_after(s, n, timeout, start=0):
    """(index, time, N) of the first 'BENCH-MIG t=N' line from index start on with N > n, or None."""
    deadline = time.monotonic() + timeout
    i = start
    while True:
        while i < len(s.lines):
            m = MIG_TICK.search(s.lines[i][1])
            if m and int(m.group(1)) > n:
                return i, s.lines[i][0], int(m.group(1))
            i += 1
        if time.monotonic() >= deadline or (s.eof and i >= len(s.lines)):
            return None
        s.pump(deadline)


def run_for(s, seconds):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        s.pump(end)


def qmp_ok(s, command, arguments, timeout):
    """Runs a QMP command; its "return" value, or raises MigFailure with the answer."""
    answer = s.qmp_execute(command, arguments, timeout)
    if answer is None or "return" not in answer[1]:
        raise MigFailure(f"{command} {json.dumps(arguments) if arguments else ''}: "
                         f"{answer[1] if answer else 'no answer'}")
    return answer[1]["return"]


class MigFailure(Exception):
    pass


class MigUnavailable(Exception):
    """The VMM does not offer what the figure needs (the local live update in a modvm without it)."""


def went_on(a, dst, since_index):
    """Watches the destination for mig_after seconds more: (went on, ticks in that time). It went on if its guest
    printed steps, found no page changed, and the process still runs."""
    first = wait_tick_after(dst, 0, a.mig_timeout, since_index)
    if first is None:
        return False, 0
    run_for(dst, a.mig_after)
    last = last_tick(dst)
    ticks = last[2] - first[2] if last else 0
    ok = ticks > 0 and MIG_CORRUPT not in bytes(dst._buf) and dst.proc.poll() is None
    return ok, ticks


def bench_migrate(a, modvm, pc, reps):
    """Live migration over tcp on 127.0.0.1 between two processes of the same VMM, for each case; savevm/loadvm
    into a qcow2 image; the local live update (QEMU: x-ignore-shared with its RAM in a shared file). Returns
    {bench: {vmm key: [results]}} for every case, "snapshot" and "local"."""
    cases = mig_cases(a)
    vmms = [modvm, pc]
    benches = [c.key for c in cases] + ["snapshot", "local"]
    out = {b: {v.key: [] for v in vmms} for b in benches}
    for rep in range(reps):
        k = rep % len(vmms)
        order = vmms[k:] + vmms[:k]
        for c in cases:
            for v in order:
                res = quiet_retry(v, lambda attempt: mig_live(a, v, c, f"{c.key}-{v.key}-{rep}-{attempt}"),
                                  a.mig_quiet_cores, a.mig_quiet_wait, a.mig_tries)
                out[c.key][v.key].append(res)
                sys.stderr.write(f"  rep {rep + 1}/{reps} {c.label} {v.label}: {describe(res)}\n")
        for bench, fn in (("snapshot", mig_snapshot), ("local", mig_local)):
            for v in order:
                res = quiet_retry(v, lambda attempt: fn(a, v, f"{bench}-{v.key}-{rep}-{attempt}"),
                                  a.mig_quiet_cores, a.mig_quiet_wait, a.mig_tries)
                out[bench][v.key].append(res)
                sys.stderr.write(f"  rep {rep + 1}/{reps} {bench} {v.label}: {describe(res)}\n")
    return out


class HostCpu:
    """Others' CPU over a stretch in which the harness runs several VMM processes (all its children): the host's
    busy time less what the children used, per second of wall time."""

    def __init__(self):
        self.busy0, _ = host_cpu_seconds()
        self.cpu0 = children_cpu_seconds()
        self.t0 = time.monotonic()

    def others_cores(self):
        busy1, _ = host_cpu_seconds()
        return max(0.0, busy1 - self.busy0 - (children_cpu_seconds() - self.cpu0)) / (time.monotonic() - self.t0)


def close_all(*sessions):
    for s in sessions:
        if s is not None:
            s.close()


def mig_failure(what, e, *sessions):
    close_all(*sessions)
    text = f"{what}: {e}"
    for name, s in zip(("source", "destination") if len(sessions) > 1 else ("VMM",), sessions):
        if s is not None:
            text += (f"\n--- {name} stdout (tail) ---\n{s.stdout_text()[-800:]}"
                     f"\n--- {name} stderr (tail) ---\n{s.stderr_text()[-1200:]}")
    return {"error": text}


def mig_live(a, v, c, name, uri=None, extra=(), caps=()):
    """Starts a destination (-incoming, or -incoming defer when capabilities must be set first) and a source of the
    same command line, lets the guest fill its RAM and run mig_settle s, migrates, reads the source's query-migrate
    until it completes, then watches the destination's guest go on."""
    uri = uri or f"tcp:127.0.0.1:{free_tcp_port()}"
    qs, qd = (os.path.join(a.work, f"{name}.{side}.qmp") for side in ("src", "dst"))
    append = mig_append(a, c.fill, c.rate)
    cpu = HostCpu()
    src = dst = None
    what = f"{v.label} migration {c.label}"
    try:
        incoming = ["-incoming", "defer" if caps else uri]
        dst = Session(v.cmd(a.guest_migrate, append=append, mem=c.mem_mb,
                            extra=DEBUG_EXIT + qmp_arg(v, qd) + list(extra) + incoming),
                      os.path.join(a.work, name + ".dst.log"))
        err = dst.qmp_open(qd, a.mig_timeout)
        if err:
            raise MigFailure(f"destination: {err}")
        if caps:
            cap_list = [{"capability": n, "state": True} for n in caps]
            answer = dst.qmp_execute("migrate-set-capabilities", {"capabilities": cap_list}, a.mig_timeout)
            if answer is None or "return" not in answer[1]:
                raise MigUnavailable(f"migrate-set-capabilities {', '.join(caps)}: "
                                     f"{(answer[1].get('error') or {}).get('desc') if answer else 'no answer'}")
            qmp_ok(dst, "migrate-incoming", {"uri": uri}, a.mig_timeout)
        deadline = time.monotonic() + a.mig_timeout
        # Listening: modvm's query-migrate says "setup"; QEMU's lists the socket address it listens on.
        while not {"status", "socket-address"} & set(qmp_ok(dst, "query-migrate", None, a.mig_timeout)):
            if time.monotonic() > deadline:
                raise MigFailure("the destination never listened (query-migrate never showed setup)")
            dst.pump(time.monotonic() + 0.05)
        src = Session(v.cmd(a.guest_migrate, append=append, mem=c.mem_mb,
                            extra=DEBUG_EXIT + qmp_arg(v, qs) + list(extra)),
                      os.path.join(a.work, name + ".src.log"))
        src.peers, dst.peers = [dst], [src]
        err = src.qmp_open(qs, a.mig_timeout)
        if err:
            raise MigFailure(f"source: {err}")
        ready = src.wait_line(MIG_READY, a.mig_timeout)
        if not ready:
            raise MigFailure("the source's guest never got ready")
        run_for(src, a.mig_settle)
        params = qmp_ok(src, "query-migrate-parameters", None, a.mig_timeout)
        if caps:
            qmp_ok(src, "migrate-set-capabilities", {"capabilities": cap_list}, a.mig_timeout)
        t_send, start = src.qmp_send("migrate", {"uri": uri})
        answer = src.qmp_answer(start, a.mig_timeout)
        if answer is None or "return" not in answer[1]:
            raise MigFailure(f"migrate: {answer[1] if answer else 'no answer'}")
        deadline = time.monotonic() + a.mig_timeout
        while True:
            info = qmp_ok(src, "query-migrate", None, a.mig_timeout)
            if info.get("status") in ("completed", "failed", "cancelled"):
                break
            if time.monotonic() > deadline:
                raise MigFailure(f"the migration did not end within {a.mig_timeout:g} s: {info}")
            src.pump(time.monotonic() + a.mig_poll)
        t_seen = src.now()
        if info.get("status") != "completed":
            raise MigFailure(f"migration {info.get('status')}: {info.get('error-desc')}")
        # The source's guest stopped after its last line; the destination goes on with the next step.
        src_last = last_tick(src)
        dst_first = wait_tick_after(dst, src_last[2] if src_last else 0, a.mig_timeout)
        if dst_first is None:
            raise MigFailure("the destination's guest printed nothing after the migration")
        ok, ticks = went_on(a, dst, dst_first[0])
        src_status = qmp_ok(src, "query-status", None, a.mig_timeout).get("status")
        ram = info.get("ram", {})
        res = {"total_ms": info.get("total-time"), "downtime_ms": info.get("downtime"),
               "setup_ms": info.get("setup-time"), "sent_mb": ram.get("transferred", 0) / 1e6,
               "passes": ram.get("dirty-sync-count"), "seen_completed_ms": (t_seen - t_send) * 1000,
               "gap_ms": ((dst.t0 + dst_first[1]) - (src.t0 + src_last[1])) * 1000 if src_last else None,
               "went_on": 1 if ok else 0, "ticks_after": ticks, "source_status": src_status,
               "max_bandwidth": params.get("max-bandwidth"), "downtime_limit": params.get("downtime-limit"),
               "filled_mib": int(ready[1].group(1)), "query_migrate": info}
        close_all(src, dst)
        res["others_cores"] = cpu.others_cores()
        return res
    except MigUnavailable as e:
        close_all(src, dst)
        return {"unavailable": str(e)}
    except MigFailure as e:
        return mig_failure(what, e, src, dst)
    finally:
        close_all(src, dst)


def snapshot_drive_args(v, image):
    """A qcow2 image (savevm needs one), as the same modern virtio-blk function on both VMMs."""
    if v.machine is None:
        return ["-drive", f"file={image},if=virtio,format=qcow2"]
    return ["-drive", f"file={image},if=none,id=d0,format=qcow2", "-device", "virtio-blk-pci,drive=d0,disable-legacy=on"]


def hmp(s, line, timeout):
    """HMP through human-monitor-command: (time sent, time answered, text); raises MigFailure on a QMP error or on
    text that HMP gives for a failure (savevm/loadvm answer "" when they succeed)."""
    t, start = s.qmp_send("human-monitor-command", {"command-line": line})
    answer = s.qmp_answer(start, timeout)
    if answer is None or "return" not in answer[1]:
        raise MigFailure(f"{line}: {answer[1] if answer else 'no answer'}")
    text = answer[1]["return"]
    if text.strip():
        raise MigFailure(f"{line}: {text.strip()}")
    return t, answer[0], text


def mig_snapshot(a, v, name):
    """savevm into a fresh qcow2 image while the guest runs (filled RAM, idle), then loadvm of it in the same process;
    each timed from the HMP command sent to its answer. The guest must go on after each, and after loadvm from the
    step it was at when saved."""
    image = os.path.join(a.work, name + ".qcow2")
    made = subprocess.run([a.qemu_img, "create", "-f", "qcow2", image, f"{a.mig_snap_disk_mb}M"],
                          capture_output=True, text=True)
    if made.returncode:
        return {"error": f"qemu-img create: {made.stderr.strip()}"}
    qmp = os.path.join(a.work, name + ".qmp")
    cpu = HostCpu()
    s = None
    try:
        s = Session(v.cmd(a.guest_migrate, append=mig_append(a, -1, 0), mem=a.mig_snap_mb,
                          extra=DEBUG_EXIT + qmp_arg(v, qmp) + snapshot_drive_args(v, image)),
                    os.path.join(a.work, name + ".log"))
        err = s.qmp_open(qmp, a.mig_timeout)
        if err:
            raise MigFailure(err)
        if not s.wait_line(MIG_READY, a.mig_timeout):
            raise MigFailure("the guest never got ready")
        run_for(s, a.mig_settle)
        at_send = last_tick(s)
        t0, t1, _ = hmp(s, "savevm bench", a.mig_timeout)
        saved = last_tick(s)
        i_saved = len(s.lines)
        after_save = wait_tick_after(s, saved[2] if saved else 0, a.mig_timeout, i_saved)
        if after_save is None:
            raise MigFailure("the guest printed nothing after savevm")
        run_for(s, a.mig_settle)
        before_load = last_tick(s)
        t2, t3, _ = hmp(s, "loadvm bench", a.mig_timeout)
        i_loaded = len(s.lines)
        first = wait_tick_after(s, 0, a.mig_timeout, i_loaded)
        if first is None:
            raise MigFailure("the guest printed nothing after loadvm")
        ok, ticks = went_on(a, s, first[0])
        # After loadvm the guest is back at a step between the ones it printed when savevm was sent and when it
        # answered (a VMM that lets the guest run on while it saves RAM prints more steps meanwhile, and its UART
        # may still hold part of a line): earlier than where it was when loadvm came.
        back = at_send is not None and at_send[2] <= first[2] < before_load[2]
        res = {"savevm_ms": (t1 - t0) * 1000, "loadvm_ms": (t3 - t2) * 1000,
               "loadvm_to_guest_ms": (first[1] - t2) * 1000, "went_on": 1 if ok and back else 0,
               "step_savevm_sent": at_send[2] if at_send else None,
               "steps_during_savevm": saved[2] - at_send[2] if saved and at_send else None,
               "step_saved": saved[2] if saved else None, "step_after_load": first[2],
               "step_before_load": before_load[2], "image_mb": os.path.getsize(image) / 1e6}
        s.close()
        res["others_cores"] = cpu.others_cores()
        return res
    except MigFailure as e:
        return mig_failure(f"{v.label} savevm/loadvm", e, s)
    finally:
        close_all(s)
        if os.path.exists(image):
            os.unlink(image)


def mig_local(a, v, name):
    """The local live update: a migration to a second process on the same host that takes over the guest's RAM
    instead of receiving a copy. QEMU: the x-ignore-shared capability with guest RAM in a shared file in /dev/shm
    (memory-backend-file, share=on) that both processes map, over a unix socket.

    modvm: ---- LOCAL LIVE UPDATE: to be filled in when the memfd hand-over is merged and its interface documented.
    Until then the harness asks modvm for the same x-ignore-shared capability; a modvm that refuses it gets "not
    available" (with its answer), never a figure. If the hand-over arrives under another interface (say a unix: URI
    option), this is the one place to change: the arguments below. ----"""
    c = MigCase(a.mig_local_mb, -1, a.mig_rate, "dirty")
    uri = f"unix:{os.path.join(a.work, name + '.sock')}"
    if v.machine is None:
        return mig_live(a, v, c, name, uri, (), ("x-ignore-shared",))
    shm = f"/dev/shm/modvm-bench-{os.getpid()}-{name}"
    extra = ["-object", f"memory-backend-file,id=mem,size={c.mem_mb}M,mem-path={shm},share=on",
             "-machine", "memory-backend=mem"]
    try:
        return mig_live(a, v, c, name, uri, extra, ("x-ignore-shared",))
    finally:
        if os.path.exists(shm):
            os.unlink(shm)


def mig_rows(a, cases, qemus):
    rows = []
    for c in cases:
        b = c.key
        rows += [(b, f"migrate {c.label}: total time", "ms", "total_ms", True, qemus),
                 (b, "  downtime (VMM's own figure)", "ms", "downtime_ms", True, qemus),
                 (b, "  sent (VMM's own count)", "MB", "sent_mb", True, qemus),
                 (b, "  (guest's gap, source to destination)", "ms", "gap_ms", True, qemus),
                 (b, "  (dirty-sync passes)", "", "passes", False, qemus),
                 (b, "  (destination went on: 1 = yes)", "", "went_on", False, qemus)]
    rows += [("snapshot", f"savevm, {a.mig_snap_mb} MiB guest, qcow2", "ms", "savevm_ms", True, qemus),
             ("snapshot", f"loadvm, {a.mig_snap_mb} MiB guest, qcow2", "ms", "loadvm_ms", True, qemus),
             ("snapshot", "  (loadvm sent to the guest's next line)", "ms", "loadvm_to_guest_ms", True, qemus),
             ("snapshot", "  (guest's steps printed during savevm)", "", "steps_during_savevm", False, qemus),
             ("snapshot", "  (guest went on from the snapshot: 1 = yes)", "", "went_on", False, qemus)]
    size = f"{a.mig_local_mb} MiB" if a.mig_local_mb < 1024 else f"{a.mig_local_mb // 1024} GiB"
    na = "not available"
    rows += [("local", f"local live update, {size}, dirtying: total", "ms", "total_ms", True, qemus, na),
             ("local", "  downtime (VMM's own figure)", "ms", "downtime_ms", True, qemus, na),
             ("local", "  sent (VMM's own count)", "MB", "sent_mb", True, qemus, na),
             ("local", "  (guest's gap, source to destination)", "ms", "gap_ms", True, qemus, na),
             ("local", "  (destination went on: 1 = yes)", "", "went_on", False, qemus, na)]
    return rows


LINUX_MARK = b"Run /init as init process"


def kernel_build_running():
    return subprocess.run(["pgrep", "-f", "make.*bzImage"], stdout=subprocess.DEVNULL).returncode == 0


# Another Linux guest on this host (QEMU, or modvm's JVM), started by someone else: a PVM host runs one
# Linux guest at a time, else both livelock in timer-tick code on the two cores.
OTHER_LINUX_GUEST = r"(qemu-system|io\.modvm\.launcher\.Main).*-kernel [^ ]*(bzImage|vmlinux)"


def other_linux_guest():
    return subprocess.run(["pgrep", "-f", OTHER_LINUX_GUEST], stdout=subprocess.DEVNULL).returncode == 0


def wait_for_kernel(a):
    """Waits (polling every a.linux_poll s, up to a.linux_wait s) until the guest files exist, no kernel
    make runs (it would take the cores from the guest) and no other Linux guest runs."""
    need = [a.linux_bzimage, a.linux_initrd, a.linux_cmdline]
    t0 = time.monotonic()
    said = False
    while True:
        missing = [p for p in need if not os.path.exists(p)]
        building = kernel_build_running()
        other = other_linux_guest()
        if not missing and not building and not other:
            return None
        state = f"missing {missing}, kernel make running: {building}, other Linux guest running: {other}"
        if time.monotonic() - t0 > a.linux_wait:
            return f"gave up after {a.linux_wait} s: {state}"
        if not said:
            sys.stderr.write(f"  waiting: {state}\n")
            said = True
        time.sleep(a.linux_poll)


def bench_linux(a, vmms, reps):
    """Launch to the kernel's "Run /init as init process", one guest at a time, killed at that line."""
    with open(a.linux_cmdline) as f:
        pvm = f.read().strip()
    append = f"console=ttyS0 {pvm} panic=-1"

    def one(v, rep):
        err = wait_for_kernel(a)
        if err:
            return {"error": err}
        log = os.path.join(a.work, f"linux-{v.key}-{rep}.log")
        r = launch(v.cmd(a.linux_bzimage, append=append, mem=256, smp=1, extra=["-initrd", a.linux_initrd]),
                   [LINUX_MARK], a.linux_timeout, kill_after=LINUX_MARK, log_path=log)
        if r.failed():
            return {"error": failure_text(r, f"{v.label} Linux boot") + f"\n(full log: {log}, kept with --keep)"}
        return {"run_init_s": r.markers[LINUX_MARK]}
    return interleaved(vmms, reps, one), append


# ---------------------------------------------------------------------------------------------
# virtio-net over a tap in the network namespace bench/run made: frame rates both ways, TCP with segmentation
# offload, and the host's ping round trip to Linux. Everything runs inside that namespace (the VMM, the frame
# generator, the TCP sink, ping), so no frame reaches any other interface.

NET_MAC = "52:54:00:12:34:56"
NET_HOST_IP = "10.0.2.1"
NET_GUEST_IP = "10.0.2.15"
NET_TSO_PORT = 7001
NET_RESULT = rb"BENCH-NET (test=|error: )"
NET_TX = re.compile(rb"BENCH-NET test=tx len=(\d+) frames=(\d+) tsc=(\d+) kicks=(\d+)")
NET_RX = re.compile(rb"BENCH-NET test=rx frames=(\d+) bytes=(\d+) tsc=(\d+) first_seq=(\d+) last_seq=(\d+) gaps=(\d+) "
                    rb"batches=(\d+) kicks=(\d+)")
NET_TSO = re.compile(rb"BENCH-NET test=tso bytes=(\d+) segs=(\d+) tsc=(\d+) kicks=(\d+) max_flight=(\d+) wscale=(\d+)")
NETGEN_SENT = re.compile(r"netgen sent=(\d+) ns=(\d+) full=(\d+)")
TCPSINK_DONE = re.compile(r"tcpsink bytes=(\d+) ns=(\d+)")
TAP_STATS = ("rx_packets", "rx_bytes", "rx_dropped", "tx_packets", "tx_bytes", "tx_dropped")
PING_RTT = re.compile(r"round-trip min/avg/max = ([\d.]+)/([\d.]+)/([\d.]+) ms")
PING_RECEIVED = re.compile(r"(\d+) packets received")


class NetFailure(Exception):
    """A net test that did not give its figure: the reason ends the run (the VMM's output goes with it)."""


class Lan:
    """Where the guest's frames come out on the host: a network namespace and the tap in it (10.0.2.1/24) whose
    counters are read, where the generator sends and the TCP sink listens. tap0 for the tap netdev; testpmd's dtap0
    when the NIC is on vhost-user."""

    def __init__(self, ns, tap):
        self.ns = ns
        self.tap = tap

    def cmd(self, *argv):
        """A command that runs inside the namespace, so its traffic stays on the tap there."""
        return ["ip", "netns", "exec", self.ns] + [str(x) for x in argv]


def in_ns(a, *argv):
    """A command that runs inside the namespace of the tap netdev's figures."""
    return Lan(a.net_ns, "tap0").cmd(*argv)


def tap_counters(lan):
    """The tap's counters, read from /sys/class/net/TAP/statistics inside the namespace. rx_*: what the VMM (or
    testpmd) wrote to the tap (the guest's frames); tx_*: what it read from it; tx_dropped: frames the tap refused
    for want of room (the generator sends those again)."""
    r = subprocess.run(lan.cmd("cat", *(f"/sys/class/net/{lan.tap}/statistics/{k}" for k in TAP_STATS)),
                       capture_output=True, text=True, timeout=30)
    if r.returncode:
        raise NetFailure(f"reading the tap's counters: {r.stderr.strip()}")
    return dict(zip(TAP_STATS, (int(x) for x in r.stdout.split())))


def net_ctl(a, lan, text):
    """One control frame to the guest, which starts its next test."""
    r = subprocess.run(lan.cmd(a.netgen, lan.tap, NET_MAC, "ctl", text), capture_output=True, text=True, timeout=30)
    if r.returncode:
        raise NetFailure(f"netgen ctl '{text}': {r.stderr.strip()}")


def net_device_arg(v):
    """The same NIC on both VMMs: a modern-only virtio-net-pci with a fixed MAC (microvm has no PCI bus for it)."""
    device = f"virtio-net-pci,netdev=n0,mac={NET_MAC}"
    return ["-device", device if v.machine is None else device + ",disable-legacy=on"]


def net_nic_args(v):
    """A tap netdev with the userspace datapath (vhost=off) and the vnet header, on both VMMs."""
    return ["-netdev", "tap,id=n0,ifname=tap0,script=no,downscript=no,vhost=off,vnet_hdr=on"] + net_device_arg(v)


def read_line_within(proc, pattern, timeout):
    """The first line of proc's stdout that matches the regex, waiting at most timeout s; None otherwise."""
    deadline = time.monotonic() + timeout
    fd = proc.stdout.fileno()
    buf = b""
    while time.monotonic() < deadline:
        ready, _, _ = select.select([fd], [], [], max(0, min(0.5, deadline - time.monotonic())))
        if not ready:
            continue
        chunk = os.read(fd, 4096)
        if not chunk:
            break
        buf += chunk
        for line in buf.decode(errors="replace").splitlines():
            m = re.search(pattern, line)
            if m:
                return m
    return None


class NetGuest:
    """Drives one running net guest: each test is a control frame, then the guest's result line; the tap's counters
    are read on either side of it."""

    def __init__(self, a, session, lan):
        self.a = a
        self.s = session
        self.lan = lan
        self.s_per_tsc = 1 / (a.tsc_khz * 1000)

    def result(self, line0, regex, what):
        got = self.s.wait_line(NET_RESULT, self.a.net_timeout, line0)
        if not got:
            raise NetFailure(f"{what}: no result within {self.a.net_timeout:g} s")
        line = got[1].string
        m = regex.search(line)
        if not m:
            raise NetFailure(f"{what}: {line.decode(errors='replace')}")
        return m

    def tx(self, length, n):
        """n frames of `length` bytes from the guest; the rates count what the tap took from the VMM."""
        c0 = tap_counters(self.lan)
        line0 = len(self.s.lines)
        net_ctl(self.a, self.lan, f"tx {length} {n}")
        m = self.result(line0, NET_TX, f"tx {length}")
        c1 = tap_counters(self.lan)
        secs = int(m.group(3)) * self.s_per_tsc
        frames = c1["rx_packets"] - c0["rx_packets"]
        nbytes = c1["rx_bytes"] - c0["rx_bytes"]
        return {"kpps": frames / secs / 1e3, "gbps": nbytes * 8 / secs / 1e9, "taken_pct": frames * 100 / n,
                "kicks_per_frame": int(m.group(4)) / n, "secs": secs, "tap_frames": frames, "tap_bytes": nbytes}

    def rx(self, length, n):
        """n frames of `length` bytes from the host's generator; the rates count what reached the guest."""
        line0 = len(self.s.lines)
        net_ctl(self.a, self.lan, "rx")
        if not self.s.wait_line(rb"BENCH-NET rx listening", self.a.net_timeout, line0):
            raise NetFailure(f"rx {length}: the guest did not start listening")
        c0 = tap_counters(self.lan)
        g = subprocess.run(self.lan.cmd(self.a.netgen, self.lan.tap, NET_MAC, "blast", length, n), capture_output=True,
                           text=True, timeout=self.a.net_timeout)
        sent = NETGEN_SENT.search(g.stdout)
        if g.returncode or not sent:
            raise NetFailure(f"rx {length}: netgen: {g.stdout.strip()} {g.stderr.strip()}")
        m = self.result(line0, NET_RX, f"rx {length}")
        c1 = tap_counters(self.lan)
        frames, nbytes, tsc, first, last, gaps, batches, kicks = (int(x) for x in m.groups())
        if frames < 2 or not tsc:
            raise NetFailure(f"rx {length}: the guest got {frames} frames")
        secs = tsc * self.s_per_tsc
        return {"kpps": frames / secs / 1e3, "gbps": nbytes * 8 / secs / 1e9, "delivered_pct": frames * 100 / n,
                "kicks_per_frame": kicks / frames, "frames_per_batch": frames / batches, "gaps": gaps,
                "secs": secs, "gen_kpps": n / (int(sent.group(2)) / 1e9) / 1e3, "tap_full": int(sent.group(3)),
                "tap_to_vmm": c1["tx_packets"] - c0["tx_packets"], "tap_refused": c1["tx_dropped"] - c0["tx_dropped"]}

    def tso(self, nbytes):
        """A TCP stream of nbytes from the guest, in 60000-byte segments the host cuts, to a sink in the namespace."""
        sink = subprocess.Popen(self.lan.cmd(self.a.tcpsink, NET_HOST_IP, NET_TSO_PORT), stdout=subprocess.PIPE,
                                stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL)
        try:
            if not read_line_within(sink, r"tcpsink listening", 30):
                raise NetFailure("tso: the TCP sink did not start listening")
            line0 = len(self.s.lines)
            net_ctl(self.a, self.lan, f"tso {nbytes}")
            m = self.result(line0, NET_TSO, "tso")
            done = read_line_within(sink, TCPSINK_DONE.pattern, 30)
            if not done or int(done.group(1)) != nbytes:
                raise NetFailure(f"tso: the sink took {done.group(1) if done else 'an unknown number of'} of "
                                 f"{nbytes} bytes")
            sent, segs, tsc, kicks, flight, wscale = (int(x) for x in m.groups())
            secs = tsc * self.s_per_tsc
            return {"gbps": sent * 8 / secs / 1e9, "kicks_per_seg": kicks / segs, "max_flight": flight,
                    "wscale": wscale, "secs": secs}
        finally:
            stop(sink, grace=2)

    def quit(self):
        net_ctl(self.a, self.lan, "quit")
        self.s.wait_exit(10)


class TapPeer:
    """The tap netdev's datapath: the VMM itself moves the frames between the guest and tap0; nothing runs beside it."""

    tso_reason = None       # the TSO figure must come: a guest without HOST_TSO4 fails the run

    def __init__(self, a, v):
        self.lan = Lan(a.net_ns, "tap0")
        self.nic_args = net_nic_args(v)
        self.vmm_prefix = []

    def start(self):
        return None

    def cpu_seconds(self):
        return 0.0

    def stop(self):
        pass

    def failure_context(self):
        return ""


class TestpmdPeer:
    """-netdev vhost-user to DPDK's testpmd, started for this one VMM session and stopped after it."""

    tso_reason = ("testpmd's vhost port offers no HOST_TSO4 (the vhost PMD's tso=0 default); with tso=1 its tap PMD "
                  "dropped the 60000-byte segments, so the TCP/TSO figure is not taken over vhost-user")

    def __init__(self, a, v, tag):
        from testpmd import Testpmd
        sock = os.path.join(a.work, f"{tag}.vu.sock")
        self.lan = Lan(a.vu_ns, "dtap0")
        self.pmd = Testpmd(self.lan, a.vu_testpmd, a.vu_lcores, a.vu_mem_mb, a.vu_mbufs, sock,
                           f"modvm-bench-{os.getpid()}-{tag}", os.path.join(a.work, f"{tag}.testpmd.log"))
        self.nic_args = vhost_user_nic_args(v, sock, 128) + net_device_arg(v)
        # The VMM kept off testpmd's forwarding CPU, if asked: otherwise the scheduler may put the vCPU there.
        self.vmm_prefix = ["taskset", "-c", a.vu_vmm_cpus] if a.vu_vmm_cpus else []
        self.timeout = a.net_timeout

    def start(self):
        return self.pmd.start(self.timeout)

    def cpu_seconds(self):
        return self.pmd.cpu_seconds()

    def stop(self):
        self.pmd.stop()

    def failure_context(self):
        return f"\n--- testpmd (tail) ---\n{self.pmd.log_tail()}"


def vhost_user_nic_args(v, sock, mem_mb):
    """The VMM as vhost-user front-end, connecting to the back-end's socket. QEMU's RAM is anonymous memory unless
    told otherwise, which a back-end cannot map: it gets a shared memfd of the guest's size as its RAM. modvm's RAM is
    a memfd already."""
    args = ["-chardev", f"socket,id=c0,path={sock}", "-netdev", "vhost-user,id=n0,chardev=c0"]
    if v.machine is not None:
        args += ["-object", f"memory-backend-memfd,id=mem,size={mem_mb}M,share=on", "-machine", "memory-backend=mem"]
    return args


NET_READY = rb"BENCH-NET ready .*features=0x([0-9a-f]+)"
F_HOST_TSO4 = 1 << 11


def bench_net(a, vmms, reps, name, make_peer):
    """virtio-net: frames per second and Gbit/s both ways, and a TCP stream with TSO, timed by the guest.
    make_peer(v, tag) gives the datapath of one VMM session (TapPeer, TestpmdPeer): the NIC's arguments, the Lan
    whose tap is measured, and what runs beside the VMM (started before it, stopped after it)."""
    small, large = a.net_small, a.net_large

    def one(v, rep):
        return quiet_retry(v, lambda attempt: one_try(v, rep, attempt), a.net_quiet_cores, a.net_quiet_wait,
                           a.net_tries)

    def one_try(v, rep, attempt):
        tag = f"{name}-{v.key}-{rep}-{attempt}"
        what = f"{v.label} {name} guest"
        peer = make_peer(v, tag)
        try:
            err = peer.start()
            if err:
                return {"error": f"{what}: {err}"}
            cpu0 = peer.cpu_seconds()
            s = Session(peer.lan.cmd(*peer.vmm_prefix) + v.cmd(a.guest_net, extra=DEBUG_EXIT + peer.nic_args),
                        os.path.join(a.work, f"{tag}.log"))
            try:
                ready = s.wait_line(NET_READY, a.timeout)
                if not ready:
                    return session_failure(s, what, "the guest never said it was ready")
                tso = peer.tso_reason is None or int(ready[1].group(1), 16) & F_HOST_TSO4
                g = NetGuest(a, s, peer.lan)
                try:
                    # Untimed first, so that both VMMs are measured in their steady state (modvm's JIT has compiled).
                    g.tx(small, a.net_warm_n)
                    g.rx(small, a.net_warm_n)
                    if tso:
                        g.tso(a.net_warm_tso_mb << 20)
                    out = {}
                    tests = [("tx_small", lambda: g.tx(small, a.net_tx_n)), ("tx_large", lambda: g.tx(large, a.net_tx_n))]
                    tests += [("tso", lambda: g.tso(a.net_tso_mb << 20))] if tso else []
                    tests += [("rx_small", lambda: g.rx(small, a.net_rx_n)), ("rx_large", lambda: g.rx(large, a.net_rx_n))]
                    for tag_, test in tests:
                        out.update({f"{tag_}_{k}": x for k, x in test().items()})
                    if not tso:
                        out["tso_not_taken"] = peer.tso_reason
                    g.quit()
                except (NetFailure, subprocess.SubprocessError) as e:
                    return session_failure(s, what, str(e) + peer.failure_context())
                r = s.close()
                # Others' CPU: the host's busy time less the VMM's and the peer's (testpmd spins on a core).
                peer_cpu = peer.cpu_seconds() - cpu0
                out["peer_cpu_cores"] = peer_cpu / r.wall if r.wall else None
                out["others_cores"] = (max(0.0, r.host_busy - r.vmm_cpu - peer_cpu) / r.wall if r.wall else None)
                return out
            finally:
                s.close()
        finally:
            peer.stop()
    return interleaved(vmms, reps, one)


def bench_net_linux(a, vmms, reps):
    """The host's ping round trip to Linux (its own virtio_net driver, configured by ip=), after it answers."""
    with open(a.linux_cmdline) as f:
        pvm = f.read().strip()
    append = f"console=ttyS0 {pvm} panic=-1 ip={NET_GUEST_IP}::{NET_HOST_IP}:255.255.255.0::eth0:off"

    def ping(s, count, interval=None):
        argv = ["busybox", "ping", "-c", count, "-W", 5] + (["-i", interval] if interval else []) + [NET_GUEST_IP]
        p = subprocess.Popen(in_ns(a, *argv), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                             stdin=subprocess.DEVNULL, text=True)
        while p.poll() is None:         # the guest's console is read meanwhile, so that it never blocks on it
            s.pump(time.monotonic() + 0.2)
        return p.stdout.read()

    def one(v, rep):
        err = wait_for_kernel(a)
        if err:
            return {"error": err}
        log = os.path.join(a.work, f"netlinux-{v.key}-{rep}.log")
        cmd = in_ns(a) + v.cmd(a.linux_bzimage, append=append, mem=256,
                               extra=["-initrd", a.linux_initrd] + net_nic_args(v))
        s = Session(cmd, log)
        what = f"{v.label} Linux ping"
        try:
            booted = s.wait_line(re.escape(LINUX_MARK), a.linux_timeout)
            if not booted:
                return session_failure(s, what, "no 'Run /init'")
            deadline = time.monotonic() + a.net_ping_wait
            while True:
                out = ping(s, 3)
                if "3 packets received" in out:
                    break
                if time.monotonic() > deadline:
                    return session_failure(s, what, f"not answering pings {a.net_ping_wait:g} s after boot: {out}")
            answered = s.now()
            out = ping(s, a.net_ping_count, a.net_ping_interval)
            rtt, got = PING_RTT.search(out), PING_RECEIVED.search(out)
            if not rtt or not got:
                return session_failure(s, what, f"ping said: {out}")
            return {"ping_avg_ms": float(rtt.group(2)), "ping_min_ms": float(rtt.group(1)),
                    "ping_max_ms": float(rtt.group(3)), "ping_received": int(got.group(1)),
                    "run_init_s": booted[0], "answered_s": answered}
        finally:
            s.close()
    return interleaved(vmms, reps, one), append


def net_rows(a, bench, prefix, qemus, tso_missing=None):
    """The net figures' rows for the runs in data["runs"][bench]; tso_missing: what the TSO row's cells say when no run
    took that figure (the table's note says why), else they say FAILED."""
    sm, lg = a.net_small, a.net_large
    missing = (tso_missing,) if tso_missing else ()
    tso = (bench, f"{prefix}: tx TCP, 60000 B TSO segments", "Gb/s", "tso_gbps", True, qemus) + missing
    kicks_tso = (bench, "  (kicks per TSO segment)", "", "tso_kicks_per_seg", False, qemus) + missing
    return [(bench, f"{prefix}: tx {sm} B frames", "kpps", "tx_small_kpps", True, qemus),
            (bench, f"{prefix}: tx {lg} B frames", "Gb/s", "tx_large_gbps", True, qemus),
            tso,
            (bench, f"{prefix}: rx {sm} B frames", "kpps", "rx_small_kpps", True, qemus),
            (bench, f"{prefix}: rx {lg} B frames", "Gb/s", "rx_large_gbps", True, qemus),
            (bench, f"  (tx {lg} B frames)", "kpps", "tx_large_kpps", False, qemus),
            (bench, f"  (rx {lg} B frames)", "kpps", "rx_large_kpps", False, qemus),
            (bench, f"  (tx {sm} B: frames the tap took)", "%", "tx_small_taken_pct", False, qemus),
            (bench, f"  (rx {sm} B: frames the guest got)", "%", "rx_small_delivered_pct", False, qemus),
            (bench, f"  (rx {lg} B: frames the guest got)", "%", "rx_large_delivered_pct", False, qemus),
            (bench, f"  (kicks per frame, tx {sm} B)", "", "tx_small_kicks_per_frame", False, qemus),
            (bench, f"  (kicks per frame, rx {sm} B)", "", "rx_small_kicks_per_frame", False, qemus),
            kicks_tso,
            (bench, "  (others' CPU on the host meanwhile)", "core", "others_cores", False, qemus)]


# ---------------------------------------------------------------------------------------------
# Table


def summary(results, field, quiet_below=None):
    """Median, min and max of field over the runs that did not fail. With quiet_below, only the runs during
    which other processes used fewer cores than that count, if there are any ("disturbed" says how many were
    left out; if every run was disturbed, all count and "all_disturbed" says so)."""
    ok = [r for r in results if "error" not in r and r.get(field) is not None]
    if not ok:
        return None
    disturbed, all_disturbed = 0, False
    if quiet_below is not None:
        quiet = [r for r in ok if r.get("others_cores") is not None and r["others_cores"] < quiet_below]
        if quiet:
            disturbed = len(ok) - len(quiet)
            ok = quiet
        else:
            all_disturbed = True
    vals = [r[field] for r in ok]
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals),
            "failed": len(results) - len(ok) - disturbed, "disturbed": disturbed, "all_disturbed": all_disturbed}


def cell(s, missing="FAILED"):
    if s is None:
        return missing
    txt = fmt_num(s["median"])
    if s["n"] > 1:
        txt += f" [{fmt_num(s['min'])}-{fmt_num(s['max'])}]"
    if s["failed"]:
        txt += f" ({s['failed']} failed)"
    if s.get("disturbed"):
        txt += f" ({s['disturbed']} busy)"
    if s.get("all_disturbed"):
        txt += " (all busy)"
    return txt


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--modvm", required=True)
    p.add_argument("--qemu", required=True)
    p.add_argument("--qemu-cpu", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--only", required=True,
                   help="comma-separated benchmarks: launch,pio,mem,blk,hotplug,net,net-vhost-user,migrate,linux,"
                        "diskboot")
    p.add_argument("--guest-launch", required=True)
    p.add_argument("--guest-pio", required=True)
    p.add_argument("--guest-mem", required=True)
    p.add_argument("--guest-blk", required=True)
    p.add_argument("--tsc-khz", type=int, required=True)
    p.add_argument("--reps", type=int, required=True)
    p.add_argument("--timeout", type=float, required=True, help="per tiny-guest run, seconds")
    p.add_argument("--pio-n0", type=int, required=True)
    p.add_argument("--pio-n3", type=int, required=True)
    p.add_argument("--mem-guest-mb", type=int, required=True)
    p.add_argument("--mem-touch-mb", type=int, required=True)
    p.add_argument("--mem-settle", type=float, required=True)
    p.add_argument("--blk-image", required=True, help="raw image to create (in the scratch folder)")
    p.add_argument("--blk-image-mb", type=int, required=True)
    p.add_argument("--blk-cache", required=True, help="cache= on both VMMs")
    p.add_argument("--blk-qemu-aio", required=True)
    p.add_argument("--blk-seq-mb", type=int, required=True)
    p.add_argument("--blk-seq-kb", type=int, required=True)
    p.add_argument("--blk-rand-n", type=int, required=True)
    p.add_argument("--blk-qd", type=int, required=True)
    p.add_argument("--blk-seed", type=int, required=True)
    p.add_argument("--blk-warm-mb", type=int, required=True)
    p.add_argument("--blk-warm-n", type=int, required=True)
    p.add_argument("--blk-timeout", type=float, required=True)
    p.add_argument("--blk-quiet-cores", type=float, required=True)
    p.add_argument("--blk-qemu-iothread", type=int, choices=(0, 1), required=True,
                   help="also run QEMU with the virtio-blk device on an iothread")
    p.add_argument("--blk-quiet-wait", type=float, required=True)
    p.add_argument("--blk-tries", type=int, required=True)
    p.add_argument("--guest-hotplug", required=True)
    p.add_argument("--guest-hpswap", required=True)
    p.add_argument("--hp-count", type=int, required=True, help="devices added one after the other per run")
    p.add_argument("--hp-settle", type=float, required=True, help="seconds between the guest's readiness and device_add")
    p.add_argument("--hp-timeout", type=float, required=True)
    p.add_argument("--hp-quiet-cores", type=float, required=True)
    p.add_argument("--hp-quiet-wait", type=float, required=True)
    p.add_argument("--hp-tries", type=int, required=True)
    p.add_argument("--swap-windows", type=int, required=True)
    p.add_argument("--swap-window-ms", type=int, required=True)
    p.add_argument("--swap-after", type=int, required=True, help="windows before the bundle is updated")
    p.add_argument("--swap-len", type=int, required=True, help="bytes per rng request")
    p.add_argument("--swap-span-s", type=float, required=True,
                   help="seconds from the jar's replacement that count as the update's windows")
    p.add_argument("--net-ns", required=True, help="the network namespace with the tap (empty: the net benchmark cannot run)")
    p.add_argument("--net-error", default="", help="why there is no namespace")
    p.add_argument("--guest-net", required=True)
    p.add_argument("--netgen", required=True, help="the frame generator (lib/netgen.c), built")
    p.add_argument("--tcpsink", required=True, help="the TCP sink (lib/tcpsink.c), built")
    p.add_argument("--net-small", type=int, required=True, help="bytes of the small frames")
    p.add_argument("--net-large", type=int, required=True, help="bytes of the large frames")
    p.add_argument("--net-tx-n", type=int, required=True)
    p.add_argument("--net-rx-n", type=int, required=True)
    p.add_argument("--net-tso-mb", type=int, required=True)
    p.add_argument("--net-warm-n", type=int, required=True)
    p.add_argument("--net-warm-tso-mb", type=int, required=True)
    p.add_argument("--net-timeout", type=float, required=True, help="seconds for each net test's result")
    p.add_argument("--net-quiet-cores", type=float, required=True)
    p.add_argument("--net-quiet-wait", type=float, required=True)
    p.add_argument("--net-tries", type=int, required=True)
    p.add_argument("--net-linux", type=int, choices=(0, 1), required=True, help="also the ping round trip to Linux")
    p.add_argument("--net-ping-count", type=int, required=True)
    p.add_argument("--net-ping-interval", required=True)
    p.add_argument("--net-ping-wait", type=float, required=True, help="seconds for Linux to answer pings once booted")
    p.add_argument("--vu-ns", required=True,
                   help="the network namespace of the vhost-user figures (empty: they cannot run)")
    p.add_argument("--vu-error", default="", help="why there is no namespace for them")
    p.add_argument("--vu-testpmd", required=True, help="DPDK's testpmd")
    p.add_argument("--vu-lcores", required=True, help="testpmd's -l: main lcore, then the forwarding one")
    p.add_argument("--vu-mem-mb", type=int, required=True, help="testpmd's -m (no hugepages)")
    p.add_argument("--vu-vmm-cpus", default="", help="taskset -c for the VMM (empty: not pinned)")
    p.add_argument("--vu-mbufs", type=int, required=True, help="testpmd's --total-num-mbufs")
    p.add_argument("--guest-migrate", required=True)
    p.add_argument("--qemu-img", required=True)
    p.add_argument("--mig-reps", type=int, required=True)
    p.add_argument("--mig-sizes", type=lambda x: [int(n) for n in x.split(",")], required=True,
                   help="guest RAM sizes in MiB, comma-separated: each migrated idle and dirtying")
    p.add_argument("--mig-unfilled-mb", type=int, required=True, help="also this size with RAM never filled (0: not)")
    p.add_argument("--mig-wss-mb", type=int, required=True, help="the working set the dirtying guest rewrites")
    p.add_argument("--mig-rate", type=int, required=True, help="MiB/s the dirtying guest rewrites")
    p.add_argument("--mig-tick-ms", type=int, required=True, help="the guest's step: a line, and its share of writes")
    p.add_argument("--mig-settle", type=float, required=True, help="seconds the guest runs before migrate/savevm/loadvm")
    p.add_argument("--mig-after", type=float, required=True, help="seconds the destination is watched afterwards")
    p.add_argument("--mig-poll", type=float, required=True, help="seconds between two query-migrate")
    p.add_argument("--mig-timeout", type=float, required=True)
    p.add_argument("--mig-snap-mb", type=int, required=True, help="guest RAM of the savevm/loadvm figures")
    p.add_argument("--mig-snap-disk-mb", type=int, required=True, help="size of the qcow2 image they use")
    p.add_argument("--mig-local-mb", type=int, required=True, help="guest RAM of the local live update")
    p.add_argument("--mig-quiet-cores", type=float, required=True)
    p.add_argument("--mig-quiet-wait", type=float, required=True)
    p.add_argument("--mig-tries", type=int, required=True)
    p.add_argument("--linux-reps", type=int, required=True)
    p.add_argument("--linux-bzimage", required=True)
    p.add_argument("--linux-initrd", required=True)
    p.add_argument("--linux-cmdline", required=True)
    p.add_argument("--linux-timeout", type=float, required=True)
    p.add_argument("--linux-wait", type=float, required=True)
    p.add_argument("--linux-poll", type=float, required=True)
    p.add_argument("--assemblies", default="",
                   help="other modvm assemblies for the launch and mem rows: NAME=LAUNCHER,... (empty: none)")
    p.add_argument("--json")
    p.add_argument("--host", required=True, help="JSON object describing the host, from bench/run")
    a = p.parse_args()
    # SIGTERM (someone ending the run) unwinds like an exception, so launch() stops the VMM it started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    only = set(a.only.split(","))
    unknown = only - {"launch", "pio", "mem", "blk", "hotplug", "net", "net-vhost-user", "migrate", "linux",
                      "diskboot"}
    if unknown:
        p.error(f"unknown benchmarks in --only: {sorted(unknown)}")

    modvm, microvm, pc = make_vmms(a)
    vmms = [modvm, microvm, pc]
    data = {"host": json.loads(a.host), "settings": {k: v for k, v in vars(a).items() if k not in ("host",)},
            "runs": {}, "loadavg": {}}

    def load(tag):
        data["loadavg"][tag] = open("/proc/loadavg").read().split()[:3]

    # rows: (benchmark, metric label, unit, result field[, show a ratio (default True)[, QEMU machines]])
    rows = []
    notes = []
    load("start")
    if "launch" in only:
        sys.stderr.write(f"launch to first output ({a.reps} reps each)\n")
        data["runs"]["launch"] = bench_launch(a, vmms, a.reps)
        rows += [("launch", "launch: first byte on stdout", "ms", "first_byte_ms"),
                 ("launch", "launch: first guest output", "ms", "guest_output_ms"),
                 ("launch", "launch: process exit", "ms", "exit_ms")]
        for v in assemblies(a):
            sys.stderr.write(f"launch to first output, {v.label} ({a.reps} reps)\n")
            data["runs"][f"launch-{v.key}"] = bench_launch_assembly(a, v, a.reps)
            rows.append((f"launch-{v.key}", f"launch: first guest output, {v.label}", "ms", "guest_output_ms",
                         False, ()))
        load("after_launch")
    if "diskboot" in only:
        # A firmware and a boot sector: microvm has neither a PC BIOS nor a PCI bus, so only -M pc runs it.
        sys.stderr.write(f"SeaBIOS to a virtio-blk boot sector ({a.reps} reps each; QEMU -M pc only)\n")
        data["runs"]["diskboot"] = bench_diskboot(a, [modvm, pc], a.reps)
        data["runs"]["diskboot"][microvm.key] = []
        rows.append(("diskboot", "diskboot: SeaBIOS to boot sector", "ms", "boot_sector_ms", True, [pc]))
        notes.append("diskboot: the system's SeaBIOS (bios-256k.bin) on both, from reset to the boot sector's line on "
                     "COM1 (-drive if=virtio, raw); the goal is modvm no slower than QEMU pc (ratio <= 1.0)")
        load("after_diskboot")
    if "pio" in only:
        sys.stderr.write(f"port I/O exit ({a.reps} reps each)\n")
        data["runs"]["pio"] = bench_pio(a, vmms, a.reps)
        rows += [("pio", "PIO exit, OUT from CPL0", "ns", "cpl0_ns"),
                 ("pio", "  (CPL0 loop overhead, subtracted)", "ns", "cpl0_loop_ns", False),
                 ("pio", "PIO OUT from CPL3 (kit #GP emul.)", "ns", "cpl3_ns")]
        load("after_pio")
    if "mem" in only:
        sys.stderr.write(f"memory overhead ({a.reps} reps each)\n")
        data["runs"]["mem"] = bench_mem(a, vmms, a.reps)
        rows += [("mem", f"VmRSS, guest touched {a.mem_touch_mb} MiB", "MiB", "rss_mib"),
                 ("mem", "VMM overhead = VmRSS - touched", "MiB", "overhead_mib")]
        for v in assemblies(a):
            sys.stderr.write(f"memory overhead, {v.label} ({a.reps} reps)\n")
            data["runs"][f"mem-{v.key}"] = bench_mem_assembly(a, v, a.reps)
            rows.append((f"mem-{v.key}", f"VMM overhead, {v.label}", "MiB", "overhead_mib", False, ()))
        load("after_mem")
    if "blk" in only:
        # The kit's virtio driver is virtio-pci only: QEMU microvm has no PCI bus (its pcie=on host bridge is
        # ECAM-only, which the kit's port-0xCF8 configuration access cannot reach), so only -M pc runs it.
        sys.stderr.write(f"virtio-blk ({a.reps} reps each; QEMU -M pc{' with and without an iothread' if a.blk_qemu_iothread else ''}, "
                         f"no microvm: it has no PCI bus)\n")
        t0 = time.monotonic()
        make_blk_image(a.blk_image, a.blk_image_mb)
        sys.stderr.write(f"  image {a.blk_image}: {a.blk_image_mb} MiB raw, filled with random bytes and fsynced "
                         f"in {time.monotonic() - t0:.1f} s; read through again before each run, so the host page cache is warm "
                         f"for every VMM (never dropped)\n")
        load("before_blk")
        pc_io = Vmm("qemu-pc-iothread", "QEMU -M pc, iothread", pc.argv_prefix, "pc, iothread")
        blk_qemus = [pc, pc_io] if a.blk_qemu_iothread else [pc]
        data["runs"]["blk"], data["blk_append"] = bench_blk(a, [modvm] + blk_qemus, a.reps)
        data["runs"]["blk"][microvm.key] = []
        qd = a.blk_qd
        for test, what, unit, fld in (("seqread", f"seq read {a.blk_seq_kb} KiB", "MB/s", "mbps"),
                                      ("seqwrite", f"seq write {a.blk_seq_kb} KiB", "MB/s", "mbps"),
                                      ("randread", "rand read 4 KiB", "IOPS", "iops"),
                                      ("randwrite", "rand write 4 KiB", "IOPS", "iops")):
            for d in sorted({1, qd}):
                rows.append(("blk", f"blk: {what} QD{d}", unit, f"{test}_qd{d}_{fld}", True, blk_qemus))
        for d in sorted({1, qd}):
            rows.append(("blk", f"  (FLUSH after seq write QD{d})", "ms", f"flush_seqwrite_qd{d}_ms", False, blk_qemus))
        rows.append(("blk", "  (image in host page cache at start)", "%", "image_cached_pct", False, blk_qemus))
        rows.append(("blk", "  (others' CPU on the host meanwhile)", "core", "others_cores", False, blk_qemus))
        rows.append(("blk", f"  (kicks per request, rand read QD{qd})", "", f"randread_qd{qd}_kicks_per_req",
                     False, blk_qemus))
        notes.append(f"blk: cells count only the runs during which other processes used < {a.blk_quiet_cores} "
                     "cores on average, if any: '(N busy)' = N runs left out, '(all busy)' = none was quiet, all count")
        notes.append("blk: rates (MB/s, IOPS), so there a ratio below 1 means modvm is slower. No microvm rows: "
                     "it has no PCI bus, and the guest's virtio driver is virtio-pci only. "
                     f"cache={a.blk_cache} on both, QEMU aio={a.blk_qemu_aio}; 'pc, iothread' = QEMU with "
                     "-object iothread and the device on it; MB = 10^6 bytes")
        load("after_blk")
    if "hotplug" in only:
        sys.stderr.write(f"device_add to usable ({a.reps} reps each; QEMU -M pc only: microvm has no PCI bus)\n")
        load("before_hotplug")
        data["runs"]["hotplug"], data["hotplug_append"] = bench_hotplug(a, [modvm, pc], a.reps)
        data["runs"]["hotplug"][microvm.key] = []
        for k in range(1, a.hp_count + 1):
            tag, nth = ("", "1st") if k == 1 else (f"_{k}", {2: "2nd", 3: "3rd"}.get(k, f"{k}th"))
            rows.append(("hotplug", f"device_add to usable ({nth} device)", "ms", f"usable_ms{tag}", True, [pc]))
            rows.append(("hotplug", f"  device_add returned ({nth})", "ms", f"qmp_return_ms{tag}", True, [pc]))
            rows.append(("hotplug", f"  (guest: seen to request done, {nth})", "ms", f"bringup_ms{tag}", False, [pc]))
        rows.append(("hotplug", "  (guest: one poll of the empty slots)", "ms", "scan_ms", False, [pc]))
        rows.append(("hotplug", "  (others' CPU on the host meanwhile)", "core", "others_cores", False, [pc]))
        load("after_hotplug")
        sys.stderr.write(f"virtio-rng bundle hot-swap ({a.reps} reps each of modvm with and without the update; "
                         f"QEMU has no equivalent)\n")
        data["runs"]["hotswap"], data["hotswap_append"], _, noswap = bench_hotswap(a, a.reps)
        rows.append(("hotswap", "hot-swap: longest gap, update windows", "ms", "swap_gap_ms", False, [noswap]))
        rows.append(("hotswap", "  longest gap, whole run", "ms", "max_gap_ms", False, [noswap]))
        rows.append(("hotswap", "  (longest gap outside update windows)", "ms", "other_gap_ms", False, [noswap]))
        rows.append(("hotswap", "  (time per rng request, before them)", "us", "req_us", False, [noswap]))
        rows.append(("hotswap", "  (others' CPU on the host meanwhile)", "core", "others_cores", False, [noswap]))
        notes.append(f"hotplug: cells count only the runs during which other processes used < {a.hp_quiet_cores} cores "
                     "on average, if any ('(N busy)' as for blk). 'usable' = QMP device_add sent to the guest's marker "
                     "line after its first rng request completed; the guest polls PCI config space (no ACPI), "
                     "QEMU gets disable-legacy=on")
        notes.append("hot-swap: left column = modvm while the virtio-rng bundle's jar is replaced in deploy/, right "
                     "column = modvm, same guest, no update; QEMU has no equivalent of a device implementation "
                     f"update under a running guest. 'update windows' = the {a.swap_span_s:g} s of guest windows from "
                     "the jar's replacement (the same windows in a run without)")
        load("after_hotswap")
    if "net" in only:
        if not a.net_ns:
            data["runs"]["net_error"] = a.net_error
            sys.stderr.write(f"virtio-net benchmark skipped: {a.net_error}\n")
        else:
            sys.stderr.write(f"virtio-net over a tap in network namespace {a.net_ns} ({a.reps} reps each; QEMU -M pc "
                             f"only: microvm has no PCI bus)\n")
            load("before_net")
            data["runs"]["net"] = bench_net(a, [modvm, pc], a.reps, "net", lambda v, tag: TapPeer(a, v))
            data["runs"]["net"][microvm.key] = []
            rows += net_rows(a, "net", "net", [pc])
            notes.append(f"net: rates (kpps, Gb/s), so a ratio below 1 means modvm is slower. Cells count only the runs "
                         f"during which other processes used < {a.net_quiet_cores} cores on average, if any ('(N busy)' "
                         "as for blk). Frame sizes without FCS or vnet header; tx counts what the tap took, rx what the "
                         "guest got, TSO the TCP payload the sink got; both VMMs on a tap with vhost=off (userspace "
                         "datapath) and vnet_hdr=on, QEMU -device virtio-net-pci,disable-legacy=on; Gb = 10^9 bits")
            load("after_net")
            if a.net_linux:
                sys.stderr.write(f"Linux ping round trip ({a.linux_reps} rep each, one guest at a time)\n")
                err = wait_for_kernel(a)
                if err:
                    data["runs"]["netlinux_error"] = err
                    sys.stderr.write(f"  Linux ping skipped: {err}\n")
                else:
                    data["runs"]["netlinux"], data["netlinux_append"] = bench_net_linux(a, [modvm, pc], a.linux_reps)
                    data["runs"]["netlinux"][microvm.key] = []
                    rows += [("netlinux", f"net: Linux, host ping RTT (avg of {a.net_ping_count})", "ms",
                              "ping_avg_ms", True, [pc])]
                    load("after_netlinux")
    if "net-vhost-user" in only:
        if not a.vu_ns:
            data["runs"]["netvu_error"] = a.vu_error
            sys.stderr.write(f"virtio-net over vhost-user skipped: {a.vu_error}\n")
        else:
            sys.stderr.write(f"virtio-net over vhost-user to testpmd in network namespace {a.vu_ns} ({a.reps} reps each; "
                             f"QEMU -M pc only; a testpmd per VMM session, lcores {a.vu_lcores})\n")
            load("before_netvu")
            vu_pc = Vmm(pc.key, pc.label, pc.argv_prefix, "pc; vhost-user, testpmd")
            data["runs"]["netvu"] = bench_net(a, [modvm, vu_pc], a.reps, "netvu",
                                              lambda v, tag: TestpmdPeer(a, v, tag))
            data["runs"]["netvu"][microvm.key] = []
            rows += net_rows(a, "netvu", "net vhost-user", [vu_pc], "not taken")
            rows.append(("netvu", "  (testpmd's CPU meanwhile)", "core", "peer_cpu_cores", False, [vu_pc]))
            notes.append(f"net vhost-user: the same guest and figures, the NIC on -netdev vhost-user to DPDK's testpmd "
                         f"(started for each VMM session, -l {a.vu_lcores}: its forwarding lcore busy-polls CPU "
                         f"{a.vu_lcores.split(',')[-1]}, one of this host's {os.cpu_count()}), which forwards (io mode) "
                         "between the vhost port and its tap dtap0: tx counts what dtap0 took from testpmd, rx what "
                         "reached the guest of what the generator sent on dtap0 (frames testpmd could not put in "
                         "the guest's full receive ring are dropped there, not resent: see 'frames the guest got'). "
                         "QEMU's RAM: memory-backend-memfd,share=on; modvm's is a memfd. 'others' CPU' leaves out "
                         "testpmd's, shown apart")
            tso_missing = sorted({r["tso_not_taken"] for rs in data["runs"]["netvu"].values() for r in rs
                                  if "tso_not_taken" in r})
            for why in tso_missing:
                notes.append(f"net vhost-user: no TCP/TSO figure: {why}")
            load("after_netvu")
    if "migrate" in only:
        cases = mig_cases(a)
        sys.stderr.write(f"migration ({a.mig_reps} reps each; modvm to modvm and QEMU -M pc to QEMU -M pc: "
                         f"{', '.join(c.label for c in cases)} over tcp on 127.0.0.1; savevm/loadvm; local live update)\n")
        load("before_migrate")
        mig_pc = Vmm(pc.key, pc.label, pc.argv_prefix, "pc")
        runs = bench_migrate(a, modvm, mig_pc, a.mig_reps)
        for bench, by_vmm in runs.items():
            by_vmm[microvm.key] = []
            data["runs"][bench] = by_vmm
        rows += mig_rows(a, cases, [mig_pc])
        for v in (modvm, mig_pc):
            seen = {(r.get("max_bandwidth"), r.get("downtime_limit")) for b in runs for r in runs[b][v.key]
                    if r.get("max_bandwidth") is not None}
            notes.append(f"migrate: {v.label}'s migration parameters, as its sources' query-migrate-parameters gave them "
                         "(left at their defaults): " + "; ".join(
                             f"max-bandwidth {bw / (1 << 20):g} MiB/s, downtime-limit {dl} ms" for bw, dl in sorted(seen)))
        notes.append(f"migrate: guests fill all their RAM (but 'never filled'), then idle or rewrite {a.mig_wss_mb} MiB "
                     f"at {a.mig_rate} MiB/s, a line every {a.mig_tick_ms} ms; tcp:127.0.0.1 between two processes of "
                     "the same VMM started alike (the destination with -incoming); total time, downtime and sent "
                     "(ram transferred, MB = 10^6 bytes) from the source's query-migrate once completed; the guest's "
                     "gap = its last line at the source to its first at the destination (harness clock). QEMU -M pc, "
                     "the same -cpu; cells count only the runs with others using < "
                     f"{a.mig_quiet_cores} cores, if any ('(N busy)')")
        notes.append(f"savevm/loadvm: HMP through human-monitor-command, the guest running ({a.mig_snap_mb} MiB filled, "
                     f"idle) with a fresh {a.mig_snap_disk_mb} MiB qcow2 image as virtio-blk (QEMU disable-legacy=on); "
                     "loadvm in the same process, a second after savevm")
        notes.append(f"local live update: QEMU = -object memory-backend-file,share=on in /dev/shm, x-ignore-shared on "
                     "both sides, over unix:; modvm = the same capability asked for (see bench/README.md, j)")
        why = sorted({r["unavailable"] for r in runs["local"][modvm.key] if "unavailable" in r})
        for w in why:
            notes.append(f"local live update: not available in this modvm: {w}")
        load("after_migrate")
    if "linux" in only:
        sys.stderr.write(f"Linux boot to 'Run /init' ({a.linux_reps} rep each, one guest at a time)\n")
        err = wait_for_kernel(a)
        if err:
            data["runs"]["linux_error"] = err
            sys.stderr.write(f"  Linux benchmark skipped: {err}\n")
        else:
            load("before_linux")
            data["runs"]["linux"], data["linux_append"] = bench_linux(a, vmms, a.linux_reps)
            rows += [("linux", "Linux: launch to 'Run /init'", "s", "run_init_s")]
            load("after_linux")

    # Summaries and the table. Ratio = modvm / QEMU: for times and sizes, above 1 means modvm is slower or bigger.
    data["summary"] = {}
    lines = []
    w = 31 if {"blk", "hotplug", "hotswap", "net", "netvu", "snapshot"} & set(data["runs"]) else 22     # blk cells may say how many busy runs were left out
    lw = max([38] + [len(r[1]) for r in rows])      # the label column: as wide as the longest label
    hdr = f"{'metric':<{lw}} {'unit':<4} {'modvm':>{w}} {'QEMU':>{w}} {'modvm/QEMU':>10}  QEMU machine"
    lines.append(hdr)
    lines.append("-" * len(hdr))
    for bench, label, unit, field, *opt in rows:
        with_ratio = opt[0] if opt else True   # informational rows (e.g. subtracted overhead) get none
        qemus = opt[1] if len(opt) > 1 else (microvm, pc)
        missing = opt[2] if len(opt) > 2 else "FAILED"    # what a cell says when no run gave the figure
        runs = data["runs"][bench]
        # blk: the runs during which other processes took the second core measure the host, not the VMM.
        quiet = None
        if field != "others_cores":
            quiet = {"blk": a.blk_quiet_cores, "hotplug": a.hp_quiet_cores, "hotswap": a.hp_quiet_cores,
                     "net": a.net_quiet_cores, "netvu": a.net_quiet_cores, "snapshot": a.mig_quiet_cores,
                     "local": a.mig_quiet_cores}.get(bench, a.mig_quiet_cores if bench.startswith("mig-") else None)
        sm = summary(runs["modvm"], field, quiet)
        if not qemus:
            # a modvm-only row (another assembly beside full): no QEMU figure to compare with
            data["summary"].setdefault(bench, {}).setdefault(field, {})["modvm"] = sm
            lines.append(f"{label:<{lw}} {unit:<4} {cell(sm, missing):>{w}} {'-':>{w}} {'-':>10}  -")
        for q in qemus:
            sq = summary(runs[q.key], field, quiet)
            ratio = sm["median"] / sq["median"] if with_ratio and sm and sq and sq["median"] else None
            data["summary"].setdefault(bench, {}).setdefault(field, {})["modvm"] = sm
            data["summary"][bench][field][q.key] = sq
            data["summary"][bench][field][f"ratio_modvm_{q.key}"] = ratio
            primary = " (primary)" if q is microvm else ""
            lines.append(f"{label:<{lw}} {unit:<4} {cell(sm, missing):>{w}} {cell(sq, missing):>{w}} "
                         f"{(f'{ratio:.2f}' if ratio is not None else '-'):>10}  {q.machine}{primary}")
    table = "\n".join(lines)
    print(table)
    print("cells: median [min-max] over the repetitions; ratio of medians; 'primary' = the fairer match "
          "(microvm: no firmware, direct kernel boot, like modvm)")
    for n in notes:
        print(n)
    print("loadavg (1/5/15 min) " + "; ".join(f"{k}: {' '.join(v)}" for k, v in data["loadavg"].items()))

    # Guest-side TSC calibration as a cross-check of the host TSC rate used for the ns figures.
    for v in vmms:
        ks = [r["guest_tsc_khz"] for r in data["runs"].get("pio", {}).get(v.key, []) if "guest_tsc_khz" in r]
        off = [k for k in ks if abs(k - a.tsc_khz) > a.tsc_khz * 0.05]
        if off:
            print(f"note: {v.label}: the guest's own PIT calibration (kit tsc_per_ms) gave {off} kHz in "
                  f"{len(off)} of {len(ks)} runs, more than 5% off the host TSC rate {a.tsc_khz} kHz; "
                  f"the ns figures use the host rate")

    # Failures are part of the result: print what the VMM said.
    for bench, runs in data["runs"].items():
        if not isinstance(runs, dict):
            continue
        for key, results in runs.items():
            for i, r in enumerate(results):
                if "error" in r:
                    print(f"\n=== FAILED: {bench} {key} rep {i + 1} ===\n{r['error']}")
    if "linux_error" in data["runs"]:
        print(f"\nLinux benchmark not run: {data['runs']['linux_error']}")
    if "net_error" in data["runs"]:
        print(f"\nvirtio-net benchmark not run: {data['runs']['net_error']}")
    if "netvu_error" in data["runs"]:
        print(f"\nvirtio-net over vhost-user not run: {data['runs']['netvu_error']}")
    if "netlinux_error" in data["runs"]:
        print(f"\nLinux ping not run: {data['runs']['netlinux_error']}")

    data["table"] = table
    if a.json:
        with open(a.json, "w") as f:
            json.dump(data, f, indent=2)
        print(f"JSON written to {a.json}")


if __name__ == "__main__":
    main()
