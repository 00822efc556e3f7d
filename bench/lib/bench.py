#!/usr/bin/env python3
"""modvm against QEMU, side by side: runs the benchmarks, prints one table, optionally writes JSON.

Called by bench/run, which installs QEMU, builds the guests and the TSC helper, and passes every path
and setting explicitly (this script has no defaults of its own for them). See bench/README.md.

Every measurement launches a fresh VMM process. Repetitions are interleaved (modvm, QEMU microvm,
QEMU pc, then the same again, with the order rotated each round) so that a change in host load hits
every VMM alike instead of one of them. Each figure is the median of its repetitions; the spread is
the minimum and maximum. Nothing here asserts: a run that fails is reported as failed, with what the
VMM printed.
"""
import argparse
import json
import os
import re
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
        t0 = time.monotonic()
        proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=errf,
                                env=env)
        fd = proc.stdout.fileno()
        buf = bytearray()
        deadline = t0 + timeout
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
        if eof:
            proc.wait()
            r.exit_time = time.monotonic() - t0
        else:
            stop(proc, grace=5)
        r.status = proc.returncode
        proc.stdout.close()
    r.stdout = bytes(buf)
    if log_path:
        with open(stderr_path, "rb") as f:
            r.stderr = f.read()
    return r


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
        return ", ".join(f"{k}={fmt_num(v)}" for k, v in res.items() if isinstance(v, (int, float)))
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


def summary(results, field):
    vals = [r[field] for r in results if "error" not in r and r.get(field) is not None]
    if not vals:
        return None
    return {"median": statistics.median(vals), "min": min(vals), "max": max(vals), "n": len(vals),
            "failed": len(results) - len(vals)}


def cell(s):
    if s is None:
        return "FAILED"
    txt = fmt_num(s["median"])
    if s["n"] > 1:
        txt += f" [{fmt_num(s['min'])}-{fmt_num(s['max'])}]"
    if s["failed"]:
        txt += f" ({s['failed']} failed)"
    return txt


def main():
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--modvm", required=True)
    p.add_argument("--qemu", required=True)
    p.add_argument("--qemu-cpu", required=True)
    p.add_argument("--work", required=True)
    p.add_argument("--guest-launch", required=True)
    p.add_argument("--guest-pio", required=True)
    p.add_argument("--guest-mem", required=True)
    p.add_argument("--tsc-khz", type=int, required=True)
    p.add_argument("--reps", type=int, required=True)
    p.add_argument("--timeout", type=float, required=True, help="per tiny-guest run, seconds")
    p.add_argument("--pio-n0", type=int, required=True)
    p.add_argument("--pio-n3", type=int, required=True)
    p.add_argument("--mem-guest-mb", type=int, required=True)
    p.add_argument("--mem-touch-mb", type=int, required=True)
    p.add_argument("--mem-settle", type=float, required=True)
    p.add_argument("--linux", action="store_true")
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

    modvm, microvm, pc = make_vmms(a)
    vmms = [modvm, microvm, pc]
    data = {"host": json.loads(a.host), "settings": {k: v for k, v in vars(a).items() if k not in ("host",)},
            "runs": {}, "loadavg": {}}

    def load(tag):
        data["loadavg"][tag] = open("/proc/loadavg").read().split()[:3]

    # rows: (benchmark, metric label, unit, result field[, show a ratio (default True)])
    rows = []
    load("start")
    sys.stderr.write(f"launch to first output ({a.reps} reps each)\n")
    data["runs"]["launch"] = bench_launch(a, vmms, a.reps)
    rows += [("launch", "launch: first byte on stdout", "ms", "first_byte_ms"),
             ("launch", "launch: first guest output", "ms", "guest_output_ms"),
             ("launch", "launch: process exit", "ms", "exit_ms")]
    load("after_launch")
    sys.stderr.write(f"port I/O exit ({a.reps} reps each)\n")
    data["runs"]["pio"] = bench_pio(a, vmms, a.reps)
    rows += [("pio", "PIO exit, OUT from CPL0", "ns", "cpl0_ns"),
             ("pio", "  (CPL0 loop overhead, subtracted)", "ns", "cpl0_loop_ns", False),
             ("pio", "PIO OUT from CPL3 (kit #GP emul.)", "ns", "cpl3_ns")]
    load("after_pio")
    sys.stderr.write(f"memory overhead ({a.reps} reps each)\n")
    data["runs"]["mem"] = bench_mem(a, vmms, a.reps)
    rows += [("mem", f"VmRSS, guest touched {a.mem_touch_mb} MiB", "MiB", "rss_mib"),
             ("mem", "VMM overhead = VmRSS - touched", "MiB", "overhead_mib")]
    load("after_mem")
    if a.linux:
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

    # Summaries and the table. Ratio = modvm / QEMU: above 1 means modvm is slower or bigger.
    data["summary"] = {}
    lines = []
    hdr = f"{'metric':<38} {'unit':<4} {'modvm':>22} {'QEMU':>22} {'modvm/QEMU':>10}  QEMU machine"
    lines.append(hdr)
    lines.append("-" * len(hdr))
    for bench, label, unit, field, *opt in rows:
        with_ratio = opt[0] if opt else True   # informational rows (e.g. subtracted overhead) get none
        runs = data["runs"][bench]
        sm = summary(runs["modvm"], field)
        for q in (microvm, pc):
            sq = summary(runs[q.key], field)
            ratio = sm["median"] / sq["median"] if with_ratio and sm and sq and sq["median"] else None
            data["summary"].setdefault(bench, {}).setdefault(field, {})["modvm"] = sm
            data["summary"][bench][field][q.key] = sq
            data["summary"][bench][field][f"ratio_modvm_{q.key}"] = ratio
            primary = " (primary)" if q is microvm else ""
            lines.append(f"{label:<38} {unit:<4} {cell(sm):>22} {cell(sq):>22} "
                         f"{(f'{ratio:.2f}' if ratio is not None else '-'):>10}  {q.machine}{primary}")
    table = "\n".join(lines)
    print(table)
    print("cells: median [min-max] over the repetitions; ratio of medians; 'primary' = the fairer match "
          "(microvm: no firmware, direct kernel boot, like modvm)")
    print("loadavg (1/5/15 min) " + "; ".join(f"{k}: {' '.join(v)}" for k, v in data["loadavg"].items()))

    # Guest-side TSC calibration as a cross-check of the host TSC rate used for the ns figures.
    for v in vmms:
        ks = [r["guest_tsc_khz"] for r in data["runs"]["pio"][v.key] if "guest_tsc_khz" in r]
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
