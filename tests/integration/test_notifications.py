"""Keyspace notifications (notify-keyspace-events), compared with redis-server 7.0.15.

Each scenario runs the same commands on corvid-server and on the oracle while a second
connection is subscribed to '__key*__:*', and the raw bytes of every message received
(and of every reply to the commands) must be identical on both. A marker message
published at the end tells the subscriber that the stream is complete.
"""

import difflib
import time

import pytest
import redis

from support.resp import RespConnection, connect

PATTERN = "__key*__:*"
END_CHANNEL = "__keyend__:done"


@pytest.fixture
def server(debug_server):
    return debug_server


def _wait_blocked(port, count):
    admin = redis.Redis(host="127.0.0.1", port=port)
    try:
        for _ in range(1000):
            if admin.info("clients")["blocked_clients"] == count:
                return
            time.sleep(0.005)
        raise AssertionError("client did not block")
    finally:
        admin.close()


def capture(srv, flags, steps, resp3=False):
    """Runs `steps` with notify-keyspace-events `flags`; returns (messages, replies).

    A step is a command (a tuple of arguments) or one of:
      ("@sleep", seconds)
      ("@block", command...)   sends a blocking command on a side connection
      ("@unblocked",)          reads the side connection's reply
      ("@random", command...)  a command whose reply is random: not compared
    """
    admin = connect(srv)
    admin.call("FLUSHALL")
    admin.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    assert admin.call("CONFIG", "SET", "notify-keyspace-events", flags)[0] == b"+OK\r\n"
    subscriber = connect(srv)
    if resp3:
        subscriber.call("HELLO", "3")
    subscriber.call("PSUBSCRIBE", PATTERN)
    client = connect(srv)
    side = connect(srv)
    replies = []
    try:
        for step in steps:
            if step[0] == "@sleep":
                time.sleep(step[1])
            elif step[0] == "@block":
                side.send_raw(RespConnection.encode(list(step[1:])))
                _wait_blocked(srv.port, 1)
            elif step[0] == "@unblocked":
                replies.append(side.read_reply()[0])
            elif step[0] == "@random":
                client.call(*step[1:])
            else:
                replies.append(client.call(*step)[0])
        admin.call("PUBLISH", END_CHANNEL, "end")
        messages = []
        while True:
            raw, value = subscriber.read_reply()
            if value[2] == END_CHANNEL.encode():
                break
            messages.append(raw)
    finally:
        admin.call("CONFIG", "SET", "notify-keyspace-events", "")
        admin.call("DEBUG", "SET-ACTIVE-EXPIRE", "1")
        admin.call("FLUSHALL")
        for conn in (admin, subscriber, client, side):
            conn.close()
    return messages, replies


def _brief(raw):
    # "channel message" of a pmessage frame (RESP2 or RESP3), for readable diffs.
    parts = raw.split(b"\r\n")
    return (parts[6] + b" " + parts[8]).decode(errors="replace")


def assert_same_stream(debug_servers, flags, steps, resp3=False, unordered=False):
    corvid_server, redis_server = debug_servers
    ours = capture(corvid_server, flags, steps, resp3)
    theirs = capture(redis_server, flags, steps, resp3)
    if unordered:
        ours, theirs = (sorted(ours[0]), ours[1]), (sorted(theirs[0]), theirs[1])
    assert ours[1] == theirs[1], "replies differ"
    if ours[0] != theirs[0]:
        diff = difflib.unified_diff([_brief(m) for m in theirs[0]], [_brief(m) for m in ours[0]], "redis", "corvid",
                                    lineterm="", n=2)
        raise AssertionError("notification streams differ:\n" + "\n".join(diff))
    return ours[0]


STRINGS = [
    ("SET", "s", "1"),
    ("SET", "s", "2", "EX", "100"),
    ("SET", "s", "3", "KEEPTTL"),
    ("SET", "s", "4", "NX"),
    ("SET", "s2", "x", "XX"),
    ("SET", "s", "5", "GET"),
    ("SET", "s", "6", "PX", "100000", "GET"),
    ("SETNX", "s", "1"),
    ("SETNX", "sn", "1"),
    ("SETEX", "se", "100", "v"),
    ("PSETEX", "spe", "100000", "v"),
    ("MSET", "m1", "a", "m2", "b"),
    ("MSETNX", "m3", "a", "m4", "b"),
    ("MSETNX", "m3", "a", "m5", "b"),
    ("GETSET", "m1", "z"),
    ("GETSET", "gs", "z"),
    ("APPEND", "ap", "abc"),
    ("APPEND", "ap", "def"),
    ("SETRANGE", "ap", "1", "ZZ"),
    ("SETRANGE", "sr", "3", "x"),
    ("SETRANGE", "sr2", "0", ""),
    ("INCR", "n"),
    ("INCRBY", "n", "5"),
    ("DECR", "n"),
    ("DECRBY", "n", "2"),
    ("INCRBYFLOAT", "f", "1.5"),
    ("INCR", "s"),
    ("GETDEL", "m2"),
    ("GETDEL", "m2"),
    ("GETEX", "m1", "EX", "100"),
    ("GETEX", "m1", "PERSIST"),
    ("GETEX", "m1"),
    ("GETEX", "m1", "PXAT", "1"),
    ("GETEX", "nokey", "EX", "5"),
    ("SET", "ex1", "v", "EXAT", "1"),
    # Reclaimed here or by the active cycle before: "expired" either way, never "del".
    ("DEL", "ex1"),
    ("GET", "nokey"),
    ("MGET", "s", "nokey", "n"),
    ("STRLEN", "nokey"),
    ("GETRANGE", "nokey", "0", "1"),
    ("LCS", "s", "nokey"),
]

