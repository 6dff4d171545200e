"""Client-side caching (CLIENT TRACKING), compared with redis-server 7.0.15.

Each scenario opens named connections (RESP2 or RESP3) on corvid-server and on the oracle,
runs the same steps on both, and records every frame each connection receives, in order:
replies, invalidation pushes, `__redis__:invalidate` messages, redirect-broken notices.
The per-connection streams must be identical byte for byte. Client ids differ between
the servers, so arguments name connections ("@id:b") and ids in the frames that carry
them are written back as names.

Random eviction from a full tracking table cannot be compared key by key; its test checks
the counts on both servers instead.
"""

import difflib
import re
import time

import redis

from support.resp import Push, RespConnection, connect


class Session:
    """Named connections on one server and the frames each has received."""

    def __init__(self, srv, protocols):
        self.srv = srv
        self.conns = {}
        self.ids = {}
        self.frames = {}
        self.subscribed2 = set()  # RESP2 connections in pub/sub mode
        for name, protocol in protocols.items():
            conn = RespConnection("127.0.0.1", srv.port)
            if protocol == 3:
                conn.call("HELLO", "3")
            self.conns[name] = conn
            self.ids[name] = conn.call("CLIENT", "ID")[1]
            self.frames[name] = []

    def close(self, name=None):
        for n in [name] if name else list(self.conns):
            self.conns.pop(n).close()

    def _args(self, args):
        return [str(self.ids[a[4:]]) if isinstance(a, str) and a.startswith("@id:") else a for a in args]

    def _names(self, raw):
        """Client ids in `raw` (as integers) written as the connection names."""
        for name, cid in self.ids.items():
            raw = raw.replace(b":%d\r\n" % cid, b":<%s>\r\n" % name.encode())
        return raw

    def _is_reply(self, name, value):
        if isinstance(value, Push):
            return False
        if name in self.subscribed2 and isinstance(value, list) and value and value[0] == b"message":
            return False
        return True

    def _read_until_reply(self, name, normalize):
        conn = self.conns[name]
        while True:
            raw, value = conn.read_reply()
            if isinstance(value, Push) and value and value[0] == b"tracking-redir-broken":
                raw = self._names(raw)
            elif normalize:
                raw = self._names(raw)
            self.frames[name].append(raw)
            if self._is_reply(name, value):
                return value

    def run(self, name, *args, normalize=False):
        self.conns[name].send_raw(RespConnection.encode(self._args(args)))
        value = self._read_until_reply(name, normalize)
        if args[0].upper() == "SUBSCRIBE" and isinstance(value, list) and value[:1] == [b"subscribe"]:
            self.subscribed2.add(name)
        return value

    def pipeline(self, name, commands, replies=None):
        self.conns[name].send_raw(b"".join(RespConnection.encode(self._args(c)) for c in commands))
        for _ in range(len(commands) if replies is None else replies):
            self._read_until_reply(name, False)

    def drain(self):
        """Everything still on its way to each connection, up to a PING's reply."""
        for name in list(self.conns):
            self.run(name, "PING")


def tracking_stats(port):
    admin = redis.Redis(host="127.0.0.1", port=port)
    try:
        clients = admin.info("clients")
        stats = admin.info("stats")
    finally:
        admin.close()
    return (clients["tracking_clients"], stats["tracking_total_keys"], stats["tracking_total_items"],
            stats["tracking_total_prefixes"])


def client_flags(session, viewer, name):
    """`flags=` and `redir=` of one connection's CLIENT LIST line, ids as names."""
    line = session.conns[viewer].call("CLIENT", "LIST", "ID", str(session.ids[name]))[1]
    line = line.decode() if isinstance(line, bytes) else str(line)
    flags = re.search(r" flags=(\S+)", line).group(1)
    redir = int(re.search(r" redir=(-?\d+)", line).group(1))
    names = {cid: n for n, cid in session.ids.items()}
    return flags, names.get(redir, redir)


