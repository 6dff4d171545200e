"""maxmemory and eviction, checked on corvid-server and on redis-server 7.0.15.

Every test runs once on each server of a private pair with the same expectations. The two
servers account memory differently (per-key overhead, jemalloc against the sanitizer's
allocator), so no byte count is compared across servers or hard-coded for the data: each
test reads its server's own `INFO memory` used_memory, sets maxmemory relative to it, writes
1-10 KB strings (pipelined) until clearly past the limit, and asserts properties: who gets
the OOM error and with which text, that eviction keeps the server near its limit, which keys
a policy spares, that an eviction is a key change (keyspace events, WATCH, tracking), how
OBJECT FREQ counts accesses, and the INFO/CONFIG surface. Nothing asserts on timing.

Each test first resets what it changes (FLUSHALL, maxmemory 0, noeviction, lfu-log-factor
10, no keyspace events) and sets maxmemory back to 0 when it ends, so that a failure does
not leave the shared server refusing writes.
"""

import re
import time

import pytest

from support.resp import Error, Push, RespConnection, connect

OOM = "OOM command not allowed when used memory > 'maxmemory'."
OOM_RAW = b"-" + OOM.encode() + b"\r\n"
EXECABORT_PREVIOUS = b"-EXECABORT Transaction discarded because of previous errors.\r\n"
EXECABORT_OOM = b"-EXECABORT Transaction discarded because of: " + OOM.encode() + b"\r\n"

POLICIES = ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl",
            "allkeys-lru", "allkeys-lfu", "allkeys-random", "noeviction"]
BAD_POLICY_ERROR = ("ERR CONFIG SET failed (possibly related to argument 'maxmemory-policy') - argument(s) "
                    "must be one of the following: volatile-lru, volatile-lfu, volatile-random, volatile-ttl, "
                    "allkeys-lru, allkeys-lfu, allkeys-random, noeviction")
NO_IDLETIME_ERROR = ("ERR An LFU maxmemory policy is selected, idle time not tracked. Please note that when "
                     "switching between policies at runtime LRU and LFU data will take some time to adjust.")
NO_FREQ_ERROR = ("ERR An LFU maxmemory policy is not selected, access frequency not tracked. Please note that "
                 "when switching between policies at runtime LRU and LFU data will take some time to adjust.")

MB = 1024 * 1024
# After a burst of writes a server that evicts before every command is over its limit by at
# most the last value written and its bookkeeping (~10 KB here). Redis 7.0.15 ends within a
# few KB of maxmemory; 1 MB of slack leaves room for client buffers and a different
# allocator's accounting while still catching a server that stops evicting (the bursts
# below write 8x the limit's headroom).
SLACK = 1 * MB


@pytest.fixture(params=[0, 1], ids=["corvid", "redis"])
def server(request, debug_servers):
    srv = debug_servers[request.param]
    admin = connect(srv)
    reset(admin)
    admin.close()
    yield srv
    # Whatever happened, leave a server that accepts writes for the next test.
    admin = connect(srv)
    try:
        admin.call("CONFIG", "SET", "maxmemory", "0")
    finally:
        admin.close()


def ok(conn, *args):
    raw, value = conn.call(*args)
    assert raw == b"+OK\r\n", (args, raw)
    return value


def reset(conn):
    ok(conn, "CONFIG", "SET", "maxmemory", "0")
    ok(conn, "FLUSHALL")
    ok(conn, "CONFIG", "SET", "maxmemory-policy", "noeviction")
    ok(conn, "CONFIG", "SET", "lfu-log-factor", "10")
    ok(conn, "CONFIG", "SET", "notify-keyspace-events", "")


def release(conn, *others):
    """Leaves the server accepting writes and sending no keyspace events, and closes the
    connections."""
    conn.call("CONFIG", "SET", "maxmemory", "0")
    conn.call("CONFIG", "SET", "notify-keyspace-events", "")
    for c in (conn,) + others:
        c.close()


def info(conn, section):
    """INFO fields, read on an existing connection: a new connection's memory can itself
    trigger an eviction."""
    text = conn.call("INFO", section)[1].decode()
    fields = {}
    for line in text.split("\r\n"):
        if line and not line.startswith("#"):
            name, _, value = line.partition(":")
            fields[name] = int(value) if re.fullmatch(r"-?\d+", value) else value
    return fields


def used_memory(conn):
    return info(conn, "memory")["used_memory"]


def evicted_keys(conn):
    return info(conn, "stats")["evicted_keys"]


