"""MONITOR, compared with redis-server 7.0.15.

The same session runs on both servers while a monitor connection listens; its stream must
be the same line for line once the parts that differ by nature are written as names: the
timestamp (checked for shape) and the client addresses (written as the connection's name).
"""

import re
import time

from support.resp import RespConnection

LINE = re.compile(rb"^\+(\d+)\.(\d{6}) \[(\d+) ([^\]]+)\] (.*)$")


def session(srv):
    conns = {name: RespConnection("127.0.0.1", srv.port) for name in ("m", "a", "b")}
    addresses = {}
    for name, conn in conns.items():
        info = conn.call("CLIENT", "INFO")[1]
        addresses[re.search(rb"addr=(\S+)", info).group(1)] = name
    m, a, b = conns["m"], conns["a"], conns["b"]
    replies = []

    def run(*args):
        replies.append(a.call(*args)[0])

    try:
        assert m.call("MONITOR")[0] == b"+OK\r\n"
        run("SET", "k", b'v\n"quoted"\t\\ \x01\xff end')   # escaped as Redis quotes
        run("SELECT", "3")                                     # shown with the new db
        run("GET", "k")
        run("SELECT", "0")
        run("CONFIG", "GET", "maxmemory")                      # administrative: not shown
        run("AUTH", "secret")                                  # secrets redacted, even refused
        run("HELLO", "2", "AUTH", "default", "secret")
        run("NOSUCHCOMMAND")                                   # refused before running: not shown
        run("GET")
        run("MULTI")
        run("INCR", "n")                                       # shown when EXEC runs it
        run("EXEC")
        run("CLIENT", "ID")
        b.send_raw(RespConnection.encode(["BLPOP", "queue", "5"]))  # shown when it blocks
        while b"blocked_clients:1" not in a.call("INFO", "clients")[1]:
            time.sleep(0.01)
        replies.pop()  # the INFO reply varies; INFO is shown, its output is not compared
        run("LPUSH", "queue", "job")                           # the served BLPOP is not shown again
        assert b.read_reply()[1] == [b"queue", b"job"]
        run("PING")
        # The monitor itself: PING is fine (and shown), keyspace commands are refused, RESET
        # ends the monitoring (what follows is not shown).
        m.send_raw(b"".join(RespConnection.encode(c) for c in (["PING"], ["GET", "k"], ["RESET"])))
        while not m.buffer.endswith(b"+RESET\r\n"):
            m._fill()
        run("ECHO", "after reset")
        stream = m.buffer.split(b"\r\n")[:-1]
        return replies, stream, addresses
    finally:
        for conn in conns.values():
            conn.close()


def normalized(stream, addresses):
    out = []
    for line in stream:
        match = LINE.match(line)
        if match is None:
            out.append(line)
            continue
        seconds, _, db, origin, args = match.groups()
        assert int(seconds) > 1_600_000_000
        if args.startswith(b'"INFO"'):
            continue  # polled until the BLPOP blocks: how often depends on timing
        out.append(b"[%s %s] %s" % (db, addresses.get(origin, origin).encode(), args))
    return out


def test_monitor_stream_matches_redis(corvid_server, redis_server):
    ours = session(corvid_server)
    theirs = session(redis_server)
    # HELLO's reply carries the client id, which differs between the servers.
    assert [r for r in ours[0] if b"proto" not in r] == [r for r in theirs[0] if b"proto" not in r]
    assert normalized(*ours[1:]) == normalized(*theirs[1:])
    assert any(b'"SET" "k" "v\\n\\"quoted\\"\\t\\\\ \\x01\\xff end"' in line for line in ours[1])


def test_monitor_refused_inside_exec(server):
    conn = RespConnection("127.0.0.1", server.port)
    try:
        conn.call("MULTI")
        conn.call("MONITOR")
        assert conn.call("EXEC")[0] == b"*1\r\n-ERR MONITOR isn't allowed for DENY BLOCKING client\r\n"
        assert b" flags=N " in conn.call("CLIENT", "INFO")[1]
    finally:
        conn.close()