def play(srv, protocols, steps):
    """Runs a scenario on one server; returns its transcript (a list of lines)."""
    admin = connect(srv)
    admin.call("FLUSHALL")
    admin.call("CONFIG", "SET", "tracking-table-max-keys", "1000000")
    session = Session(srv, protocols)
    log = []
    try:
        for step in steps:
            kind = step[0]
            if kind == "@sleep":
                time.sleep(step[1])
            elif kind == "@pipeline":
                session.pipeline(*step[1:])
            elif kind == "@close":
                session.run(step[1], "PING")  # what it was sent so far stays in its stream
                session.close(step[1])
                # The server notices the close on its next turn; wait until it has.
                deadline = time.monotonic() + 5
                while b"id=%d " % session.ids[step[1]] in admin.call("CLIENT", "LIST")[1]:
                    assert time.monotonic() < deadline, "connection not closed"
                    time.sleep(0.01)
            elif kind == "@stats":
                log.append("stats %r" % (tracking_stats(srv.port),))
            elif kind == "@flags":
                log.append("flags %s %r" % (step[2], client_flags(session, step[1], step[2])))
            elif kind == "@ids":
                session.run(step[1], *step[2:], normalize=True)
            else:
                session.run(*step)
        session.drain()
        for name, frames in session.frames.items():
            log.extend("%s: %r" % (name, frame) for frame in frames)
    finally:
        session.close()
        admin.close()
    return log


def check(debug_servers, protocols, steps):
    corvid, oracle = debug_servers
    ours = play(corvid, protocols, steps)
    theirs = play(oracle, protocols, steps)
    assert ours == theirs, "\n".join(difflib.unified_diff(theirs, ours, "redis", "corvid", lineterm=""))
    return theirs


A3 = {"a": 3, "c": 2}  # a tracking RESP3 client, and another client that changes keys


def test_option_errors_and_info(debug_servers):
    check(debug_servers, {"a": 3, "b": 2, "c": 2}, [
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
        ("a", "CLIENT", "GETREDIR"),
        ("a", "CLIENT", "TRACKING"),
        ("a", "CLIENT", "TRACKING", "maybe"),
        ("a", "CLIENT", "TRACKING", "maybe", "redirect", "0"),
        ("a", "CLIENT", "TRACKING", "on", "bogus"),
        ("a", "CLIENT", "TRACKING", "on", "prefix"),
        ("a", "CLIENT", "TRACKING", "on", "redirect"),
        ("a", "CLIENT", "TRACKING", "on", "redirect", "x"),
        ("a", "CLIENT", "TRACKING", "on", "redirect", "-5"),
        ("a", "CLIENT", "TRACKING", "on", "redirect", "999999"),
        ("a", "CLIENT", "TRACKING", "on", "redirect", "@id:b", "redirect", "@id:c"),
        ("a", "CLIENT", "TRACKING", "on", "prefix", "a"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "optin"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "optin", "optout"),
        ("a", "CLIENT", "TRACKING", "on", "optin", "optout"),
        ("a", "CLIENT", "TRACKING", "on", "optin", "optout", "prefix", "x"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "ab", "prefix", "a"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "a"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "", "prefix", "a"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "x\x00y", "prefix", "x"),
        ("a", "CLIENT", "CACHING", "yes"),
        ("a", "CLIENT", "CACHING", "no", "x"),
        ("@stats",),
        ("a", "CLIENT", "TRACKING", "on", "optin"),
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
        ("a", "CLIENT", "CACHING", "no"),
        ("a", "CLIENT", "CACHING", "maybe"),
        ("a", "CLIENT", "CACHING", "YES"),
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
        ("a", "CLIENT", "TRACKING", "on", "optout"),
        ("a", "CLIENT", "TRACKING", "on", "bcast"),
        ("a", "CLIENT", "TRACKING", "off"),
        ("a", "CLIENT", "TRACKING", "on", "optout", "noloop", "redirect", "@id:b"),
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
        ("@ids", "a", "CLIENT", "GETREDIR"),
        ("a", "CLIENT", "CACHING", "yes"),
        ("a", "CLIENT", "CACHING", "no"),
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
        ("@flags", "c", "a"),
        ("@stats",),
        ("a", "CLIENT", "TRACKING", "OFF", "bcast", "prefix", "x"),
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
        ("a", "CLIENT", "TRACKING", "ON", "BCAST", "PREFIX", "a", "PREFIX", "b", "NOLOOP"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "ab"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "c"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "b"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "x\x00y", "prefix", "x\x00z"),
        ("a", "CLIENT", "TRACKING", "on"),
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
        ("@flags", "c", "a"),
        ("@stats",),
        ("b", "CLIENT", "TRACKINGINFO"),
        ("b", "CLIENT", "TRACKING", "on", "bcast", "prefix", "a", "prefix", "zz"),
        ("@stats",),
        ("b", "RESET"),
        ("@stats",),
        ("@flags", "c", "b"),
    ])