KEYS = [
    ("SET", "a", "1"),
    ("SET", "b", "2"),
    ("DEL", "a", "nokey"),
    ("UNLINK", "b"),
    ("SET", "a", "1"),
    ("RENAME", "a", "b"),
    ("SET", "c", "3"),
    ("RENAME", "c", "b"),
    ("RENAME", "b", "b"),
    ("RENAMENX", "b", "d"),
    ("SET", "e", "1"),
    ("RENAMENX", "d", "e"),
    ("COPY", "d", "f"),
    ("COPY", "d", "f"),
    ("COPY", "d", "f", "REPLACE"),
    ("COPY", "d", "f", "DB", "1"),
    ("COPY", "nokey", "g"),
    ("MOVE", "f", "2"),
    ("MOVE", "nokey", "2"),
    ("EXPIRE", "d", "100"),
    ("PEXPIRE", "d", "100000"),
    ("EXPIREAT", "d", "99999999999"),
    ("PEXPIREAT", "d", "99999999999999"),
    ("EXPIRE", "d", "100", "NX"),
    ("EXPIRE", "d", "100", "GT"),
    ("PERSIST", "d"),
    ("PERSIST", "d"),
    ("EXPIRE", "nokey", "100"),
    ("EXPIRE", "d", "-1"),
    ("SET", "h", "1"),
    ("PEXPIREAT", "h", "1"),
    ("SET", "i", "1"),
    ("EXPIREAT", "i", "0"),
    ("TTL", "nokey"),
    ("PTTL", "nokey"),
    ("EXPIRETIME", "nokey"),
    ("TYPE", "nokey"),
    ("EXISTS", "nokey"),
    ("TOUCH", "nokey", "e"),
    ("OBJECT", "ENCODING", "nokey"),
    ("SET", "j", "1"),
    ("SWAPDB", "0", "1"),
    ("SWAPDB", "0", "1"),
    ("SELECT", "3"),
    ("SET", "k3", "1"),
    ("DEL", "k3"),
    ("SELECT", "0"),
    ("FLUSHDB",),
    ("SET", "k", "v"),
    ("FLUSHALL",),
]

LISTS = [
    ("LPUSH", "l", "a", "b"),
    ("RPUSH", "l", "c"),
    ("LPUSHX", "l", "d"),
    ("RPUSHX", "l", "e"),
    ("LPUSHX", "nokey", "d"),
    ("RPUSHX", "nokey", "d"),
    ("LINSERT", "l", "BEFORE", "c", "x"),
    ("LINSERT", "l", "AFTER", "nothere", "x"),
    ("LSET", "l", "0", "y"),
    ("LREM", "l", "0", "x"),
    ("LREM", "l", "0", "nothere"),
    ("LTRIM", "l", "0", "3"),
    ("LPOP", "l"),
    ("RPOP", "l"),
    ("LPOP", "l", "2"),
    ("LPOP", "nokey"),
    ("RPUSH", "l", "1", "2", "3"),
    ("LMOVE", "l", "l2", "LEFT", "RIGHT"),
    ("LMOVE", "l", "l", "LEFT", "RIGHT"),
    ("RPOPLPUSH", "l", "l2"),
    ("RPOPLPUSH", "l", "l2"),
    ("LMPOP", "2", "nokey", "l2", "LEFT", "COUNT", "5"),
    ("RPUSH", "t", "1", "2", "3"),
    ("LTRIM", "t", "5", "10"),
    ("RPUSH", "t", "1"),
    ("LREM", "t", "0", "1"),
    ("LRANGE", "nokey", "0", "-1"),
    ("LINDEX", "nokey", "0"),
    ("LLEN", "nokey"),
    ("LPOS", "nokey", "a"),
    ("BLPOP", "nokey", "0.01"),
    ("RPUSH", "bl", "a"),
    ("BLPOP", "bl", "0"),
    ("RPUSH", "bl", "a", "b"),
    ("BRPOP", "bl", "0"),
    ("BLMOVE", "bl", "bl2", "LEFT", "LEFT", "0"),
    ("@block", "BLPOP", "q", "0"),
    ("LPUSH", "q", "v"),
    ("@unblocked",),
    ("@block", "BLMOVE", "q", "q2", "RIGHT", "LEFT", "0"),
    ("RPUSH", "q", "v", "w"),
    ("@unblocked",),
    ("@block", "BLMPOP", "0", "1", "q3", "RIGHT", "COUNT", "2"),
    ("RPUSH", "q3", "a"),
    ("@unblocked",),
]