def dbsize_and_evicted_keys(conn):
    """DBSIZE and evicted_keys read at one instant, in a transaction. Read one after the
    other they can disagree: eviction that hits its time limit goes on from a timer (in
    Redis 7.0.15 and in Corvid), and may evict between the two reads."""
    ok(conn, "MULTI")
    assert conn.call("DBSIZE")[0] == b"+QUEUED\r\n"
    assert conn.call("INFO", "stats")[0] == b"+QUEUED\r\n"
    dbsize, stats = conn.call("EXEC")[1]
    evicted = re.search(rb"\r\nevicted_keys:(\d+)\r\n", stats)
    return dbsize, int(evicted.group(1))


def value_size(i):
    """A deterministic spread of sizes between 1 KB and 10 KB."""
    return 1000 + (i * 7919) % 9000


def pipeline(conn, commands, batch=100):
    """Sends commands in pipelined batches; returns the raw replies in order."""
    replies = []
    for start in range(0, len(commands), batch):
        chunk = commands[start:start + batch]
        conn.send_raw(b"".join(RespConnection.encode(c) for c in chunk))
        for _ in chunk:
            replies.append(conn.read_reply()[0])
    return replies


def write_until_oom(conn, commands, batch=50):
    """Sends commands in batches until one is refused; returns the replies of all batches sent."""
    replies = []
    for start in range(0, len(commands), batch):
        replies += pipeline(conn, commands[start:start + batch], batch)
        if any(r.startswith(b"-") for r in replies):
            break
    return replies


def existing(conn, keys):
    replies = pipeline(conn, [("EXISTS", k) for k in keys], batch=500)
    return [k for k, r in zip(keys, replies) if r == b":1\r\n"]


def set_limit(conn, limit):
    ok(conn, "CONFIG", "SET", "maxmemory", str(limit))


# ----------------------------------------------------------------------------- noeviction