def test_default_mode_invalidates_what_was_read(debug_servers):
    transcript = check(debug_servers, A3, [
        ("a", "CLIENT", "TRACKING", "on"),
        ("a", "GET", "k1"),
        ("c", "SET", "k1", "v"),
        ("a", "GET", "k1"),
        ("a", "SET", "k1", "mine"),       # the reply first, then the invalidation
        ("c", "SET", "k1", "again"),      # forgotten after one invalidation: nothing
        ("a", "MGET", "k2", "k3", "k2"),
        ("c", "MSET", "k2", "1", "k3", "1"),
        ("a", "GET", "k4"),
        ("c", "SELECT", "5"),
        ("c", "SET", "k4", "other db"),   # the table knows names, not databases
        ("c", "SELECT", "0"),
        ("c", "LPUSH", "list", "x"),
        ("a", "GET", "list"),             # WRONGTYPE, still remembered
        ("c", "DEL", "list"),
        ("a", "SET", "written", "1"),     # writes do not track
        ("a", "INCR", "counter"),
        ("c", "SET", "written", "2"),
        ("c", "INCR", "counter"),
        ("c", "HSET", "h", "f", "v"), ("c", "RPUSH", "l", "a"), ("c", "SADD", "s", "m"), ("c", "ZADD", "z", "1", "m"),
        ("a", "HGET", "h", "f"), ("a", "LRANGE", "l", "0", "-1"), ("a", "SMEMBERS", "s"),
        ("a", "ZRANGE", "z", "0", "-1"), ("a", "EXISTS", "e1", "e2"), ("a", "TYPE", "t"), ("a", "TTL", "ttl"),
        ("a", "STRLEN", "str"), ("a", "OBJECT", "ENCODING", "h"), ("a", "SORT_RO", "l", "ALPHA"),
        ("a", "SUNION", "s", "s2"), ("a", "ZUNION", "2", "z", "z2"),
        ("c", "HSET", "h", "g", "w"), ("c", "RPUSH", "l", "b"), ("c", "SADD", "s", "n"), ("c", "ZADD", "z", "2", "n"),
        ("c", "MSET", "e1", "1", "e2", "1", "t", "1", "ttl", "1", "str", "1", "s2", "x", "z2", "y"),
        ("c", "DEL", "z2"),
        ("c", "SADD", "s2", "x"),
        ("c", "DEL", "missing"),          # nothing deleted, nothing sent
        ("@stats",),
    ])
    assert "a: b'>2\\r\\n$10\\r\\ninvalidate\\r\\n*1\\r\\n$2\\r\\nk1\\r\\n'" in transcript


def test_changes_that_invalidate(debug_servers):
    check(debug_servers, A3, [
        ("a", "CLIENT", "TRACKING", "on"),
        ("c", "MSET", "r1", "1", "m1", "1", "p1", "1", "e1", "1", "x1", "1"),
        ("c", "EXPIRE", "p1", "100"),
        ("a", "MGET", "r1", "r2", "m1", "p1", "e1", "x1", "gone"),
        ("c", "RENAME", "r1", "r2"),     # both names
        ("c", "MOVE", "m1", "3"),
        ("c", "PERSIST", "p1"),
        ("c", "EXPIRE", "e1", "-1"),      # deleted by a past expiry
        ("c", "PEXPIRE", "x1", "30"),
        ("@sleep", 0.3),                  # the active cycle reclaims x1: invalidated
        ("a", "MGET", "s1", "s2"),
        ("c", "SWAPDB", "0", "1"),        # no invalidation in Redis 7.0
        ("c", "SET", "s1", "now"),
        ("a", "GET", "lazy"),
        ("c", "DEBUG", "SET-ACTIVE-EXPIRE", "0"),
        ("c", "SET", "lazy", "v", "PX", "20"),
        ("a", "GET", "lazy"),
        ("@sleep", 0.1),
        ("c", "GET", "lazy"),             # reclaimed lazily by another client: invalidated
        ("a", "GET", "lazy2"),
        ("c", "SET", "lazy2", "v", "PX", "20"),
        ("a", "GET", "lazy2"),
        ("@sleep", 0.1),
        ("a", "GET", "lazy2"),            # reclaimed by its own read: after the reply
        ("c", "DEBUG", "SET-ACTIVE-EXPIRE", "1"),
        ("a", "GET", "f1"),
        ("c", "FLUSHDB"),                 # everything, as a null
        ("c", "SELECT", "9"),
        ("c", "FLUSHDB"),                 # even an empty database
        ("c", "FLUSHALL", "ASYNC"),
        ("a", "GET", "f2"),
        ("a", "FLUSHALL"),                # its own flush: after the reply
        ("@stats",),
    ])