SETS = [
    ("SADD", "s1", "a", "b", "c"),
    ("SADD", "s1", "a"),
    ("SREM", "s1", "a"),
    ("SREM", "s1", "nothere"),
    ("SMOVE", "s1", "s2", "b"),
    ("SMOVE", "s1", "s2", "nothere"),
    ("SMOVE", "s1", "s2", "c"),
    ("SADD", "s1", "1", "2", "3", "4"),
    ("@random", "SPOP", "s1"),
    ("@random", "SPOP", "s1", "1"),
    ("@random", "SPOP", "s1", "10"),
    ("SADD", "s1", "1", "2"),
    ("SPOP", "s1", "0"),
    ("SPOP", "s1", "2"),
    ("SADD", "s1", "1"),
    ("SPOP", "s1"),
    ("SADD", "s1", "x", "y"),
    ("SADD", "s3", "y", "z"),
    ("SINTERSTORE", "d1", "s1", "s3"),
    ("SUNIONSTORE", "d1", "s1", "s3"),
    ("SDIFFSTORE", "d1", "s1", "s3"),
    ("SINTERSTORE", "d1", "s1", "nokey"),
    ("SUNIONSTORE", "d2", "nokey"),
    ("SREM", "s1", "x", "y"),
    ("SISMEMBER", "nokey", "a"),
    ("SMEMBERS", "nokey"),
    ("SCARD", "nokey"),
    ("SINTER", "nokey", "s3"),
    ("SRANDMEMBER", "nokey"),
]

ZSETS = [
    ("ZADD", "z", "1", "a", "2", "b", "3", "c"),
    ("ZADD", "z", "1", "a"),
    ("ZADD", "z", "5", "a"),
    ("ZADD", "z", "INCR", "1", "a"),
    ("ZINCRBY", "z", "2", "b"),
    ("ZREM", "z", "nothere"),
    ("ZREM", "z", "c"),
    ("ZADD", "z", "7", "c", "8", "d", "9", "e"),
    ("ZREMRANGEBYRANK", "z", "0", "0"),
    ("ZREMRANGEBYSCORE", "z", "7", "7"),
    ("ZREMRANGEBYLEX", "z", "-", "+"),
    ("ZADD", "z", "1", "a", "2", "b", "3", "c", "4", "d"),
    ("ZPOPMIN", "z"),
    ("ZPOPMAX", "z", "2"),
    ("ZMPOP", "1", "z", "MIN"),
    ("ZPOPMIN", "nokey"),
    ("ZADD", "y", "1", "a", "2", "b"),
    ("ZADD", "w", "1", "b"),
    ("ZUNIONSTORE", "u", "2", "y", "w"),
    ("ZINTERSTORE", "u", "2", "y", "w"),
    ("ZDIFFSTORE", "u", "2", "y", "w"),
    ("ZINTERSTORE", "u", "2", "y", "nokey"),
    ("ZRANGESTORE", "r", "y", "0", "-1"),
    ("ZRANGESTORE", "r", "y", "5", "6"),
    ("BZPOPMIN", "y", "0"),
    ("BZPOPMAX", "y", "0"),
    ("@block", "BZPOPMIN", "bz", "0"),
    ("ZADD", "bz", "1", "a"),
    ("@unblocked",),
    ("ZSCORE", "nokey", "a"),
    ("ZRANGE", "nokey", "0", "-1"),
    ("ZCARD", "nokey"),
    ("ZRANK", "nokey", "a"),
]

HASHES = [
    ("HSET", "h", "a", "1", "b", "2"),
    ("HSET", "h", "a", "1"),
    ("HMSET", "h", "c", "3"),
    ("HSETNX", "h", "a", "1"),
    ("HSETNX", "h", "d", "4"),
    ("HINCRBY", "h", "n", "5"),
    ("HINCRBYFLOAT", "h", "f", "1.5"),
    ("HDEL", "h", "nothere"),
    ("HDEL", "h", "a", "b"),
    ("HDEL", "h", "c", "d", "n", "f"),
    ("HGET", "nokey", "a"),
    ("HGETALL", "nokey"),
    ("HLEN", "nokey"),
    ("HMGET", "nokey", "a"),
    ("HEXISTS", "nokey", "a"),
]

SORTS = [
    ("RPUSH", "src", "3", "1", "2"),
    ("SORT", "src", "STORE", "dst"),
    ("SORT", "src", "STORE", "dst"),
    ("SORT", "src", "LIMIT", "5", "5", "STORE", "dst"),
    ("SORT", "nokey", "STORE", "dst2"),
    ("SORT", "src"),
    ("SORT_RO", "nokey"),
]