def test_noeviction_refuses_denyoom_commands(server):
    conn = connect(server)
    admin = connect(server)
    try:
        baseline = used_memory(conn)
        set_limit(admin, baseline + 2 * MB)
        keys = ["k:%d" % i for i in range(2000)]  # ~5 MB each way, far past the 2 MB headroom
        replies = write_until_oom(conn, [("SET", k, "v" * 5000) for k in keys])
        written = replies.index(OOM_RAW)
        assert written > 0
        assert replies[:written] == [b"+OK\r\n"] * written
        # Once refused, every later write of the burst is refused too: nothing was freed.
        assert replies[written:] == [OOM_RAW] * (len(replies) - written)
        assert conn.call("DBSIZE")[1] == written
        # The refused write was only just over the limit (Redis counts the command's own
        # arguments): what follows needs to be well over it.
        set_limit(admin, used_memory(admin) - MB // 2)

        # Denyoom commands are refused and change nothing.
        assert conn.call("SET", "newkey", "x")[0] == OOM_RAW
        assert conn.call("LPUSH", "newlist", "a")[0] == OOM_RAW
        assert conn.call("SET", "k:0", "overwritten")[0] == OOM_RAW
        assert conn.call("APPEND", "k:1", "more")[0] == OOM_RAW
        assert conn.call("EXISTS", "newkey", "newlist")[1] == 0
        assert conn.call("GET", "k:0")[1] == b"v" * 5000
        assert conn.call("STRLEN", "k:1")[1] == 5000
        assert conn.call("DBSIZE")[1] == written

        # Everything else still runs.
        assert conn.call("PING")[0] == b"+PONG\r\n"
        assert conn.call("EXPIRE", "k:2", "1000")[1] == 1
        assert conn.call("PERSIST", "k:2")[1] == 1
        assert conn.call("GETDEL", "k:3")[1] == b"v" * 5000
        assert conn.call("DEL", "k:4")[1] == 1
        assert conn.call("DBSIZE")[1] == written - 2

        # MULTI is accepted, but while over the limit every queued command is refused
        # (GET and DEL too), which aborts the transaction; EXEC and DISCARD are never refused.
        assert conn.call("MULTI")[0] == b"+OK\r\n"
        assert conn.call("GET", "k:0")[0] == OOM_RAW
        assert conn.call("SET", "nk", "1")[0] == OOM_RAW
        assert conn.call("DEL", "k:5")[0] == OOM_RAW
        assert conn.call("EXEC")[0] == EXECABORT_PREVIOUS
        assert conn.call("EXISTS", "nk", "k:5")[1] == 1
        assert conn.call("MULTI")[0] == b"+OK\r\n"
        assert conn.call("SET", "nk", "1")[0] == OOM_RAW
        assert conn.call("DISCARD")[0] == b"+OK\r\n"
        assert conn.call("EXEC")[0] == b"-ERR EXEC without MULTI\r\n"

        # Deleting half the keys brings memory under the limit: writes work again.
        assert conn.call("DEL", *keys[5:written // 2 + 5])[1] == written // 2
        assert conn.call("SET", "newkey", "x")[0] == b"+OK\r\n"
        assert conn.call("LPUSH", "newlist", "a")[1] == 1
        assert conn.call("FLUSHALL")[0] == b"+OK\r\n"
        assert conn.call("SET", "k:0", "again")[0] == b"+OK\r\n"

        # Going over while commands are queued: EXEC aborts if a denyoom command is queued
        # (and leaves the transaction), but runs a transaction of reads.
        assert conn.call("MULTI")[0] == b"+OK\r\n"
        assert conn.call("SET", "queued", "1")[0] == b"+QUEUED\r\n"
        assert conn.call("GET", "k:0")[0] == b"+QUEUED\r\n"
        set_limit(admin, 1)
        assert conn.call("EXEC")[0] == EXECABORT_OOM
        assert conn.call("GET", "queued")[0] == b"$-1\r\n"  # not in MULTI any more
        set_limit(admin, 0)
        assert conn.call("MULTI")[0] == b"+OK\r\n"
        assert conn.call("GET", "k:0")[0] == b"+QUEUED\r\n"
        assert conn.call("DEL", "k:0")[0] == b"+QUEUED\r\n"
        set_limit(admin, 1)
        assert conn.call("EXEC")[0] == b"*2\r\n$5\r\nagain\r\n:1\r\n"
        set_limit(admin, 0)
        assert conn.call("MULTI")[0] == b"+OK\r\n"
        assert conn.call("SET", "queued", "1")[0] == b"+QUEUED\r\n"
        set_limit(admin, 1)
        assert conn.call("DISCARD")[0] == b"+OK\r\n"
        # Nested MULTI and WATCH inside MULTI meet the OOM check before their own errors.
        assert conn.call("MULTI")[0] == b"+OK\r\n"
        assert conn.call("MULTI")[0] == OOM_RAW
        assert conn.call("WATCH", "x")[0] == OOM_RAW
        assert conn.call("PING")[0] == OOM_RAW
        assert conn.call("EXEC")[0] == EXECABORT_PREVIOUS
        assert conn.call("EXISTS", "queued")[1] == 0
    finally:
        admin.call("CONFIG", "SET", "maxmemory", "0")
        conn.close()
        admin.close()


# ----------------------------------------------------------------------- allkeys policies


@pytest.mark.parametrize("policy", ["allkeys-random", "allkeys-lru", "allkeys-lfu"])
def test_allkeys_policies_stay_near_the_limit(server, policy):
    conn = connect(server)
    try:
        ok(conn, "CONFIG", "SET", "maxmemory-policy", policy)
        before = evicted_keys(conn)
        limit = used_memory(conn) + 2 * MB
        set_limit(conn, limit)
        count = 3000  # ~16 MB of values
        replies = pipeline(conn, [("SET", "key:%d" % i, "v" * value_size(i)) for i in range(count)])
        assert replies == [b"+OK\r\n"] * count
        dbsize, evicted = dbsize_and_evicted_keys(conn)
        assert 0 < dbsize < count // 4
        # Nothing else deletes keys here, so every missing key was evicted.
        assert evicted - before == count - dbsize
        assert used_memory(conn) <= limit + SLACK
        # The survivors are intact.
        for k in existing(conn, ["key:%d" % i for i in range(count - 50, count)])[:5]:
            i = int(k.split(":")[1])
            assert conn.call("STRLEN", k)[1] == value_size(i)
    finally:
        conn.call("CONFIG", "SET", "maxmemory", "0")
        conn.close()


@pytest.mark.parametrize("policy", ["allkeys-random", "volatile-random"])
def test_random_eviction_is_uniform(server, policy):
    """Which keys the random policies evict does not depend on when a key was written: the
    evicted keys of 2000, in ten groups of 200 by age (and in ten groups by index modulo
    10), pass a chi-square bound (nine degrees of freedom; 40 has probability 1e-5 for a
    uniform choice)."""
    conn = connect(server)
    try:
        ok(conn, "CONFIG", "SET", "maxmemory-policy", policy)
        count, size = 2000, 1000
        keys = ["r:%d" % i for i in range(count)]
        assert pipeline(conn, [("SET", k, "v" * size, "EX", "100000") for k in keys]) == [b"+OK\r\n"] * count
        # About a third of them must go to get under the limit; the next write does it.
        set_limit(conn, used_memory(conn) - count * size // 3)
        assert conn.call("SET", "trigger", "x")[0] == b"+OK\r\n"
        kept = set(existing(conn, keys))
        evicted = [i for i, k in enumerate(keys) if k not in kept]
        assert count // 5 < len(evicted) < count // 2, len(evicted)
        for group in (lambda i: i // 200, lambda i: i % 10):
            counts = [0] * 10
            for i in evicted:
                counts[group(i)] += 1
            expected = len(evicted) / 10
            assert sum((c - expected) ** 2 / expected for c in counts) < 40, counts
    finally:
        conn.call("CONFIG", "SET", "maxmemory", "0")
        conn.close()


# ------------------------------------------------------------------- approximated LRU/LFU


def _hot_and_cold(server, policy, fill_factor):
    """Writes cold keys, makes a few of them hot, then writes `fill_factor` times as many
    new keys into a limit with room for half as many; returns (hot kept, cold kept, counts)."""
    conn = connect(server)
    try:
        ok(conn, "CONFIG", "SET", "maxmemory-policy", policy)
        ok(conn, "CONFIG", "SET", "lfu-log-factor", "0")
        baseline = used_memory(conn)
        ncold, size = 1000, 2000
        cold = ["cold:%d" % i for i in range(ncold)]
        assert pipeline(conn, [("SET", k, "c" * size) for k in cold]) == [b"+OK\r\n"] * ncold
        after = used_memory(conn)
        # Room for about half as many keys again as there are now.
        set_limit(conn, after + (after - baseline) // 2)
        assert conn.call("DBSIZE")[1] == ncold
        hot = cold[::50]  # 20 keys
        if policy.endswith("lru"):
            time.sleep(1.1)  # the LRU clock has a resolution of one second
        for _ in range(5):
            assert all(r.startswith(b"$") for r in pipeline(conn, [("GET", k) for k in hot]))
        before = evicted_keys(conn)
        nfill = int(ncold * fill_factor)
        replies = pipeline(conn, [("SET", "fill:%d" % i, "f" * size) for i in range(nfill)])
        assert replies == [b"+OK\r\n"] * nfill
        assert evicted_keys(conn) > before
        hot_kept = len(existing(conn, hot))
        cold_kept = len(existing(conn, [k for k in cold if k not in hot]))
        return hot_kept, cold_kept, len(hot), ncold - len(hot)
    finally:
        conn.call("CONFIG", "SET", "maxmemory", "0")
        conn.call("CONFIG", "SET", "lfu-log-factor", "10")
        conn.close()


def test_allkeys_lru_keeps_recently_used_keys(server):
    # The new keys need about half the cold keys' room: the cold keys, idle for a second
    # longer than the hot ones and the new ones, are the ones to go.
    hot_kept, cold_kept, nhot, ncold = _hot_and_cold(server, "allkeys-lru", 1.0)
    assert hot_kept >= nhot * 9 // 10, (hot_kept, cold_kept)
    assert cold_kept <= ncold * 3 // 4, (hot_kept, cold_kept)


def test_allkeys_lfu_keeps_frequently_used_keys(server):
    # With lfu-log-factor 0 each access adds one: hot keys count 10, all others 5. Writing
    # twice as many new keys as there are cold ones evicts new keys too, never hot ones.
    hot_kept, cold_kept, nhot, ncold = _hot_and_cold(server, "allkeys-lfu", 2.0)
    assert hot_kept >= nhot * 9 // 10, (hot_kept, cold_kept)
    assert cold_kept <= ncold // 2, (hot_kept, cold_kept)


# ---------------------------------------------------------------------- volatile policies


@pytest.mark.parametrize("policy", ["volatile-lru", "volatile-lfu", "volatile-random", "volatile-ttl"])
def test_volatile_policies_evict_only_keys_with_a_ttl(server, policy):
    conn = connect(server)
    try:
        ok(conn, "CONFIG", "SET", "maxmemory-policy", policy)
        baseline = used_memory(conn)
        size = 2000
        persistent = ["p:%d" % i for i in range(100)]
        short = ["short:%d" % i for i in range(600)]
        long_ = ["long:%d" % i for i in range(30)]
        commands = [("SET", k, "p" * size) for k in persistent]
        commands += [("SET", k, "s" * size, "EX", str(10000 + i)) for i, k in enumerate(short)]
        commands += [("SET", k, "l" * size, "EX", str(1000000 + i)) for i, k in enumerate(long_)]
        assert pipeline(conn, commands) == [b"+OK\r\n"] * len(commands)
        after = used_memory(conn)
        set_limit(conn, after + (after - baseline) // 2)

        # More volatile keys than there is room for: volatile keys make way.
        before = evicted_keys(conn)
        medium = [("SET", "medium:%d" % i, "m" * size, "EX", str(500000 + i)) for i in range(600)]
        assert pipeline(conn, medium) == [b"+OK\r\n"] * len(medium)
        assert evicted_keys(conn) > before
        assert existing(conn, persistent) == persistent
        if policy == "volatile-ttl":
            # The shortest TTLs go first.
            assert len(existing(conn, long_)) >= len(long_) * 9 // 10
            assert len(existing(conn, short)) <= len(short) * 3 // 4

        # Keys without a TTL are never evicted: once only they are left, writes are refused.
        # A pipelined burst can end just under the limit (its own query buffer is freed), so
        # the burst is followed by single writes until one is refused.
        more = [("SET", "q:%d" % i, "q" * size) for i in range(4000)]
        replies = write_until_oom(conn, more)
        assert OOM_RAW in replies, "4000 writes of 2 KB never filled the limit"
        written = [cmd[1] for cmd, r in zip(more, replies) if r == b"+OK\r\n"]
        for i in range(500):
            raw = conn.call("SET", "r:%d" % i, "r" * size)[0]
            if raw == OOM_RAW:
                break
            assert raw == b"+OK\r\n"
            written.append("r:%d" % i)
        else:
            raise AssertionError("500 more writes of 2 KB never filled the limit")
        assert conn.call("EXISTS", "r:%d" % i)[1] == 0
        keys = [k.decode() for k in conn.call("KEYS", "*")[1]]
        assert all(r == b":-1\r\n" for r in pipeline(conn, [("TTL", k) for k in keys], batch=500))
        assert sorted(keys) == sorted(persistent + written)
        # A refused write is only just over the limit (Redis counts the command's own
        # arguments); well over it, with nothing left to evict, every write is refused.
        set_limit(conn, used_memory(conn) - MB // 2)
        assert conn.call("SET", "one-more", "x", "EX", "100")[0] == OOM_RAW
        assert conn.call("SET", "one-more", "x")[0] == OOM_RAW
        assert conn.call("DBSIZE")[1] == len(keys)
    finally:
        conn.call("CONFIG", "SET", "maxmemory", "0")
        conn.close()


# ---------------------------------------------------------------- an eviction is a change


def _evict_the_volatile_key(server, key, conn):
    """Under volatile-lru, with `key` (a 600 KB value) the only key with a TTL, writes
    persistent keys until it is evicted; memory is then well under the limit."""
    ok(conn, "CONFIG", "SET", "maxmemory-policy", "volatile-lru")
    baseline = used_memory(conn)
    assert conn.call("SET", key, "w" * 600000, "EX", "1000")[0] == b"+OK\r\n"
    set_limit(conn, baseline + 1 * MB)
    for i in range(200):  # 200 x 10 KB is past the limit
        assert conn.call("SET", "filler:%d" % i, "f" * 10000)[0] == b"+OK\r\n"
        if conn.call("EXISTS", key)[1] == 0:
            return
    raise AssertionError("%s was never evicted" % key)


def test_eviction_sends_keyspace_events(server):
    conn = connect(server)
    sub = connect(server)
    try:
        ok(conn, "CONFIG", "SET", "notify-keyspace-events", "KEA")
        assert sub.call("PSUBSCRIBE", "__key*__:*")[1][0] == b"psubscribe"
        _evict_the_volatile_key(server, "watched", conn)
        assert conn.call("PUBLISH", "__keyend__:done", "end")[1] == 1
        messages = []
        while True:
            msg = sub.read_reply()[1]
            if msg[2] == b"__keyend__:done":
                break
            if msg[3] == b"evicted" or msg[2] == b"__keyevent@0__:evicted":
                messages.append(msg)
        assert messages == [
            [b"pmessage", b"__key*__:*", b"__keyspace@0__:watched", b"evicted"],
            [b"pmessage", b"__key*__:*", b"__keyevent@0__:evicted", b"watched"],
        ]
    finally:
        release(conn, sub)


def test_every_evicted_key_is_notified(server):
    conn = connect(server)
    sub = connect(server)
    try:
        ok(conn, "CONFIG", "SET", "notify-keyspace-events", "Ee")
        ok(conn, "CONFIG", "SET", "maxmemory-policy", "allkeys-random")
        assert sub.call("PSUBSCRIBE", "__keyevent@0__:evicted")[1][0] == b"psubscribe"
        assert sub.call("SUBSCRIBE", "end")[1][0] == b"subscribe"
        before = evicted_keys(conn)
        set_limit(conn, used_memory(conn) + 2 * MB)
        count = 1000
        keys = ["key:%d" % i for i in range(count)]
        assert pipeline(conn, [("SET", k, "v" * value_size(i)) for i, k in enumerate(keys)]) == [b"+OK\r\n"] * count
        # No limit from here on: the messages queued for the subscriber would otherwise
        # count as used memory and make more evictions while they are being read.
        ok(conn, "CONFIG", "SET", "maxmemory", "0")
        evicted = evicted_keys(conn) - before
        assert evicted > 0
        assert conn.call("PUBLISH", "end", "done")[1] == 1
        notified = []
        while True:
            msg = sub.read_reply()[1]
            if msg[0] == b"message":
                break
            assert msg[:3] == [b"pmessage", b"__keyevent@0__:evicted", b"__keyevent@0__:evicted"], msg
            notified.append(msg[3].decode())
        assert len(notified) == len(set(notified)) == evicted
        assert existing(conn, notified) == []
        assert len(existing(conn, keys)) == count - evicted
    finally:
        release(conn, sub)


def test_eviction_of_a_watched_key_fails_exec(server):
    conn = connect(server)
    watcher = connect(server)
    try:
        assert watcher.call("WATCH", "watched")[0] == b"+OK\r\n"
        _evict_the_volatile_key(server, "watched", conn)
        assert watcher.call("MULTI")[0] == b"+OK\r\n"
        assert watcher.call("SET", "result", "1")[0] == b"+QUEUED\r\n"
        assert watcher.call("EXEC")[0] == b"*-1\r\n"
        assert conn.call("EXISTS", "result")[1] == 0
        # Without the eviction, the same transaction runs.
        assert watcher.call("WATCH", "filler:0")[0] == b"+OK\r\n"
        assert watcher.call("MULTI")[0] == b"+OK\r\n"
        assert watcher.call("SET", "result", "1")[0] == b"+QUEUED\r\n"
        assert watcher.call("EXEC")[0] == b"*1\r\n+OK\r\n"
    finally:
        conn.call("CONFIG", "SET", "maxmemory", "0")
        conn.close()
        watcher.close()


def test_eviction_of_a_tracked_key_invalidates_it(server):
    conn = connect(server)
    tracker = connect(server)
    try:
        assert tracker.call("HELLO", "3")[1] is not None
        assert tracker.call("CLIENT", "TRACKING", "on")[0] == b"+OK\r\n"
        assert conn.call("SET", "other", "x")[0] == b"+OK\r\n"
        assert tracker.call("GET", "other")[1] == b"x"
        # The key is read (and so tracked) after it is written, before it is evicted.
        ok(conn, "CONFIG", "SET", "maxmemory-policy", "volatile-lru")
        baseline = used_memory(conn)
        assert conn.call("SET", "watched", "w" * 600000, "EX", "1000")[0] == b"+OK\r\n"
        assert len(tracker.call("GET", "watched")[1]) == 600000
        set_limit(conn, baseline + 1 * MB)
        for i in range(200):
            assert conn.call("SET", "filler:%d" % i, "f" * 10000)[0] == b"+OK\r\n"
            if conn.call("EXISTS", "watched")[1] == 0:
                break
        else:
            raise AssertionError("watched was never evicted")
        # The invalidation is on its way before the PING is read: it arrives first.
        tracker.send_raw(RespConnection.encode(["PING"]))
        frames = [tracker.read_reply()[1]]
        while frames[-1] != b"PONG":
            frames.append(tracker.read_reply()[1])
        assert frames == [Push([b"invalidate", [b"watched"]]), b"PONG"]
        assert isinstance(frames[0], Push)
    finally:
        conn.call("CONFIG", "SET", "maxmemory", "0")
        conn.close()
        tracker.close()


# ----------------------------------------------------------------- OBJECT FREQ / IDLETIME

# (command, key whose OBJECT FREQ follows it, the frequency Redis 7.0.15 reports) under
# allkeys-lfu with lfu-log-factor 0 (every access adds one; a new key starts at 5) and
# lfu-decay-time 0 (no decay). maxmemory is non-zero: with maxmemory 0 Redis stores small
# integers as shared objects whose counter belongs to every key holding that integer.
FREQ_TRANSCRIPT = [
    (("SET", "s", "v"), "s", 5),                     # a new key starts at LFU_INIT_VAL
    (("GET", "s"), "s", 6),
    (("GET", "s"), "s", 7),
    (("GET", "s"), "s", 8),
    (("SET", "s", "w"), "s", 9),                     # overwrite: the lookup counts, the counter is kept
    (("EXISTS", "s"), "s", 9),                       # no-touch lookups
    (("TYPE", "s"), "s", 9),
    (("TTL", "s"), "s", 9),
    (("PTTL", "s"), "s", 9),
    (("OBJECT", "ENCODING", "s"), "s", 9),
    (("OBJECT", "FREQ", "s"), "s", 9),
    (("STRLEN", "s"), "s", 10),
    (("GETRANGE", "s", "0", "0"), "s", 11),
    (("APPEND", "s", "x"), "s", 12),
    (("SETRANGE", "s", "0", "y"), "s", 13),
    (("GETSET", "s", "z"), "s", 15),                 # read, then a second lookup to write
    (("SET", "s", "v4", "GET"), "s", 17),            # same
    (("GETEX", "s"), "s", 18),
    (("SET", "s", "v5", "NX"), "s", 19),             # not set, still looked up
    (("SETNX", "s", "x"), "s", 20),
    (("SET", "s", "v6", "XX"), "s", 21),
    (("TOUCH", "s"), "s", 22),
    (("SET", "n", "10"), "n", 5),
    (("INCR", "n"), "n", 6),
    (("INCRBY", "n", "5"), "n", 7),
    (("SET", "big", "100000"), "big", 5),
    (("INCR", "big"), "big", 6),
    (("INCRBYFLOAT", "big", "1.5"), "big", 7),
    (("MGET", "s", "n", "big"), "n", 8),
    (("MGET", "s"), "s", 24),                        # MGET above counted s too
    (("HSET", "h", "f", "v"), "h", 5),
    (("HGET", "h", "f"), "h", 6),
    (("HSET", "h", "g", "v"), "h", 7),
    (("HGETALL", "h"), "h", 8),
    (("HLEN", "h"), "h", 9),
    (("HEXISTS", "h", "f"), "h", 10),
    (("RENAME", "h", "h2"), "h2", 11),               # the value moves with its counter
    (("COPY", "h2", "h3"), "h2", 12),
    (("OBJECT", "FREQ", "h3"), "h3", 5),             # a copy is a new object
    (("SET", "e", "v"), "e", 5),
    (("EXPIRE", "e", "100"), "e", 6),
    (("PERSIST", "e"), "e", 7),
    (("SET", "e", "v2", "EX", "100"), "e", 8),
    (("SET", "e", "v3", "KEEPTTL"), "e", 9),
    (("LPUSH", "l", "a"), "l", 5),
    (("LPUSH", "l", "b"), "l", 6),
    (("LRANGE", "l", "0", "-1"), "l", 7),
    (("LPOP", "l"), "l", 8),
    (("SADD", "st", "a", "b"), "st", 5),
    (("SISMEMBER", "st", "a"), "st", 6),
    (("SCARD", "st"), "st", 7),
    (("SUNIONSTORE", "st2", "st"), "st", 8),
    (("OBJECT", "FREQ", "st2"), "st2", 5),
    (("SMOVE", "st", "st2", "a"), "st2", 6),
    (("ZADD", "z", "1", "a"), "z", 5),
    (("ZSCORE", "z", "a"), "z", 6),
    (("ZINCRBY", "z", "1", "a"), "z", 7),
]


def _freq_transcript(srv):
    conn = connect(srv)
    try:
        ok(conn, "CONFIG", "SET", "maxmemory-policy", "allkeys-lfu")
        ok(conn, "CONFIG", "SET", "lfu-log-factor", "0")
        ok(conn, "CONFIG", "SET", "lfu-decay-time", "0")
        set_limit(conn, used_memory(conn) + 100 * MB)
        transcript = []
        for command, key, _ in FREQ_TRANSCRIPT:
            raw = conn.call(*command)[0]
            transcript.append((command, raw, key, conn.call("OBJECT", "FREQ", key)[1]))
        return transcript
    finally:
        conn.call("CONFIG", "SET", "maxmemory", "0")
        conn.call("CONFIG", "SET", "lfu-decay-time", "1")
        conn.call("CONFIG", "SET", "lfu-log-factor", "10")
        conn.close()


def test_object_freq_counts_accesses(server):
    transcript = _freq_transcript(server)
    got = [(command, key, freq) for command, _, key, freq in transcript]
    assert got == FREQ_TRANSCRIPT
    assert not any(raw.startswith(b"-") for _, raw, _, _ in transcript)


def test_object_freq_transcript_matches_oracle(debug_servers):
    corvid, oracle = debug_servers
    for srv in debug_servers:
        admin = connect(srv)
        reset(admin)
        admin.close()
    assert _freq_transcript(corvid) == _freq_transcript(oracle)


def test_object_freq_and_idletime_by_policy(server):
    conn = connect(server)
    try:
        assert conn.call("SET", "k", "v")[0] == b"+OK\r\n"
        assert conn.call("GET", "k")[1] == b"v"
        # LRU data is kept under noeviction and the LRU policies; FREQ needs an LFU policy.
        for policy in ["noeviction", "allkeys-lru", "volatile-lru", "allkeys-random", "volatile-ttl"]:
            ok(conn, "CONFIG", "SET", "maxmemory-policy", policy)
            assert conn.call("GET", "k")[1] == b"v"
            # Just accessed: 0, or 1 if a second boundary fell between the GET and this.
            assert conn.call("OBJECT", "IDLETIME", "k")[1] in (0, 1)
            assert conn.call("OBJECT", "FREQ", "k")[1] == Error(NO_FREQ_ERROR)
            assert conn.call("OBJECT", "FREQ", "missing")[0] == b"$-1\r\n"
            assert conn.call("OBJECT", "IDLETIME", "missing")[0] == b"$-1\r\n"
        for policy in ["allkeys-lfu", "volatile-lfu"]:
            ok(conn, "CONFIG", "SET", "maxmemory-policy", policy)
            ok(conn, "FLUSHALL")
            assert conn.call("SET", "k", "v")[0] == b"+OK\r\n"
            assert conn.call("OBJECT", "FREQ", "k")[1] == 5
            assert conn.call("OBJECT", "IDLETIME", "k")[1] == Error(NO_IDLETIME_ERROR)
            assert conn.call("OBJECT", "FREQ", "missing")[0] == b"$-1\r\n"
            assert conn.call("OBJECT", "IDLETIME", "missing")[0] == b"$-1\r\n"
    finally:
        conn.close()


# ------------------------------------------------------------------------ INFO and CONFIG


def _lines(srv, section):
    conn = connect(srv)
    try:
        text = conn.call("INFO", section)[1].decode()
    finally:
        conn.close()
    return [line for line in text.split("\r\n") if line and not line.startswith("#")]


def test_info_and_config(server):
    conn = connect(server)
    try:
        for value, number, human in [("0", 0, "0B"), ("1000", 1000, "1000B"), ("1024", 1024, "1.00K"),
                                     ("10mb", 10485760, "10.00M"), ("1500000", 1500000, "1.43M"),
                                     ("1gb", 1073741824, "1.00G"), ("1k", 1000, "1000B"),
                                     ("1KB", 1024, "1.00K"), ("2m", 2000000, "1.91M")]:
            ok(conn, "CONFIG", "SET", "maxmemory", value)
            assert conn.call("CONFIG", "GET", "maxmemory")[1] == [b"maxmemory", str(number).encode()]
            lines = _lines(server, "memory")
            i = lines.index("maxmemory:%d" % number)
            assert lines[i + 1:i + 3] == ["maxmemory_human:" + human, "maxmemory_policy:noeviction"]
        ok(conn, "CONFIG", "SET", "maxmemory", "0")
        for bad in ["1.5", "abc", "-1", "1tb"]:
            assert conn.call("CONFIG", "SET", "maxmemory", bad)[1] == Error(
                "ERR CONFIG SET failed (possibly related to argument 'maxmemory') - argument must be a memory value")
        assert conn.call("CONFIG", "GET", "maxmemory")[1] == [b"maxmemory", b"0"]

        for policy in POLICIES:
            ok(conn, "CONFIG", "SET", "maxmemory-policy", policy)
            assert conn.call("CONFIG", "GET", "maxmemory-policy")[1] == [b"maxmemory-policy", policy.encode()]
            assert "maxmemory_policy:" + policy in _lines(server, "memory")
        ok(conn, "CONFIG", "SET", "maxmemory-policy", "ALLKEYS-LRU")
        assert conn.call("CONFIG", "GET", "maxmemory-policy")[1] == [b"maxmemory-policy", b"allkeys-lru"]
        for bad in ["lru", "", "allkeys"]:
            assert conn.call("CONFIG", "SET", "maxmemory-policy", bad)[1] == Error(BAD_POLICY_ERROR)
        assert conn.call("CONFIG", "GET", "maxmemory-policy")[1] == [b"maxmemory-policy", b"allkeys-lru"]
        ok(conn, "CONFIG", "SET", "maxmemory-policy", "noeviction")

        stats = _lines(server, "stats")
        i = next(n for n, line in enumerate(stats) if line.startswith("evicted_keys:"))
        assert [line.split(":")[0] for line in stats[i:i + 4]] == [
            "evicted_keys", "evicted_clients", "total_eviction_exceeded_time", "current_eviction_exceeded_time"]
        assert stats[i - 1].startswith("expire_cycle_cpu_milliseconds:")
        assert stats[i + 4].startswith("keyspace_hits:")

        # evicted_keys counts evictions.
        before = evicted_keys(conn)
        ok(conn, "CONFIG", "SET", "maxmemory-policy", "allkeys-random")
        set_limit(conn, used_memory(conn) + 1 * MB)
        # Under the limit. (Redis only updates this while maxmemory is set: after a test that
        # ends over the limit and sets maxmemory 0, it keeps counting until the next check.)
        assert info(conn, "stats")["current_eviction_exceeded_time"] == 0
        replies = pipeline(conn, [("SET", "key:%d" % i, "v" * 5000) for i in range(600)])
        assert replies == [b"+OK\r\n"] * 600
        dbsize, evicted = dbsize_and_evicted_keys(conn)
        assert evicted - before == 600 - dbsize > 0
        # FLUSHALL and DEL are not evictions.
        after = evicted_keys(conn)
        ok(conn, "FLUSHALL")
        assert evicted_keys(conn) == after
    finally:
        conn.call("CONFIG", "SET", "maxmemory", "0")
        conn.call("CONFIG", "SET", "maxmemory-policy", "noeviction")
        conn.close()
