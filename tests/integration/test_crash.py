"""Durability under SIGKILL: a writer appends numbered elements to a list, one acknowledged
command at a time, while the server is killed at random moments; after every restart the
list must be a prefix of what was sent (nothing out of order, nothing invented) and, with
an AOF, hold every element whose write was acknowledged (appendfsync always: all of them;
everysec: all but what was acknowledged in the last two seconds; the kernel keeps what a
killed process wrote, so in practice nothing is lost either way). Rewrites and BGSAVEs run
during some of the kills. Seeded, so a failure can be replayed."""

import random
import threading
import time

import pytest

from support.resp import RespConnection
from support.servers import start_corvid

KILLS = {"always": 16, "everysec": 10}


class Writer(threading.Thread):
    def __init__(self, port, start_at):
        super().__init__(daemon=True)
        self.port = port
        self.next = start_at
        self.acked = []  # (element, time acknowledged)
        self.stop = False

    def run(self):
        try:
            conn = RespConnection("127.0.0.1", self.port, timeout=10)
            while not self.stop:
                reply = conn.call("RPUSH", "log", str(self.next))[0]
                if not reply.startswith(b":"):
                    break
                self.acked.append((self.next, time.time()))
                self.next += 1
        except (OSError, ConnectionError):
            pass  # the kill


def recovered(server):
    conn = RespConnection("127.0.0.1", server.port)
    items = conn.call("LRANGE", "log", "0", "-1")[1]
    conn.close()
    return [int(x) for x in items]


@pytest.mark.parametrize("fsync", sorted(KILLS))
def test_sigkill_loses_no_acknowledged_write(fsync):
    rng = random.Random(1234)
    args = ("--appendonly", "yes", "--appendfsync", fsync, "--save", "", "--enable-debug-command", "yes",
            "--auto-aof-rewrite-min-size", "64kb", "--auto-aof-rewrite-percentage", "50")
    server = start_corvid(*args)
    workdir = server.workdir
    sent_total = 0
    try:
        for kill in range(KILLS[fsync]):
            writer = Writer(server.port, sent_total)
            writer.start()
            time.sleep(rng.uniform(0.05, 0.4))
            action = rng.choice(["none", "none", "rewrite", "bgsave"])
            if action != "none":
                try:
                    c = RespConnection("127.0.0.1", server.port)
                    c.call("BGREWRITEAOF" if action == "rewrite" else "BGSAVE")
                    c.close()
                except OSError:
                    pass
                time.sleep(rng.uniform(0.0, 0.1))
            server.kill()
            writer.stop = True
            writer.join(timeout=30)
            attempted = writer.next  # the element being sent when it died, if any, is next - 1 or next
            server = start_corvid(*args, workdir=workdir)
            got = recovered(server)
            assert got == list(range(len(got))), "kill %d: not a prefix: ...%r" % (kill, got[-10:])
            assert len(got) <= attempted + 1, "kill %d: more than was sent" % kill
            if writer.acked:
                last_acked = writer.acked[-1][0]
                if fsync == "always":
                    assert len(got) > last_acked, "kill %d: acknowledged %d, recovered %d" % (kill, last_acked, len(got))
                else:
                    lost = [e for e, t in writer.acked if e >= len(got)]
                    window = writer.acked[-1][1] - 2.0
                    assert all(t >= window for e, t in writer.acked if e in lost), \
                        "kill %d: lost writes acknowledged more than 2s before the kill" % kill
            sent_total = len(got)
    finally:
        server.stop()
    report = server.sanitizer_report()
    assert report is None, report
    assert "Background AOF rewrite" in server.read_log() or KILLS[fsync] < 4


def test_sigkill_during_bgsave_leaves_a_prefix():
    """Without an AOF the dump is all there is: after a kill during BGSAVE the restart loads
    the previous dump or the new one, either way a prefix of what was acknowledged."""
    rng = random.Random(99)
    args = ("--save", "", "--enable-debug-command", "yes")
    server = start_corvid(*args)
    workdir = server.workdir
    acked_total = 0
    try:
        for kill in range(6):
            writer = Writer(server.port, acked_total)
            writer.start()
            time.sleep(rng.uniform(0.05, 0.3))
            c = RespConnection("127.0.0.1", server.port)
            c.call("BGSAVE")
            c.close()
            time.sleep(rng.uniform(0.0, 0.05))
            server.kill()
            writer.stop = True
            writer.join(timeout=30)
            server = start_corvid(*args, workdir=workdir)
            got = recovered(server)
            assert got == list(range(len(got))), "kill %d: not a prefix" % kill
            assert len(got) <= writer.next + 1
            acked_total = len(got)
            # Writes continue from what survived, so the list stays a numbered prefix.
    finally:
        server.stop()