# Failures and no-ops report nothing; reads through patterns miss once per key looked up.
EDGES = [
    ("SET", "str", "abc"),
    ("LPUSH", "str", "x"),
    ("INCR", "str"),
    ("HSET", "str", "f", "v"),
    ("SADD", "str", "m"),
    ("ZADD", "str", "1", "m"),
    ("APPEND", "str", ""),
    ("SETRANGE", "str", "0", ""),
    ("SET", "str", "v", "EX", "0"),
    ("EXPIRE", "str", "abc"),
    ("RPUSH", "lst", "a", "b"),
    ("LSET", "lst", "9", "x"),
    ("LSET", "nokey", "0", "x"),
    ("LINSERT", "nokey", "BEFORE", "a", "b"),
    ("LTRIM", "lst", "0", "-1"),
    ("LMOVE", "lst", "lst", "RIGHT", "LEFT"),
    ("LMPOP", "3", "e1", "e2", "lst", "RIGHT"),
    ("RPOP", "lst", "0"),
    ("ZADD", "zz", "1", "a"),
    ("ZADD", "zz", "XX", "1", "b"),
    ("ZADD", "zz", "NX", "2", "a"),
    ("ZADD", "zz", "GT", "CH", "0", "a"),
    ("ZADD", "zz", "XX", "INCR", "1", "nothere"),
    ("ZINCRBY", "zz", "1", "new"),
    ("ZREMRANGEBYSCORE", "zz", "100", "200"),
    ("ZMPOP", "2", "e1", "zz", "MAX", "COUNT", "10"),
    ("SADD", "st", "a"),
    ("SMOVE", "st", "st", "a"),
    ("SMOVE", "nokey", "st", "a"),
    ("SREM", "nokey", "a"),
    ("SINTERCARD", "2", "st", "nokey"),
    ("SDIFF", "nokey", "st"),
    ("SUNION", "nokey", "st"),
    ("HSET", "hh", "f", "1"),
    ("HINCRBY", "hh", "f", "x"),
    ("HINCRBYFLOAT", "hh2", "f", "2.5"),
    ("HINCRBY", "hh3", "f", "1"),
    ("HDEL", "nokey", "f"),
    ("HSTRLEN", "nokey", "f"),
    ("HRANDFIELD", "nokey"),
    ("SET", "w_1", "10"),
    ("SET", "w_2", "20"),
    ("SET", "o_1", "one"),
    ("RPUSH", "ids", "2", "1", "3"),
    ("SORT", "ids", "BY", "w_*"),
    ("SORT", "ids", "BY", "w_*", "GET", "o_*", "GET", "#"),
    ("SORT", "ids", "BY", "nosort", "GET", "o_*", "STORE", "sorted"),
    ("SORT", "ids", "BY", "h_*->f"),
    ("SET", "ttl", "v", "EX", "100"),
    ("RENAME", "ttl", "ttl2"),
    ("COPY", "ttl2", "ttl3"),
    ("EXPIRE", "ttl2", "100", "XX"),
    ("EXPIRE", "ttl2", "10", "GT"),
    ("PEXPIRE", "ttl2", "-5"),
    ("GETEX", "ttl3", "EXAT", "1"),
    ("SET", "big", "x" * 100),
    ("APPEND", "big", "y"),
    ("SETRANGE", "big", "200", "z"),
    ("INCRBYFLOAT", "big", "1"),
    ("DEL", "nokey1", "nokey2"),
    ("UNLINK", "nokey1"),
    ("RPUSH", "lz", *[str(i) for i in range(200)]),
    ("LREM", "lz", "-2", "5"),
    ("LTRIM", "lz", "10", "-10"),
    ("UNLINK", "lz"),
    ("ZRANGESTORE", "zst", "zz", "0", "-1", "BYSCORE"),
    ("ZRANGESTORE", "zst", "nokey", "0", "-1"),
    ("ZUNIONSTORE", "zu", "1", "nokey"),
    ("SDIFFSTORE", "sd", "nokey"),
    ("XADD", "xs", "1-0", "f", "v"),
    ("XADD", "xs", "MAXLEN", "1", "2-0", "f", "v"),
    ("XADD", "xs", "1-0", "f", "v"),
    ("XADD", "nokey", "NOMKSTREAM", "1-0", "f", "v"),
    ("XDEL", "xs", "9-0"),
    ("XDEL", "xs", "2-0"),
    ("XTRIM", "xs", "MAXLEN", "5"),
    ("XADD", "xs", "3-0", "f", "v"),
    ("XTRIM", "xs", "MAXLEN", "0"),
    ("XSETID", "xs", "10-0"),
    ("XSETID", "nokey", "10-0"),
    ("XADD", "str", "*", "f", "v"),
    ("GEOADD", "geo", "13.4", "38.1", "p"),
    ("GEOADD", "geo", "NX", "13.4", "38.1", "p"),
    ("GEOSEARCHSTORE", "gdst", "geo", "FROMLONLAT", "13.4", "38.1", "BYRADIUS", "10", "km"),
    ("GEORADIUS", "geo", "13.4", "38.1", "10", "km", "STORE", "gdst2"),
    ("GEOSEARCHSTORE", "gdst", "geo", "FROMLONLAT", "0", "0", "BYRADIUS", "1", "m"),
]