def test_transactions_send_after_exec(debug_servers):
    check(debug_servers, A3, [
        ("a", "CLIENT", "TRACKING", "on"),
        ("a", "MGET", "t1", "t2"),
        ("a", "MULTI"),
        ("a", "SET", "t1", "1"),
        ("a", "SET", "t2", "1"),
        ("a", "GET", "t1"),
        ("a", "EXEC"),                    # replies, then t1 and t2 invalidated
        ("c", "SET", "t1", "2"),          # t1 read inside EXEC: remembered again
        ("a", "GET", "t3"),
        ("a", "MULTI"),
        ("a", "FLUSHALL"),
        ("a", "SET", "t4", "1"),
        ("a", "EXEC"),
    ])


def test_optin_and_optout(debug_servers):
    check(debug_servers, A3, [
        ("a", "CLIENT", "TRACKING", "on", "optin"),
        ("a", "GET", "o1"),                       # not cached without CACHING YES
        ("c", "SET", "o1", "1"),
        ("a", "CLIENT", "CACHING", "yes"),
        ("@ids", "a", "CLIENT", "ID"),            # a CLIENT subcommand keeps the flag
        ("a", "GET", "o2"),
        ("a", "GET", "o3"),                       # only the next command
        ("c", "MSET", "o2", "1", "o3", "1"),
        ("a", "CLIENT", "CACHING", "yes"),
        ("a", "PING"),                            # any other command ends it
        ("a", "GET", "o4"),
        ("a", "CLIENT", "CACHING", "yes"),
        ("a", "GET", "o5", "extra"),              # even a refused one
        ("a", "GET", "o5"),
        ("a", "CLIENT", "CACHING", "yes"),
        ("a", "NOSUCHCOMMAND"),
        ("a", "GET", "o6"),
        ("c", "MSET", "o4", "1", "o5", "1", "o6", "1"),
        ("a", "CLIENT", "CACHING", "yes"),
        ("a", "MULTI"),                           # a whole transaction
        ("a", "GET", "o7"),
        ("a", "GET", "o8"),
        ("a", "EXEC"),
        ("a", "GET", "o9"),
        ("c", "MSET", "o7", "1", "o8", "1", "o9", "1"),
        ("a", "MULTI"),
        ("a", "CLIENT", "CACHING", "yes"),        # queued: applies from inside EXEC
        ("a", "GET", "o10"),
        ("a", "EXEC"),
        ("c", "SET", "o10", "1"),
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
        ("a", "CLIENT", "TRACKING", "off"),
        ("a", "CLIENT", "TRACKING", "on", "optout"),
        ("a", "GET", "p1"),
        ("a", "CLIENT", "CACHING", "no"),
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
        ("a", "GET", "p2"),                       # not cached
        ("a", "GET", "p3"),
        ("c", "MSET", "p1", "1", "p2", "1", "p3", "1"),
        ("@ids", "a", "CLIENT", "TRACKINGINFO"),
    ])


def test_noloop(debug_servers):
    check(debug_servers, A3, [
        ("a", "CLIENT", "TRACKING", "on", "noloop"),
        ("a", "MGET", "n1", "n2"),
        ("a", "SET", "n1", "mine"),       # not told of its own change, and forgotten
        ("c", "SET", "n1", "theirs"),
        ("c", "SET", "n2", "theirs"),
        ("a", "CLIENT", "TRACKING", "off"),
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "n", "noloop"),
        ("a", "SET", "n3", "mine"),
        ("c", "SET", "n4", "theirs"),
        ("@pipeline", "c", [("SET", "n5", "1"), ("SET", "n6", "1")]),
        ("a", "SET", "n5", "mine last"),  # the last writer of a key decides
        ("c", "SET", "n6", "theirs last"),
        ("@pipeline", "a", [("SET", "n7", "1"), ("SET", "n8", "1")]),
    ])


