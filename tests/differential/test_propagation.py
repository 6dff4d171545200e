"""The propagation stream, compared with redis-server 7.0.15's: the commands a replica
receives (the same stream the AOF records) after running the same script on both.

Each script in propagation/ runs on a Corvid and a Redis that each have a SYNC watcher
attached; the commands the watchers receive after the snapshot are compared one by one.
Absolute deadlines (PXAT, PEXPIREAT) differ by when each server ran the command, so they
are compared as the time left when the script ran, to the second."""

import glob
import os
import socket
import time

import pytest

from differential.harness import parse_script
from support.resp import RespConnection
from support.servers import server_pair

SCRIPTS = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "propagation", "*.txt")))


class Watcher:
    """A SYNC connection: reads the snapshot, then the stream of commands."""

    def __init__(self, port):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=30)
        self.sock.sendall(b"SYNC\r\n")
        self.buffer = b""
        while True:
            line = self._line()
            if line:  # newlines are keepalives while the snapshot is written
                break
        assert line.startswith(b"$"), line
        self._take(int(line[1:]))

    def _fill(self):
        chunk = self.sock.recv(1 << 16)
        if not chunk:
            raise ConnectionError("watcher closed")
        self.buffer += chunk

    def _line(self):
        while b"\r\n" not in self.buffer and not self.buffer.startswith(b"\n"):
            self._fill()
        if self.buffer.startswith(b"\n"):
            self.buffer = self.buffer[1:]
            return b""
        line, _, self.buffer = self.buffer.partition(b"\r\n")
        return line

    def _take(self, n):
        while len(self.buffer) < n:
            self._fill()
        data, self.buffer = self.buffer[:n], self.buffer[n:]
        return data

    def command(self):
        line = self._line()
        while not line:
            line = self._line()
        assert line.startswith(b"*"), line
        argv = []
        for _ in range(int(line[1:])):
            header = self._line()
            assert header.startswith(b"$"), header
            argv.append(self._take(int(header[1:]) + 2)[:-2])
        return argv

    def until(self, marker):
        """Every command up to (not including) SET <marker>."""
        out = []
        while True:
            argv = self.command()
            if argv[:2] == [b"SET", marker]:
                return out
            if argv == [b"PING"]:  # Redis's periodic ping to replicas
                continue
            out.append(argv)


def normalized(argv, sent_at_ms):
    """Deadlines as seconds left when the script ran; SPOP's SREMs as their member count
    (which members were popped is chance)."""
    if argv[:1] == [b"SREM"]:
        return argv[:2] + [b"<%d members>" % (len(argv) - 2)]
    out = []
    for a in argv:
        if a.isdigit() and len(a) == 13 and abs(int(a) - sent_at_ms) < 10 * 365 * 86400 * 1000:
            out.append(b"<now%+ds>" % round((int(a) - sent_at_ms) / 1000))
        else:
            out.append(a)
    return out


@pytest.fixture(scope="module")
def pair():
    with server_pair("--enable-debug-command", "yes", "--repl-diskless-sync", "no") as servers:
        yield servers


@pytest.mark.parametrize("path", SCRIPTS, ids=[os.path.basename(p)[:-4] for p in SCRIPTS])
def test_propagated_stream(path, pair):
    with open(path) as f:
        steps = parse_script(f.read())
    marker = b"end-of-" + os.path.basename(path).encode()
    streams = []
    for server in pair:
        admin = RespConnection("127.0.0.1", server.port)
        admin.call("FLUSHALL")
        watcher = Watcher(server.port)
        conn = RespConnection("127.0.0.1", server.port)
        started_ms = int(time.time() * 1000)
        for _, mode, args in steps:
            assert mode != "sleep"
            conn.call(*args)
        conn.call("SELECT", "0")
        conn.call("SET", marker, "1")
        streams.append([normalized(argv, started_ms) for argv in watcher.until(marker)])
        conn.close()
        admin.close()
    ours, theirs = streams
    for i, (a, b) in enumerate(zip(ours, theirs)):
        assert a == b, "command %d differs:\n  corvid: %r\n  redis:  %r\n  corvid so far: %r" % (i, a, b, ours[:i + 1])
    assert len(ours) == len(theirs), "corvid: %r\nredis:  %r" % (ours[len(theirs):], theirs[len(ours):])


def watched(server, run):
    """The stream a watcher sees while `run(port)` acts on the server, up to a marker."""
    RespConnection("127.0.0.1", server.port).call("FLUSHALL")
    watcher = Watcher(server.port)
    run(server.port)
    conn = RespConnection("127.0.0.1", server.port)
    conn.call("SET", b"end-marker", "1")
    conn.close()
    return watcher.until(b"end-marker")


def test_served_blocked_commands_replay_as_plain_pops(pair):
    def run(port):
        waiters = []
        for command in (["BLPOP", "q", "0"], ["BRPOPLPUSH", "q2", "dst", "0"], ["BZPOPMAX", "z", "0"],
                        ["BLMPOP", "0", "1", "q3", "RIGHT", "COUNT", "5"]):
            c = RespConnection("127.0.0.1", port)
            c.send_raw(c.encode(command))
            waiters.append(c)
        admin = RespConnection("127.0.0.1", port)
        deadline = time.time() + 30
        while b"blocked_clients:4" not in admin.call("INFO", "clients")[1] and time.time() < deadline:
            time.sleep(0.01)
        admin.call("RPUSH", "q", "a", "b")
        admin.call("RPUSH", "q2", "c")
        admin.call("ZADD", "z", "1", "m", "2", "n")
        admin.call("RPUSH", "q3", "x", "y")
        for c in waiters:
            c.read_reply()
            c.close()
        admin.close()

    ours, theirs = (watched(s, run) for s in pair)
    assert ours == theirs


def test_expiry_in_the_background_replays_as_del(pair):
    def run(port):
        c = RespConnection("127.0.0.1", port)
        c.call("SET", "short", "v", "PX", "20")
        deadline = time.time() + 30
        while c.call("DBSIZE")[1] != 0 and time.time() < deadline:
            time.sleep(0.01)  # DBSIZE does not touch the key: only active expiry removes it
        c.close()

    ours, theirs = (watched(s, run) for s in pair)
    assert [argv for argv in ours if argv[0] not in (b"SET", b"SELECT")] == [[b"DEL", b"short"]]
    assert [argv[0] for argv in ours] == [argv[0] for argv in theirs]


@pytest.mark.parametrize("delete", ["yes", "no"])
def test_rdb_del_sync_files(delete):
    """rdb-del-sync-files: a persistence-less server removes the dump it wrote only to feed
    a replica (yes) or keeps it (no), as Redis does with disk-based full syncs."""
    with server_pair("--save", "", "--repl-diskless-sync", "no", "--rdb-del-sync-files", delete) as (corvid, redis_):
        watchers = [Watcher(corvid.port), Watcher(redis_.port)]
        exists = []
        for server in (corvid, redis_):
            deadline = time.time() + 10
            while os.path.exists(server.path("dump.rdb")) == (delete == "yes") and time.time() < deadline:
                time.sleep(0.05)
            exists.append(os.path.exists(server.path("dump.rdb")))
        for w in watchers:
            w.sock.close()
        assert exists == [delete == "no"] * 2
        if delete == "yes":
            assert "Removing the RDB file used to feed replicas in a persistence-less instance" in corvid.read_log()
