"""DPDK's testpmd as the vhost-user back-end of the net benchmark: one per VMM session, in the bench's namespace.

It listens on a vhost-user socket (its vhost PMD is the server, the VMM the front-end that connects) and forwards,
busy-polling one lcore, between that port and a tap of its own (its tap PMD makes dtap0 in the namespace), which
the harness then treats as it treats tap0 for the tap netdev: address 10.0.2.1/24, counters, generator, TCP sink.
"""
import os
import shutil
import signal
import subprocess
import time


class Testpmd:
    """One testpmd process, started by start() and ended by stop() by its PID (SIGTERM, then SIGKILL)."""

    def __init__(self, lan, binary, lcores, mem_mb, mbufs, socket_path, file_prefix, log_path):
        self.lan = lan
        self.socket_path = socket_path
        self.file_prefix = file_prefix
        self.log_path = log_path
        # -l: main lcore first, then the forwarding one: the same CPUs for every VMM. --no-huge: this host has no
        # hugepages, so a small mbuf pool. The vhost PMD's defaults: no TSO (tso=0), one queue pair.
        self.argv = [binary, "-l", lcores, "--no-huge", "-m", str(mem_mb), "--no-pci", "--file-prefix", file_prefix,
                     "--vdev", f"net_vhost0,iface={socket_path},queues=1", "--vdev", f"net_tap0,iface={lan.tap}",
                     "--", "--forward-mode=io", "--auto-start", f"--total-num-mbufs={mbufs}"]
        self.proc = None
        self._log = None

    def start(self, timeout):
        """Starts it and waits for its socket and its tap, then gives the tap the host's address. Returns an error
        text, or None."""
        self._log = open(self.log_path, "wb")
        # Its stdin stays an open pipe: without -i, testpmd forwards until a byte (or EOF) arrives there.
        self.proc = subprocess.Popen(self.lan.cmd(*self.argv), stdin=subprocess.PIPE, stdout=self._log,
                                     stderr=subprocess.STDOUT)
        deadline = time.monotonic() + timeout
        while not (os.path.exists(self.socket_path) and self._tap_exists()):
            if self.proc.poll() is not None:
                return f"testpmd ended (status {self.proc.returncode}) before it listened: {self.log_tail()}"
            if time.monotonic() >= deadline:
                return f"testpmd did not listen on {self.socket_path} with tap {self.lan.tap} within {timeout:g} s"
            time.sleep(0.2)
        for argv in (("ip", "addr", "add", "10.0.2.1/24", "dev", self.lan.tap), ("ip", "link", "set", self.lan.tap, "up")):
            r = subprocess.run(self.lan.cmd(*argv), capture_output=True, text=True, timeout=30)
            if r.returncode:
                return f"{' '.join(argv)}: {r.stderr.strip()}"
        return None

    def _tap_exists(self):
        return subprocess.run(self.lan.cmd("ip", "link", "show", self.lan.tap), capture_output=True,
                              timeout=30).returncode == 0

    def cpu_seconds(self):
        """CPU seconds (user + system) testpmd has used so far, from /proc/PID/stat; its forwarding lcore spins."""
        try:
            with open(f"/proc/{self.proc.pid}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
        except (OSError, IndexError, ValueError):
            return 0.0

    def log_tail(self, chars=1500):
        if self._log is not None:
            self._log.flush()
        try:
            with open(self.log_path, "rb") as f:
                return f.read().decode(errors="replace")[-chars:]
        except OSError:
            return ""

    def stop(self):
        """Ends it by its PID; removes its runtime folder (DPDK keeps one per file prefix) and its socket."""
        if self.proc is not None and self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc is not None and self.proc.stdin:
            self.proc.stdin.close()
        if self._log is not None:
            self._log.close()
        shutil.rmtree(os.path.join("/var/run/dpdk", self.file_prefix), ignore_errors=True)
        if os.path.exists(self.socket_path):
            os.unlink(self.socket_path)