def test_broadcast_prefixes(debug_servers):
    check(debug_servers, {"a": 3, "b": 3, "c": 2}, [
        ("a", "CLIENT", "TRACKING", "on", "bcast", "prefix", "user:", "prefix", "obj"),
        ("b", "CLIENT", "TRACKING", "on", "bcast"),
        ("c", "MSET", "user:2", "x", "user:1", "y", "objA", "1", "other", "1"),
        ("@pipeline", "c", [("SET", "user:9", "1"), ("SET", "user:3", "1"), ("DEL", "objZ"), ("SET", "objB", "1"),
                            ("SET", "user:3", "2"), ("DEL", "user:9")]),
        ("a", "SET", "user:5", "x"),       # its own change, without NOLOOP
        ("a", "GET", "user:5"),            # reads never register in BCAST mode
        ("c", "SET", "plain", "1"),
        ("@stats",),
        ("@flags", "c", "a"),
        ("c", "FLUSHALL"),
        ("a", "CLIENT", "TRACKING", "off"),
        ("c", "SET", "user:7", "1"),
        ("@stats",),
    ])


def test_redirect(debug_servers):
    check(debug_servers, {"a": 2, "r": 2, "q": 2, "t": 3, "c": 2}, [
        # To a RESP2 client in pub/sub mode: messages on __redis__:invalidate.
        ("r", "SUBSCRIBE", "__redis__:invalidate"),
        ("a", "CLIENT", "TRACKING", "on", "redirect", "@id:r"),
        ("@flags", "c", "a"),
        ("a", "GET", "k1"),
        ("c", "SET", "k1", "1"),
        ("a", "GET", "k1"),
        ("a", "SET", "k1", "2"),
        ("a", "GET", "k2"),
        ("c", "FLUSHDB"),                 # the null in the tracker's protocol (RESP2)
        # To a RESP2 client not in pub/sub mode: nothing can be sent.
        ("a", "CLIENT", "TRACKING", "on", "redirect", "@id:q"),
        ("a", "GET", "k3"),
        ("c", "SET", "k3", "1"),
        # To a RESP3 client: a push, even though it is not subscribed.
        ("a", "CLIENT", "TRACKING", "on", "redirect", "@id:t"),
        ("a", "GET", "k4"),
        ("c", "SET", "k4", "1"),
        ("c", "FLUSHALL"),
        # A RESP3 tracker redirecting to a RESP2 subscriber: its null is RESP3's.
        ("t", "CLIENT", "TRACKING", "on", "redirect", "@id:r"),
        ("c", "FLUSHALL"),
        ("t", "CLIENT", "TRACKING", "on", "bcast", "prefix", "b:"),
        ("t", "CLIENT", "TRACKING", "off"),
        ("t", "CLIENT", "TRACKING", "on", "bcast", "prefix", "b:", "redirect", "@id:r"),
        ("c", "MSET", "b:1", "1", "b:2", "2"),
        # The target goes away: a RESP3 tracker is told each time something is due.
        ("t", "CLIENT", "TRACKING", "off"),
        ("t", "CLIENT", "TRACKING", "on", "redirect", "@id:r"),
        ("t", "GET", "k5"),
        ("@close", "r"),
        ("c", "SET", "k5", "1"),
        ("@flags", "c", "t"),
        ("@ids", "t", "CLIENT", "TRACKINGINFO"),
        ("@ids", "t", "CLIENT", "GETREDIR"),
        ("c", "SET", "k5", "2"),          # forgotten: nothing
        ("t", "GET", "k5"),
        ("c", "SET", "k5", "3"),
        ("t", "CLIENT", "TRACKING", "on", "redirect", "@id:a"),  # a fresh redirect clears it
        ("@flags", "c", "t"),
        ("@stats",),
    ])


def test_reply_off_keeps_invalidations(debug_servers):
    check(debug_servers, A3, [
        ("a", "CLIENT", "TRACKING", "on"),
        ("a", "GET", "k"),
        # Replies: none for the silenced commands, +OK for REPLY ON.
        ("@pipeline", "a", [("CLIENT", "REPLY", "OFF"), ("SET", "k", "1"), ("CLIENT", "REPLY", "ON")], 1),
        ("a", "GET", "k"),
        ("@pipeline", "a", [("CLIENT", "REPLY", "SKIP"), ("SET", "k", "2"), ("GET", "k")], 1),
        ("a", "SET", "k", "3"),
    ])


