"""SLOWLOG, compared with redis-server 7.0.15.

With slowlog-log-slower-than 0 every command that runs is logged, so the same session on
both servers must leave the same log: the same arguments (shortened and redacted the same
way), client names and id sequence. Timestamps, durations and addresses differ by nature;
they are checked for shape (and the address against CLIENT INFO) instead.
"""

import re
import time

from support.resp import RespConnection


def session(srv):
    conn = RespConnection("127.0.0.1", srv.port)
    replies = []

    def run(*args):
        replies.append(conn.call(*args)[0])

    try:
        run("CONFIG", "SET", "slowlog-log-slower-than", "0")
        run("SLOWLOG", "RESET")
        run("CLIENT", "SETNAME", "slowpoke")
        run("SET", "k", "x" * 200)                       # 128 bytes kept, the rest counted
        run("DEL", *["k%d" % i for i in range(40)])      # 31 arguments kept, the rest counted
        run("AUTH", "not-a-password")                    # secrets never reach the log
        run("AUTH", "someone", "secret")
        run("HELLO", "2", "AUTH", "default", "secret", "SETNAME", "slowpoke")
        run("CONFIG", "SET", "masterauth", "secret", "masteruser", "someone")
        run("CONFIG", "SET", "masterauth", "", "masteruser", "")
        run("MULTI")
        run("SET", "a", "1")                             # logged when EXEC runs it
        run("EXEC")                                      # EXEC itself is not logged
        run("BLPOP", "nothing-here", "0.01")             # timed out: not logged (Redis 7.0)
        waiter = RespConnection("127.0.0.1", srv.port)
        waiter.call("CLIENT", "SETNAME", "waiter")
        waiter.send_raw(RespConnection.encode(["BLPOP", "queue", "5"]))
        while b"blocked_clients:1" not in conn.call("INFO", "clients")[1]:
            time.sleep(0.01)
        run("LPUSH", "queue", "job")                      # then the served BLPOP, as "waiter"
        assert waiter.read_reply()[1] == [b"queue", b"job"]
        waiter.close()
        run("NOSUCHCOMMAND")                             # refused before running: not logged
        run("GET")
        run("SLOWLOG", "GET", "0")
        run("SLOWLOG", "GET", "-2")
        run("SLOWLOG", "GET", "x")
        run("SLOWLOG", "GET", "1", "2")
        run("SLOWLOG", "LEN")
        everything = conn.call("SLOWLOG", "GET", "-1")[1]
        run("CONFIG", "SET", "slowlog-max-len", "5")
        run("PING")                                      # the next entry trims to 5
        address = re.search(rb"addr=(\S+)", conn.call("CLIENT", "INFO")[1]).group(1)
        entries = conn.call("SLOWLOG", "GET", "-1")[1]
        length = conn.call("SLOWLOG", "LEN")[1]
        return replies, address, everything, entries, length
    finally:
        conn.call("CONFIG", "SET", "slowlog-log-slower-than", "10000")
        conn.call("CONFIG", "SET", "slowlog-max-len", "128")
        conn.call("SLOWLOG", "RESET")
        conn.close()


def comparable(address, entries):
    """Arguments and names as they are; ids relative to the newest; time and duration
    checked for shape; the address: this connection's (CLIENT INFO) or another's."""
    out = []
    newest = entries[0][0]
    for entry_id, timestamp, duration, args, client_address, name in entries:
        assert isinstance(timestamp, int) and timestamp > 1_600_000_000
        assert isinstance(duration, int) and duration >= 0
        out.append((newest - entry_id, args, name, client_address == address))
    return out


def test_slowlog_matches_redis(corvid_server, redis_server):
    ours = session(corvid_server)
    theirs = session(redis_server)
    # HELLO's reply carries the client id, which differs.
    hello = 7
    assert ours[0][:hello] + ours[0][hello + 1:] == theirs[0][:hello] + theirs[0][hello + 1:]
    full = comparable(ours[1], ours[2])
    assert full == comparable(theirs[1], theirs[2])
    assert (0, [b"SLOWLOG", b"LEN"], b"slowpoke", True) in full
    assert (5, [b"BLPOP", b"queue", b"5"], b"waiter", False) in full
    assert comparable(ours[1], ours[3]) == comparable(theirs[1], theirs[3])
    assert ours[4] == theirs[4] == 5


def test_help_and_unknown_subcommand(server):
    conn = RespConnection("127.0.0.1", server.port)
    try:
        help_lines = conn.call("SLOWLOG", "HELP")[1]
        assert help_lines[0].startswith(b"SLOWLOG <subcommand>") and help_lines[-1] == b"    Prints this help."
        assert conn.call("SLOWLOG", "NOPE")[0] == b"-ERR unknown subcommand 'NOPE'. Try SLOWLOG HELP.\r\n"
    finally:
        conn.close()
