#!/usr/bin/env python3
"""modvm against QEMU, side by side: runs the benchmarks, prints one table, optionally writes JSON.

Called by bench/run, which installs QEMU, builds the guests and the TSC helper, and passes every path
and setting explicitly (this script has no defaults of its own for them). See bench/README.md.

Every measurement launches a fresh VMM process. Repetitions are interleaved (modvm, QEMU microvm,
QEMU pc, then the same again, with the order rotated each round) so that a change in host load hits
every VMM alike instead of one of them. virtio-blk runs against QEMU pc (with and without an iothread)
only, since microvm has no PCI bus, and waits for a quiet host before each run. Each figure is the median of its repetitions; the spread is
the minimum and maximum. Nothing here asserts: a run that fails is reported as failed, with what the
VMM printed.
"""
import argparse
import json
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


def bench_mem(a, vmms, reps):
    """VmRSS of the VMM while the guest idles after touching a known amount of RAM."""
    append = f"touch_mb={a.mem_touch_mb}"

    def one(v, rep):
        log = os.path.join(a.work, f"mem-{v.key}-{rep}.log")
        r = launch(v.cmd(a.guest_mem, append=append, mem=a.mem_guest_mb, extra=DEBUG_EXIT), [MEM_MARK],
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


def cell(s):
    if s is None:
        return "FAILED"
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
    p.add_argument("--only", required=True, help="comma-separated benchmarks: launch,pio,mem,blk,linux")
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
    p.add_argument("--linux-reps", type=int, required=True)
    p.add_argument("--linux-bzimage", required=True)
    p.add_argument("--linux-initrd", required=True)
    p.add_argument("--linux-cmdline", required=True)
    p.add_argument("--linux-timeout", type=float, required=True)
    p.add_argument("--linux-wait", type=float, required=True)
    p.add_argument("--linux-poll", type=float, required=True)
    p.add_argument("--json")
    p.add_argument("--host", required=True, help="JSON object describing the host, from bench/run")
    a = p.parse_args()
    # SIGTERM (someone ending the run) unwinds like an exception, so launch() stops the VMM it started.
    signal.signal(signal.SIGTERM, lambda signum, frame: sys.exit(128 + signum))
    only = set(a.only.split(","))
    unknown = only - {"launch", "pio", "mem", "blk", "linux"}
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
        load("after_launch")
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
    w = 31 if "blk" in data["runs"] else 22     # blk cells may say how many busy runs were left out
    hdr = f"{'metric':<38} {'unit':<4} {'modvm':>{w}} {'QEMU':>{w}} {'modvm/QEMU':>10}  QEMU machine"
    lines.append(hdr)
    lines.append("-" * len(hdr))
    for bench, label, unit, field, *opt in rows:
        with_ratio = opt[0] if opt else True   # informational rows (e.g. subtracted overhead) get none
        qemus = opt[1] if len(opt) > 1 else (microvm, pc)
        runs = data["runs"][bench]
        # blk: the runs during which other processes took the second core measure the host, not the VMM.
        quiet = a.blk_quiet_cores if bench == "blk" and field != "others_cores" else None
        sm = summary(runs["modvm"], field, quiet)
        for q in qemus:
            sq = summary(runs[q.key], field, quiet)
            ratio = sm["median"] / sq["median"] if with_ratio and sm and sq and sq["median"] else None
            data["summary"].setdefault(bench, {}).setdefault(field, {})["modvm"] = sm
            data["summary"][bench][field][q.key] = sq
            data["summary"][bench][field][f"ratio_modvm_{q.key}"] = ratio
            primary = " (primary)" if q is microvm else ""
            lines.append(f"{label:<38} {unit:<4} {cell(sm):>{w}} {cell(sq):>{w}} "
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

    data["table"] = table
    if a.json:
        with open(a.json, "w") as f:
            json.dump(data, f, indent=2)
        print(f"JSON written to {a.json}")


if __name__ == "__main__":
    main()