def test_disabling_keeps_old_reads_and_disconnect(debug_servers):
    check(debug_servers, {"a": 3, "b": 3, "c": 2}, [
        ("a", "CLIENT", "TRACKING", "on"),
        ("b", "CLIENT", "TRACKING", "on", "bcast", "prefix", "d"),
        ("a", "MGET", "d1", "d2"),
        ("@stats",),
        ("a", "CLIENT", "TRACKING", "off"),
        ("c", "SET", "d1", "1"),          # off: not told
        ("@stats",),
        ("a", "CLIENT", "TRACKING", "on"),
        ("c", "SET", "d2", "1"),          # read in the earlier session: told (as Redis)
        ("a", "GET", "d3"),
        ("a", "RESET"),
        ("c", "SET", "d3", "1"),
        ("@close", "b"),
        ("@stats",),
        ("c", "SET", "d4", "1"),
    ])


def test_table_limit_evicts_and_invalidates(debug_servers):
    """Over tracking-table-max-keys, random keys are invalidated until the table fits."""
    for srv in debug_servers:
        admin = connect(srv)
        admin.call("FLUSHALL")
        assert admin.call("CONFIG", "SET", "tracking-table-max-keys", "5")[0] == b"+OK\r\n"
        assert admin.call("CONFIG", "GET", "tracking-table-max-keys")[1] == [b"tracking-table-max-keys", b"5"]
        client = RespConnection("127.0.0.1", srv.port)
        client.call("HELLO", "3")
        client.call("CLIENT", "TRACKING", "on")
        keys = [b"k%d" % i for i in range(12)]
        client.send_raw(RespConnection.encode(["MGET"] + keys))
        invalidated = []
        reply = None
        # The limit is enforced before the next command (and by the cron): by PING's reply
        # the table fits.
        client.send_raw(RespConnection.encode(["PING"]))
        while reply != b"PONG":
            raw, value = client.read_reply()
            if isinstance(value, Push):
                assert value[0] == b"invalidate"
                invalidated.extend(value[1])
            elif isinstance(value, bytes):
                reply = value
        assert len(invalidated) == 7 and len(set(invalidated)) == 7 and set(invalidated) <= set(keys), srv
        assert tracking_stats(srv.port)[1:3] == (5, 5), srv
        # What was dropped is no longer tracked; what is left still is.
        kept = [k for k in keys if k not in invalidated]
        admin.call("MSET", *[x for k in keys for x in (k, b"v")])
        later = []
        client.send_raw(RespConnection.encode(["PING"]))
        while True:
            raw, value = client.read_reply()
            if isinstance(value, Push):
                later.extend(value[1])
            elif value == b"PONG":
                break
        assert sorted(later) == sorted(kept), srv
        assert admin.call("CONFIG", "SET", "tracking-table-max-keys", "0")[0] == b"+OK\r\n"
        client.close()
        admin.close()


def test_served_blocked_command_gets_its_reply_before_its_own_invalidation(server):
    """A tracking client blocked in BLMOVE is served by another client's push: the move
    changes a key the blocked client tracks, and the invalidation follows the BLMOVE reply,
    as it does after any command of the client's own."""
    waiter, pusher = RespConnection("127.0.0.1", server.port), RespConnection("127.0.0.1", server.port)
    waiter.call("HELLO", "3")
    waiter.call("CLIENT", "TRACKING", "on")
    waiter.call("RPUSH", "dst", "x")
    waiter.call("LRANGE", "dst", "0", "-1")  # dst is tracked now
    waiter.send_raw(waiter.encode(["BLMOVE", "src", "dst", "LEFT", "LEFT", "0"]))
    deadline = time.time() + 30
    while b"blocked_clients:1\r" not in pusher.call("INFO", "clients")[0] and time.time() < deadline:
        time.sleep(0.01)
    pusher.call("RPUSH", "src", "v")
    first, second = waiter.read_reply(), waiter.read_reply()
    assert first[0] == b"$1\r\nv\r\n"
    assert isinstance(second[1], Push) and second[1] == [b"invalidate", [b"dst"]]
    waiter.close()
    pusher.close()