TRANSACTIONS = [
    ("MULTI",),
    ("SET", "a", "1"),
    ("LPUSH", "l", "x"),
    ("EXPIRE", "a", "100"),
    ("EXEC",),
]

BITMAPS = [
    ("SETBIT", "b", "7", "1"),
    ("SETBIT", "b", "7", "1"),
    ("SETBIT", "b0", "100", "0"),
    ("SETBIT", "b", "-1", "1"),
    ("SETBIT", "b", "7", "0"),
    ("SETBIT", "b", "7", "0"),
    ("SETBIT", "b", "100", "0"),
    ("GETBIT", "nokey", "0"),
    ("BITCOUNT", "nokey"),
    ("BITPOS", "nokey", "1"),
    ("BITOP", "OR", "dst", "b", "b0"),
    ("BITOP", "NOT", "dst", "dst"),
    ("SET", "ttl", "v", "EX", "100"),
    ("BITOP", "AND", "ttl", "b"),
    ("BITOP", "AND", "dst", "nokey", "nokey2"),
    ("BITOP", "XOR", "dst", "nokey"),
    ("BITOP", "NOT", "dst", "b", "b0"),
    ("BITFIELD", "f", "SET", "u8", "0", "255", "INCRBY", "u8", "0", "1"),
    ("BITFIELD", "f", "GET", "u8", "0"),
    ("BITFIELD", "nokey", "GET", "u8", "0"),
    ("BITFIELD", "ff", "OVERFLOW", "FAIL", "SET", "u8", "0", "256"),
    ("BITFIELD", "f", "SET", "u8", "0", "x"),
    ("BITFIELD", "f", "SET", "u8", "0", "0", "INCRBY", "u8", "0", "0"),
    ("BITFIELD", "f", "SET", "u8", "16", "0"),
    ("BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u8", "0", "256", "SET", "u8", "8", "1", "INCRBY", "u8", "8", "1"),
    ("BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u8", "0", "256", "SET", "u8", "8", "2"),
    ("BITFIELD", "f", "OVERFLOW", "FAIL", "SET", "u8", "100", "256"),
    ("BITFIELD_RO", "f", "GET", "u8", "0"),
    ("BITFIELD_RO", "nokey", "GET", "u8", "0"),
]

ALL_FAMILIES = STRINGS + KEYS + LISTS + SETS + ZSETS + HASHES + SORTS + EDGES + TRANSACTIONS


@pytest.mark.parametrize("family", ["STRINGS", "KEYS", "LISTS", "SETS", "ZSETS", "HASHES", "SORTS", "EDGES",
                                    "TRANSACTIONS", "BITMAPS"])
def test_every_command_family_reports_like_redis(debug_servers, family):
    messages = assert_same_stream(debug_servers, "KEA", globals()[family])
    assert messages  # the scenario did produce events


@pytest.mark.parametrize("flags", ["Kl", "Eg", "KEx", "KEn", "KEm", "KEAmn", "Ks$", "Ehz", "KEAm", "gK"])
def test_class_subsets(debug_servers, flags):
    assert_same_stream(debug_servers, flags, ALL_FAMILIES)


def test_resp3_subscriber_gets_push_frames(debug_servers):
    messages = assert_same_stream(debug_servers, "KEA", STRINGS + LISTS, resp3=True)
    assert messages[0].startswith(b">4\r\n")


def test_lazy_expiry_reports_expired_and_keymiss(debug_servers):
    # Each expired key is met by a different kind of access: reads report the
    # reclaiming then a miss; writes reclaim, then create anew.
    accessors = [("GET", "k0"), ("SET", "k1", "v"), ("LPUSH", "k2", "x"), ("EXISTS", "k3"), ("DEL", "k4"),
                 ("RENAME", "k5", "r"), ("HSET", "k6", "g", "w"), ("SADD", "k7", "m"), ("ZSCORE", "k8", "m"),
                 ("EXPIRE", "k9", "100"), ("INCR", "k10"), ("TTL", "k11"), ("OBJECT", "ENCODING", "k12"),
                 ("COPY", "k13", "c"), ("MOVE", "k14", "1"), ("SORT", "k15"), ("SUNIONSTORE", "k16", "k16")]
    steps = [("DEBUG", "SET-ACTIVE-EXPIRE", "0")]
    for i in range(len(accessors)):
        steps += [("SET", "k%d" % i, "1"), ("PEXPIRE", "k%d" % i, "50")]
    steps.append(("@sleep", 0.2))
    steps += accessors
    steps.append(("DEBUG", "SET-ACTIVE-EXPIRE", "1"))
    messages = assert_same_stream(debug_servers, "KEAmn", steps)
    assert sum(b"expired" in m for m in messages) == 2 * len(accessors)


def test_active_expiry_reports_expired(debug_servers):
    steps = [
        ("SET", "k1", "v", "PX", "30"),
        ("RPUSH", "k2", "a"),
        ("PEXPIRE", "k2", "30"),
        ("@sleep", 0.6),
        ("DBSIZE",),
    ]
    # The active cycle meets keys in an order of its own (Redis's follows its hash table).
    messages = assert_same_stream(debug_servers, "KEx", steps, unordered=True)
    assert len(messages) == 4


def test_notifications_go_to_the_database_of_the_change(debug_servers):
    steps = [("SELECT", "5"), ("SET", "k", "v"), ("MOVE", "k", "6"), ("SELECT", "6"), ("DEL", "k"), ("SELECT", "0")]
    messages = assert_same_stream(debug_servers, "KEA", steps)
    assert b"__keyspace@6__:k" in b"".join(messages)


def test_config_shows_classes_in_redis_order(server):
    conn = redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)
    try:
        for given, shown in [("KEA", "AKE"), ("KEAmn", "AKEm"), ("nm", "nm"), ("Kg$lshzxetd", "AK"), ("Kgs", "gsK"),
                             ("E$", "$E"), ("EK", "KE"), ("mn", "nm"), ("KEn", "nKE"), ("Ad", "A"), ("", ""),
                             ("tdn", "tdn")]:
            conn.config_set("notify-keyspace-events", given)
            assert conn.config_get("notify-keyspace-events") == {"notify-keyspace-events": shown}, given
        with pytest.raises(redis.ResponseError, match="Invalid event class character"):
            conn.config_set("notify-keyspace-events", "KEw")
        assert conn.config_get("notify-keyspace-events") == {"notify-keyspace-events": "tdn"}
    finally:
        conn.config_set("notify-keyspace-events", "")
        conn.close()


def test_new_is_heard_with_A_only_when_n_was_given(server):
    # Redis shows "AKE" for both, but only the second turns the "new" class on.
    for flags, expect_new in [("KEA", False), ("KEAn", True)]:
        conn = redis.Redis(host="127.0.0.1", port=server.port)
        sub = connect(server)
        try:
            conn.config_set("notify-keyspace-events", flags)
            sub.call("SUBSCRIBE", "__keyevent@0__:new", "__keyevent@0__:set")
            sub.read_reply()
            conn.set("fresh-" + flags, "v")
            conn.delete("fresh-" + flags)
            first = sub.read_reply()[1]
            assert (first[1] == b"__keyevent@0__:new") == expect_new
        finally:
            conn.config_set("notify-keyspace-events", "")
            conn.close()
            sub.close()


def test_hash_field_expiry_events_on_corvid(debug_servers):
    # Hash field expiry is newer than Redis 7.0; the events follow the Redis documentation:
    # "hexpire" when deadlines are set, "hpersist", "hdel" for a deadline already past, and
    # "hexpired" when fields are reclaimed ("del" once the hash is empty).
    steps = [
        ("DEBUG", "SET-ACTIVE-EXPIRE", "0"),
        ("HSET", "h", "a", "1", "b", "2", "c", "3"),
        ("HEXPIRE", "h", "100", "FIELDS", "1", "a"),
        ("HPERSIST", "h", "FIELDS", "1", "a"),
        ("HPEXPIREAT", "h", "1", "FIELDS", "1", "c"),
        ("HPEXPIRE", "h", "50", "FIELDS", "2", "a", "b"),
        ("@sleep", 0.2),
        ("HGET", "h", "a"),
        ("DEBUG", "SET-ACTIVE-EXPIRE", "1"),
    ]
    messages = capture(debug_servers[0], "Eh" + "gm", steps)[0]
    assert [_brief(m) for m in messages] == [
        "__keyevent@0__:hset h", "__keyevent@0__:hexpire h", "__keyevent@0__:hpersist h",
        "__keyevent@0__:hdel h", "__keyevent@0__:hexpire h", "__keyevent@0__:hexpired h",
        "__keyevent@0__:del h", "__keyevent@0__:keymiss h",
    ]


# Each command alone, so that one wrong event cannot hide behind another.
N = "nokey"
MISSING_KEY_COMMANDS = [
    ("GET", N), ("GETEX", N), ("GETDEL", N), ("GETRANGE", N, "0", "1"), ("SUBSTR", N, "0", "1"), ("STRLEN", N),
    ("MGET", N, "n2"), ("GETSET", N, "v"), ("DEL", "x"), ("APPEND", N, ""), ("SETRANGE", N, "0", ""),
    ("INCR", "i1"), ("LCS", N, "n2"), ("SET", N, "v", "GET"), ("DEL", N), ("EXISTS", N), ("TYPE", N), ("TTL", N),
    ("PTTL", N), ("EXPIRETIME", N), ("PEXPIRETIME", N), ("PERSIST", N), ("EXPIRE", N, "1"), ("TOUCH", N),
    ("RENAME", N, "b"), ("RENAMENX", N, "b"), ("COPY", N, "b"), ("MOVE", N, "1"), ("LLEN", N),
    ("LRANGE", N, "0", "1"), ("LINDEX", N, "0"), ("LPOS", N, "a"), ("LPOP", N), ("RPOP", N), ("LREM", N, "0", "a"),
    ("LTRIM", N, "0", "1"), ("LSET", N, "0", "a"), ("LINSERT", N, "BEFORE", "a", "b"), ("LPUSHX", N, "a"),
    ("RPUSHX", N, "a"), ("LMOVE", N, "d", "LEFT", "LEFT"), ("RPOPLPUSH", N, "d"), ("LMPOP", "1", N, "LEFT"),
    ("BLPOP", N, "0.01"), ("BRPOP", N, "0.01"), ("BLMOVE", N, "d", "LEFT", "LEFT", "0.01"),
    ("BLMPOP", "0.01", "1", N, "LEFT"), ("BRPOPLPUSH", N, "d", "0.01"), ("SCARD", N), ("SMEMBERS", N),
    ("SISMEMBER", N, "a"), ("SMISMEMBER", N, "a"), ("SRANDMEMBER", N), ("SRANDMEMBER", N, "2"), ("SPOP", N),
    ("SPOP", N, "2"), ("SREM", N, "a"), ("SMOVE", N, "d", "a"), ("SINTER", N, "n2"), ("SUNION", N, "n2"),
    ("SDIFF", N, "n2"), ("SINTERCARD", "2", N, "n2"), ("SINTERSTORE", "d", N, "n2"), ("SUNIONSTORE", "d", N, "n2"),
    ("SDIFFSTORE", "d", N, "n2"), ("SSCAN", N, "0"), ("ZCARD", N), ("ZSCORE", N, "a"), ("ZMSCORE", N, "a"),
    ("ZRANK", N, "a"), ("ZREVRANK", N, "a"), ("ZRANGE", N, "0", "1"), ("ZREVRANGE", N, "0", "1"),
    ("ZRANGEBYSCORE", N, "0", "1"), ("ZREVRANGEBYSCORE", N, "1", "0"), ("ZRANGEBYLEX", N, "-", "+"),
    ("ZREVRANGEBYLEX", N, "+", "-"), ("ZCOUNT", N, "0", "1"), ("ZLEXCOUNT", N, "-", "+"), ("ZRANDMEMBER", N),
    ("ZRANDMEMBER", N, "2"), ("ZSCAN", N, "0"), ("ZREM", N, "a"), ("ZREMRANGEBYRANK", N, "0", "1"),
    ("ZREMRANGEBYSCORE", N, "0", "1"), ("ZREMRANGEBYLEX", N, "-", "+"), ("ZPOPMIN", N), ("ZPOPMAX", N),
    ("ZMPOP", "1", N, "MIN"), ("BZPOPMIN", N, "0.01"), ("BZPOPMAX", N, "0.01"), ("BZMPOP", "0.01", "1", N, "MIN"),
    ("ZUNION", "2", N, "n2"), ("ZINTER", "2", N, "n2"), ("ZDIFF", "2", N, "n2"), ("ZINTERCARD", "2", N, "n2"),
    ("ZUNIONSTORE", "d", "2", N, "n2"), ("ZINTERSTORE", "d", "2", N, "n2"), ("ZDIFFSTORE", "d", "2", N, "n2"),
    ("ZRANGESTORE", "d", N, "0", "1"), ("ZINCRBY", N, "1", "a"), ("HGET", N, "a"), ("HMGET", N, "a"),
    ("HGETALL", N), ("HKEYS", N), ("HVALS", N), ("HLEN", N), ("HEXISTS", N, "a"), ("HSTRLEN", N, "a"),
    ("HRANDFIELD", N), ("HRANDFIELD", N, "2"), ("HSCAN", N, "0"), ("HDEL", N, "a"), ("HINCRBY", N, "a", "1"),
    ("HDEL", N, "a"), ("DEL", N), ("SORT", N), ("SORT_RO", N), ("SORT", N, "STORE", "d"), ("OBJECT", "ENCODING", N),
    ("OBJECT", "FREQ", N), ("OBJECT", "IDLETIME", N), ("OBJECT", "REFCOUNT", N), ("WATCH", N), ("UNWATCH",),
]

PREPARED = [
    ("RPUSH", "l", "a", "b", "c"), ("SADD", "s", "a", "b", "c"), ("ZADD", "z", "1", "a", "2", "b", "3", "c"),
    ("HSET", "h", "a", "1", "b", "2"), ("SET", "str", "10"), ("SADD", "s2", "c", "d"),
    ("ZADD", "z2", "5", "c", "6", "d"), ("RPUSH", "l1", "x"), ("SADD", "s1", "x"), ("ZADD", "z1", "1", "x"),
    ("HSET", "h1", "x", "1"),
]

PREPARED_COMMANDS = [
    ("LPOP", "l", "3"), ("RPOP", "l", "5"), ("LPOP", "l1"), ("LREM", "l1", "0", "x"), ("LTRIM", "l1", "1", "0"),
    ("LMOVE", "l1", "l1", "LEFT", "RIGHT"), ("LMOVE", "l1", "l", "LEFT", "RIGHT"),
    ("LMOVE", "l1", "new", "LEFT", "RIGHT"), ("RPOPLPUSH", "l", "l"),
    ("LMPOP", "2", "l1", "l", "RIGHT", "COUNT", "9"), ("BLMPOP", "0", "2", "l", "l1", "LEFT", "COUNT", "2"),
    ("BLPOP", "l1", "l", "0"), ("BRPOPLPUSH", "l1", "l", "0"), ("BLMOVE", "l1", "str", "LEFT", "LEFT", "0"),
    ("LMOVE", "l", "str", "LEFT", "LEFT"), ("LSET", "l", "-1", "z"), ("LINSERT", "l", "AFTER", "c", "d"),
    ("SPOP", "s1"), ("SREM", "s1", "x"), ("SMOVE", "s1", "s", "x"), ("SMOVE", "s1", "s2", "x"),
    ("SMOVE", "s1", "new", "x"), ("SMOVE", "s", "s2", "c"), ("SMOVE", "s", "str", "a"),
    ("SINTERSTORE", "s", "s", "s2"), ("SINTERSTORE", "s1", "s", "nokey"), ("SUNIONSTORE", "s", "s1"),
    ("SDIFFSTORE", "s", "s", "s"), ("SINTERSTORE", "str", "s"), ("ZPOPMIN", "z1"), ("ZPOPMAX", "z", "10"),
    ("ZMPOP", "2", "z1", "z", "MAX", "COUNT", "2"), ("BZMPOP", "0", "1", "z1", "MIN"), ("BZPOPMAX", "z1", "0"),
    ("ZREM", "z1", "x"), ("ZREMRANGEBYRANK", "z", "0", "-1"), ("ZADD", "z", "CH", "9", "a", "9", "new"),
    ("ZADD", "z", "LT", "0", "a"), ("ZINCRBY", "z", "-1", "a"), ("ZUNIONSTORE", "z", "2", "z", "z2"),
    ("ZINTERSTORE", "z1", "2", "z", "z2", "WEIGHTS", "1", "2"), ("ZINTERSTORE", "z1", "2", "z1", "nokey"),
    ("ZDIFFSTORE", "z", "1", "z"), ("ZRANGESTORE", "z1", "z", "0", "-1"), ("ZRANGESTORE", "z1", "z", "9", "10"),
    ("ZRANGESTORE", "z1", "s", "0", "1"), ("ZUNIONSTORE", "str", "1", "s"), ("HDEL", "h1", "x"),
    ("HDEL", "h", "a", "b", "c"), ("HINCRBY", "h", "a", "2"), ("HINCRBYFLOAT", "h", "a", "0.5"),
    ("HSETNX", "h", "a", "1"), ("HMSET", "h", "a", "1"), ("HSET", "h", "c", "3", "c", "4"),
    ("SORT", "l", "ALPHA", "STORE", "l"), ("SORT", "s", "ALPHA", "STORE", "s2"), ("SORT", "z", "STORE", "str"),
    ("SORT", "nokey", "STORE", "l"), ("RENAME", "l", "s"), ("RENAME", "l", "l"), ("RENAMENX", "l", "s"),
    ("COPY", "l", "s", "REPLACE"), ("COPY", "l", "s"), ("COPY", "l", "l2", "DB", "0"), ("MOVE", "l", "0"),
    ("MOVE", "l", "1"), ("DEL", "l", "s", "z", "h", "str"), ("UNLINK", "l", "nokey"), ("EXPIRE", "l", "0"),
    ("PEXPIRE", "l", "-1"), ("EXPIREAT", "l", "1"), ("EXPIRE", "l", "100", "XX"), ("EXPIRE", "l", "100", "LT"),
    ("GETEX", "str", "PX", "100"), ("GETEX", "str", "EXAT", "1"), ("GETEX", "str", "PERSIST"), ("GETDEL", "str"),
    ("GETSET", "str", "x"), ("SET", "str", "x", "KEEPTTL"), ("SET", "str", "x", "XX", "GET", "EX", "10"),
    ("INCRBYFLOAT", "str", "1.5"), ("DECRBY", "str", "3"), ("APPEND", "str", "1"), ("SETRANGE", "str", "5", "x"),
    ("MSET", "str", "1", "str", "2"), ("MSETNX", "n1", "1", "n1", "2"), ("SETNX", "str", "1"), ("SWAPDB", "0", "1"),
    ("FLUSHDB", "ASYNC"), ("FLUSHALL", "SYNC"),
]


def _each_alone(debug_servers, flags, prepare, commands):
    mismatches = []
    for command in commands:
        ours = capture(debug_servers[0], flags, prepare + [command])
        theirs = capture(debug_servers[1], flags, prepare + [command])
        if ours != theirs:
            mismatches.append("%r:\n  corvid %r\n  redis  %r" % (command, [_brief(m) for m in ours[0]],
                                                                   [_brief(m) for m in theirs[0]]))
    assert not mismatches, "\n".join(mismatches)


def test_each_command_on_missing_keys(debug_servers):
    _each_alone(debug_servers, "KEAmn", [], MISSING_KEY_COMMANDS)


def test_each_write_on_prepared_keys(debug_servers):
    _each_alone(debug_servers, "KEAmn", PREPARED, PREPARED_COMMANDS)
