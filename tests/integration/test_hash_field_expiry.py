"""Per-field expiry of hashes (Redis 7.4 HEXPIRE family, Redis 8.0 HGETDEL/HGETEX/HSETEX).

Redis 7.0.15, the differential oracle, has none of these commands, so the expected replies
and error texts here come from the Redis documentation (and, where it is silent, from what
Redis 7.4/8.0 do). Lazy expiry is observed with DEBUG SET-ACTIVE-EXPIRE 0; active expiry
with it back on and only DBSIZE asked, which touches no key."""

import time

import pytest
import redis

from support.servers import start_corvid

FAR = 4000000000  # a Unix time in seconds well in the future


@pytest.fixture(scope="module")
def server():
    proc = start_corvid("--enable-debug-command", "yes")
    yield proc
    proc.stop()
    report = proc.sanitizer_report()
    assert report is None, report


@pytest.fixture
def r(server):
    client = redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)
    client.flushall()
    client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    yield client
    client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1")
    client.close()


def call(r, *args):
    return r.execute_command(*args)


def error_of(r, *args):
    with pytest.raises(redis.ResponseError) as caught:
        r.execute_command(*args)
    return str(caught.value)


def lazy(r):
    call(r, "DEBUG", "SET-ACTIVE-EXPIRE", "0")


# ---- HEXPIRE / HPEXPIRE / HEXPIREAT / HPEXPIREAT ----------------------------------------

def test_hexpire_reply_codes(r):
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert call(r, "HEXPIRE", "h", 100, "FIELDS", 2, "a", "nope") == [1, -2]
    assert 99 <= call(r, "HTTL", "h", "FIELDS", 1, "a")[0] <= 100
    # A zero TTL deletes the field at once.
    assert call(r, "HEXPIRE", "h", 0, "FIELDS", 1, "b") == [2]
    assert r.hgetall("h") == {"a": "1", "c": "3"}
    # Missing key: every field is reported missing.
    assert call(r, "HEXPIRE", "missing", 10, "FIELDS", 2, "a", "b") == [-2, -2]
    assert r.exists("missing") == 0


def test_hexpire_conditions(r):
    r.hset("h", mapping={"ttl": "1", "plain": "2"})
    assert call(r, "HEXPIRE", "h", 100, "FIELDS", 1, "ttl") == [1]
    assert call(r, "HEXPIRE", "h", 200, "NX", "FIELDS", 2, "ttl", "plain") == [0, 1]
    assert call(r, "HPERSIST", "h", "FIELDS", 1, "plain") == [1]
    assert call(r, "HEXPIRE", "h", 300, "XX", "FIELDS", 2, "ttl", "plain") == [1, 0]
    # GT: a field without a TTL never expires, so nothing is greater.
    assert call(r, "HEXPIRE", "h", 400, "GT", "FIELDS", 2, "ttl", "plain") == [1, 0]
    assert call(r, "HEXPIRE", "h", 350, "gt", "FIELDS", 1, "ttl") == [0]
    # LT: anything is less than "never".
    assert call(r, "HEXPIRE", "h", 500, "LT", "FIELDS", 2, "ttl", "plain") == [0, 1]
    assert call(r, "HEXPIRE", "h", 10, "lt", "FIELDS", 1, "ttl") == [1]
    assert 9 <= call(r, "HTTL", "h", "FIELDS", 1, "ttl")[0] <= 10
    # A condition that fails wins over a past time: the field stays.
    assert call(r, "HEXPIRE", "h", 0, "NX", "FIELDS", 1, "ttl") == [0]
    assert call(r, "HEXPIRE", "h", 0, "XX", "FIELDS", 1, "ttl") == [2]
    assert r.hkeys("h") == ["plain"]


def test_hpexpire_hexpireat_hpexpireat(r):
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert call(r, "HPEXPIRE", "h", 50000, "FIELDS", 1, "a") == [1]
    assert 49000 <= call(r, "HPTTL", "h", "FIELDS", 1, "a")[0] <= 50000
    assert call(r, "HEXPIREAT", "h", FAR, "FIELDS", 1, "b") == [1]
    assert call(r, "HEXPIRETIME", "h", "FIELDS", 1, "b") == [FAR]
    assert call(r, "HPEXPIRETIME", "h", "FIELDS", 1, "b") == [FAR * 1000]
    assert call(r, "HPEXPIREAT", "h", FAR * 1000 + 1, "FIELDS", 1, "c") == [1]
    assert call(r, "HPEXPIRETIME", "h", "FIELDS", 1, "c") == [FAR * 1000 + 1]
    # HEXPIRETIME rounds a millisecond deadline up to the next second.
    assert call(r, "HEXPIRETIME", "h", "FIELDS", 1, "c") == [FAR + 1]
    # A time in the past deletes; the emptied hash goes.
    assert call(r, "HEXPIREAT", "h", 1, "FIELDS", 3, "a", "b", "c") == [2, 2, 2]
    assert r.exists("h") == 0


def test_hexpire_errors(r):
    r.hset("h", "a", "1")
    r.set("s", "v")
    wrongtype = "WRONGTYPE Operation against a key holding the wrong kind of value"
    assert error_of(r, "HEXPIRE", "s", 10, "FIELDS", 1, "a") == wrongtype
    assert error_of(r, "HEXPIRE", "h", "x", "FIELDS", 1, "a") == "value is not an integer or out of range"
    assert error_of(r, "HEXPIRE", "h", -1, "FIELDS", 1, "a") == "invalid expire time, must be >= 0"
    assert error_of(r, "HEXPIRE", "h", 2 ** 48, "FIELDS", 1, "a") == "invalid expire time in 'hexpire' command"
    assert error_of(r, "HPEXPIRE", "h", 2 ** 48 - 1, "FIELDS", 1, "a") == "invalid expire time in 'hpexpire' command"
    assert error_of(r, "HPEXPIREAT", "h", 2 ** 48, "FIELDS", 1, "a") == "invalid expire time in 'hpexpireat' command"
    assert call(r, "HPEXPIREAT", "h", 2 ** 48 - 1, "FIELDS", 1, "a") == [1]
    assert error_of(r, "HEXPIRE", "h", 10, "NX", "XX", "1", "a") == (
        "Mandatory argument FIELDS is missing or not at the right position")
    assert error_of(r, "HEXPIRE", "h", 10, "FOO", 1, "a", "b") == (
        "Mandatory argument FIELDS is missing or not at the right position")
    assert error_of(r, "HEXPIRE", "h", 10, "FIELDS", 0, "a") == "Parameter `numFields` should be greater than 0"
    assert error_of(r, "HEXPIRE", "h", 10, "FIELDS", "x", "a") == "Parameter `numFields` should be greater than 0"
    assert error_of(r, "HEXPIRE", "h", 10, "FIELDS", 2, "a") == (
        "The `numfields` parameter must match the number of arguments")
    assert error_of(r, "HEXPIRE", "h", 10, "FIELDS", 1, "a", "b") == (
        "The `numfields` parameter must match the number of arguments")
    assert error_of(r, "HEXPIRE", "h", 10, "FIELDS", 1) == "wrong number of arguments for 'hexpire' command"
    # Nothing but the one valid call changed anything.
    assert r.hgetall("h") == {"a": "1"}
    assert call(r, "HPEXPIRETIME", "h", "FIELDS", 1, "a") == [2 ** 48 - 1]


# ---- HTTL / HPTTL / HEXPIRETIME / HPEXPIRETIME / HPERSIST --------------------------------

def test_ttl_queries(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    call(r, "HPEXPIRE", "h", 1500, "FIELDS", 1, "a")
    for cmd in ("HTTL", "HPTTL", "HEXPIRETIME", "HPEXPIRETIME"):
        reply = call(r, cmd, "h", "FIELDS", 3, "a", "b", "c")
        assert reply[1:] == [-1, -2], cmd
        assert reply[0] > 0
        assert call(r, cmd, "missing", "FIELDS", 2, "a", "b") == [-2, -2]
    # 1.5 s left reads as 2 s: HTTL rounds up.
    assert call(r, "HTTL", "h", "FIELDS", 1, "a") == [2]
    r.set("s", "v")
    for cmd in ("HTTL", "HPTTL", "HEXPIRETIME", "HPEXPIRETIME", "HPERSIST"):
        assert error_of(r, cmd, "s", "FIELDS", 1, "a").startswith("WRONGTYPE")
        assert error_of(r, cmd, "h", "FIELD", 1, "a") == (
            "Mandatory argument FIELDS is missing or not at the right position")
        assert error_of(r, cmd, "h", "FIELDS", 0, "a") == "Number of fields must be a positive integer"
        assert error_of(r, cmd, "h", "FIELDS", -3, "a") == "Number of fields must be a positive integer"
        assert error_of(r, cmd, "h", "FIELDS", 2, "a") == (
            "The `numfields` parameter must match the number of arguments")
        assert error_of(r, cmd, "h", "FIELDS", 1) == "wrong number of arguments for '%s' command" % cmd.lower()


def test_hpersist(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    call(r, "HEXPIRE", "h", 100, "FIELDS", 1, "a")
    assert call(r, "HPERSIST", "h", "FIELDS", 3, "a", "b", "c") == [1, -1, -2]
    assert call(r, "HTTL", "h", "FIELDS", 1, "a") == [-1]
    assert call(r, "HPERSIST", "missing", "FIELDS", 1, "a") == [-2]


# ---- Existing commands and deadlines ----------------------------------------------------

def test_hset_clears_ttl_hincrby_keeps_it(r):
    r.hset("h", mapping={"a": "1", "n": "5", "f": "1.5"})
    call(r, "HEXPIRE", "h", 100, "FIELDS", 3, "a", "n", "f")
    r.hset("h", "a", "2")
    assert call(r, "HTTL", "h", "FIELDS", 1, "a") == [-1]
    assert r.hincrby("h", "n", 1) == 6
    assert r.hincrbyfloat("h", "f", 1) == 2.5
    assert call(r, "HTTL", "h", "FIELDS", 2, "n", "f") == [100, 100]
    assert r.hsetnx("h", "n", "x") == 0
    assert call(r, "HTTL", "h", "FIELDS", 1, "n") == [100]


def test_lazy_expiry_hides_fields_from_every_reader(r):
    lazy(r)
    r.hset("h", mapping={"keep": "1", "gone": "2", "n": "10"})
    call(r, "HPEXPIRE", "h", 30, "FIELDS", 2, "gone", "n")
    time.sleep(0.1)
    assert r.hget("h", "gone") is None
    assert r.hmget("h", ["gone", "keep"]) == [None, "1"]
    assert r.hexists("h", "gone") == 0
    assert r.hlen("h") == 1
    assert r.hstrlen("h", "gone") == 0
    assert r.hgetall("h") == {"keep": "1"}
    assert r.hkeys("h") == ["keep"]
    assert r.hvals("h") == ["1"]
    assert r.hscan("h") == (0, {"keep": "1"})
    assert r.hrandfield("h", -5) == ["keep"] * 5
    # A write sees the field as new.
    assert r.hincrby("h", "n", 1) == 1
    assert call(r, "HTTL", "h", "FIELDS", 1, "n") == [-1]


def test_lazy_expiry_deletes_the_emptied_hash(r):
    lazy(r)
    r.hset("h", mapping={"a": "1", "b": "2"})
    call(r, "HPEXPIRE", "h", 30, "FIELDS", 2, "a", "b")
    time.sleep(0.1)
    assert r.dbsize() == 1  # nobody has looked yet
    assert r.exists("h") == 0
    assert r.dbsize() == 0
    assert r.type("h") == "none"


def test_lazy_expiry_on_table_encoding(r):
    lazy(r)
    mapping = {"f%d" % i: "v" for i in range(600)}
    r.hset("big", mapping=mapping)
    assert r.object("encoding", "big") == "hashtable"
    fields = ["f%d" % i for i in range(0, 600, 2)]
    assert call(r, "HPEXPIRE", "big", 30, "FIELDS", len(fields), *fields) == [1] * len(fields)
    time.sleep(0.1)
    assert r.hlen("big") == 300
    assert all(int(k[1:]) % 2 == 1 for k in r.hkeys("big"))
    cursor, seen = 0, {}
    while True:
        cursor, part = r.hscan("big", cursor)
        seen.update(part)
        if cursor == 0:
            break
    assert len(seen) == 300


def server_ms(r):
    seconds, microseconds = r.time()
    return seconds * 1000 + microseconds // 1000


def test_active_expiry_reclaims_fields_nobody_reads(r):
    """HLEN and the like hide due fields whether or not they were reclaimed, so this test
    watches what does not: DBSIZE, MEMORY USAGE (which measures a value as stored, due
    fields included, and reclaims nothing) and the "hexpired" event each reclamation
    sends. A control run with the active cycle off shows them unchanged while the fields
    are due."""
    call(r, "CONFIG", "SET", "notify-keyspace-events", "Eh")
    events = r.pubsub()
    try:
        events.subscribe("__keyevent@0__:hexpired")
        assert events.get_message(timeout=10)["type"] == "subscribe"
        lazy(r)
        for i in range(20):
            r.hset("h%d" % i, mapping={"a": "1", "b": "2"})
            assert call(r, "HPEXPIRE", "h%d" % i, 50, "FIELDS", 2, "a", "b") == [1, 1]
        r.hset("partial", mapping={"stay": "1", "go": "2"})
        assert call(r, "HPEXPIRE", "partial", 50, "FIELDS", 1, "go") == [1]
        r.hset("big", mapping={"f%d" % i: "v" for i in range(600)})
        assert r.object("encoding", "big") == "hashtable"
        assert call(r, "HPEXPIRE", "big", 50, "FIELDS", 2, "f1", "f2") == [1, 1]
        before = {key: r.memory_usage(key) for key in ("partial", "big")}

        # Control: every field given a TTL is due (by the server's clock, which TIME reads
        # without looking at a key), and with the cycle off, nothing has changed.
        due = server_ms(r) + 50
        while server_ms(r) <= due:
            time.sleep(0.01)
        time.sleep(0.3)  # a few cron periods, in which a cycle left on would have run
        assert r.dbsize() == 22
        assert {key: r.memory_usage(key) for key in before} == before
        assert events.get_message(timeout=0.1) is None

        # The cycle on: it reclaims the fields, and nothing else looks at the hashes.
        call(r, "DEBUG", "SET-ACTIVE-EXPIRE", "1")
        expired = []
        deadline = time.time() + 30  # a hang guard: the cycle runs ten times a second
        while len(expired) < 22 and time.time() < deadline:
            message = events.get_message(timeout=0.1)
            if message is not None:
                assert message["type"] == "message", message
                expired.append(message["data"])
        # One event per hash: both fields of h<i> and of big were due at once.
        assert sorted(expired) == sorted(["h%d" % i for i in range(20)] + ["partial", "big"])
        assert r.dbsize() == 2  # the hashes whose fields all went are gone
        after = {key: r.memory_usage(key) for key in before}
        assert after["partial"] < before["partial"] and after["big"] < before["big"], (before, after)
        assert events.get_message(timeout=0.1) is None  # and nothing more is reclaimed
    finally:
        events.close()
        call(r, "CONFIG", "SET", "notify-keyspace-events", "")
    assert r.hgetall("partial") == {"stay": "1"}
    assert r.hlen("big") == 598 and r.hmget("big", "f0", "f1", "f2", "f3") == ["v", None, None, "v"]


def test_without_active_expiry_nothing_is_reclaimed(r):
    lazy(r)
    r.hset("h", "a", "1")
    call(r, "HPEXPIRE", "h", 20, "FIELDS", 1, "a")
    time.sleep(0.3)
    assert r.dbsize() == 1
    assert r.hlen("h") == 0 or r.exists("h") == 0
    assert r.dbsize() == 0


def test_rename_copy_move_keep_field_ttls(r):
    r.hset("h", mapping={"a": "1", "b": "2"})
    call(r, "HEXPIREAT", "h", FAR, "FIELDS", 1, "a")
    assert r.rename("h", "renamed")
    assert call(r, "HEXPIRETIME", "renamed", "FIELDS", 2, "a", "b") == [FAR, -1]
    assert r.copy("renamed", "copied")
    assert call(r, "HEXPIRETIME", "copied", "FIELDS", 2, "a", "b") == [FAR, -1]
    # The copy is independent.
    call(r, "HPERSIST", "copied", "FIELDS", 1, "a")
    assert call(r, "HEXPIRETIME", "renamed", "FIELDS", 1, "a") == [FAR]
    assert r.move("copied", 1)
    other = redis.Redis(host="127.0.0.1", port=r.connection_pool.connection_kwargs["port"], db=1,
                        decode_responses=True)
    assert call(other, "HEXPIRETIME", "copied", "FIELDS", 1, "a") == [-1]
    other.close()


def test_renamed_hash_is_still_expired_actively(r):
    r.hset("h", mapping={"a": "1"})
    call(r, "HPEXPIRE", "h", 100, "FIELDS", 1, "a")
    r.rename("h", "moved")
    r.copy("moved", "copy")
    deadline = time.time() + 10
    while r.dbsize() and time.time() < deadline:
        time.sleep(0.05)
    assert r.dbsize() == 0


def test_object_encoding_and_conversion_with_ttls(r):
    r.hset("h", mapping={"a": "1"})
    call(r, "HEXPIRE", "h", 100, "FIELDS", 1, "a")
    # A small hash whose fields carry deadlines is what Redis 7.4 calls "listpackex".
    assert r.object("encoding", "h") == "listpackex"
    # Once there, it stays: the layout is kept when the last deadline goes.
    r.hset("h2", mapping={"a": "1"})
    call(r, "HEXPIRE", "h2", 100, "FIELDS", 1, "a")
    call(r, "HPERSIST", "h2", "FIELDS", 1, "a")
    assert r.object("encoding", "h2") == "listpackex"
    r.hset("h", "long", "x" * 100)
    assert r.object("encoding", "h") == "hashtable"
    assert 99 <= call(r, "HTTL", "h", "FIELDS", 1, "a")[0] <= 100


# ---- HGETDEL ----------------------------------------------------------------------------

def test_hgetdel(r):
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert call(r, "HGETDEL", "h", "FIELDS", 2, "a", "zz") == ["1", None]
    assert r.hgetall("h") == {"b": "2", "c": "3"}
    # The same field twice: the second read finds it gone.
    assert call(r, "HGETDEL", "h", "FIELDS", 2, "b", "b") == ["2", None]
    assert call(r, "HGETDEL", "h", "FIELDS", 1, "c") == ["3"]
    assert r.exists("h") == 0
    assert call(r, "HGETDEL", "missing", "FIELDS", 2, "a", "b") == [None, None]
    r.set("s", "v")
    assert error_of(r, "HGETDEL", "s", "FIELDS", 1, "a").startswith("WRONGTYPE")
    r.hset("h", "a", "1")
    assert error_of(r, "HGETDEL", "h", "FIELD", 1, "a") == (
        "Mandatory argument FIELDS is missing or not at the right position")
    assert error_of(r, "HGETDEL", "h", "FIELDS", 0, "a") == "Number of fields must be a positive integer"
    assert error_of(r, "HGETDEL", "h", "FIELDS", 2, "a") == (
        "The `numfields` parameter must match the number of arguments")
    assert error_of(r, "HGETDEL", "h", "FIELDS", 1) == "wrong number of arguments for 'hgetdel' command"
    assert r.hgetall("h") == {"a": "1"}


# ---- HGETEX -----------------------------------------------------------------------------

def test_hgetex_options(r):
    r.hset("h", mapping={"a": "1", "b": "2", "c": "3"})
    assert call(r, "HGETEX", "h", "FIELDS", 2, "a", "zz") == ["1", None]
    assert call(r, "HTTL", "h", "FIELDS", 1, "a") == [-1]
    assert call(r, "HGETEX", "h", "EX", 100, "FIELDS", 2, "a", "zz") == ["1", None]
    assert call(r, "HTTL", "h", "FIELDS", 1, "a") == [100]
    assert call(r, "HGETEX", "h", "PX", 5000, "FIELDS", 1, "b") == ["2"]
    assert 4000 <= call(r, "HPTTL", "h", "FIELDS", 1, "b")[0] <= 5000
    assert call(r, "HGETEX", "h", "EXAT", FAR, "FIELDS", 1, "c") == ["3"]
    assert call(r, "HEXPIRETIME", "h", "FIELDS", 1, "c") == [FAR]
    assert call(r, "HGETEX", "h", "PXAT", FAR * 1000 + 7, "FIELDS", 1, "c") == ["3"]
    assert call(r, "HPEXPIRETIME", "h", "FIELDS", 1, "c") == [FAR * 1000 + 7]
    assert call(r, "HGETEX", "h", "persist", "FIELDS", 2, "a", "c") == ["1", "3"]
    assert call(r, "HTTL", "h", "FIELDS", 3, "a", "b", "c")[0::2] == [-1, -1]
    # A deadline now or in the past returns the values, then deletes the fields.
    assert call(r, "HGETEX", "h", "EX", 0, "FIELDS", 1, "a") == ["1"]
    assert call(r, "HGETEX", "h", "PXAT", 1, "FIELDS", 2, "b", "c") == ["2", "3"]
    assert r.exists("h") == 0
    assert call(r, "HGETEX", "missing", "EX", 10, "FIELDS", 2, "a", "b") == [None, None]
    assert r.exists("missing") == 0


def test_hgetex_errors(r):
    r.hset("h", "a", "1")
    r.set("s", "v")
    assert error_of(r, "HGETEX", "s", "FIELDS", 1, "a").startswith("WRONGTYPE")
    assert error_of(r, "HGETEX", "h", "EX", "x", "FIELDS", 1, "a") == "value is not an integer or out of range"
    assert error_of(r, "HGETEX", "h", "EX", -1, "FIELDS", 1, "a") == "invalid expire time, must be >= 0"
    assert error_of(r, "HGETEX", "h", "EX", 2 ** 48, "FIELDS", 1, "a") == (
        "invalid expire time in 'hgetex' command")
    assert error_of(r, "HGETEX", "h", "KEEPTTL", "FIELDS", 1, "a") == (
        "Mandatory argument FIELDS is missing or not at the right position")
    assert error_of(r, "HGETEX", "h", "EX", 10, "PERSIST", "FIELDS", 1, "a") == (
        "Mandatory argument FIELDS is missing or not at the right position")
    assert error_of(r, "HGETEX", "h", "FIELDS", 0, "a") == "Number of fields must be a positive integer"
    assert error_of(r, "HGETEX", "h", "FIELDS", 2, "a") == (
        "The `numfields` parameter must match the number of arguments")
    assert error_of(r, "HGETEX", "h", "FIELDS", 1) == "wrong number of arguments for 'hgetex' command"
    assert error_of(r, "HGETEX", "h", "EX", 10, "FIELDS") == "wrong number of arguments for 'hgetex' command"
    assert call(r, "HTTL", "h", "FIELDS", 1, "a") == [-1]


# ---- HSETEX -----------------------------------------------------------------------------

def test_hsetex_options(r):
    assert call(r, "HSETEX", "h", "FIELDS", 2, "a", "1", "b", "2") == 1
    assert r.hgetall("h") == {"a": "1", "b": "2"}
    assert call(r, "HSETEX", "h", "EX", 100, "FIELDS", 1, "a", "x") == 1
    assert call(r, "HTTL", "h", "FIELDS", 2, "a", "b") == [100, -1]
    assert call(r, "HSETEX", "h", "KEEPTTL", "FIELDS", 1, "a", "y") == 1
    assert call(r, "HTTL", "h", "FIELDS", 1, "a") == [100]
    # Without KEEPTTL a set clears the TTL, as HSET does.
    assert call(r, "HSETEX", "h", "FIELDS", 1, "a", "z") == 1
    assert call(r, "HTTL", "h", "FIELDS", 1, "a") == [-1]
    assert call(r, "HSETEX", "h", "PX", 5000, "FIELDS", 1, "b", "2") == 1
    assert 4000 <= call(r, "HPTTL", "h", "FIELDS", 1, "b")[0] <= 5000
    assert call(r, "HSETEX", "h", "EXAT", FAR, "FIELDS", 1, "c", "3") == 1
    assert call(r, "HEXPIRETIME", "h", "FIELDS", 1, "c") == [FAR]
    assert call(r, "HSETEX", "h", "PXAT", FAR * 1000 + 5, "FIELDS", 1, "c", "3") == 1
    assert call(r, "HPEXPIRETIME", "h", "FIELDS", 1, "c") == [FAR * 1000 + 5]
    assert r.hgetall("h") == {"a": "z", "b": "2", "c": "3"}


def test_hsetex_conditions(r):
    assert call(r, "HSETEX", "h", "FXX", "FIELDS", 1, "a", "1") == 0
    assert r.exists("h") == 0
    assert call(r, "HSETEX", "h", "FNX", "EX", 100, "FIELDS", 2, "a", "1", "b", "2") == 1
    assert call(r, "HSETEX", "h", "FNX", "FIELDS", 2, "c", "3", "a", "9") == 0
    assert call(r, "HSETEX", "h", "FXX", "FIELDS", 2, "a", "7", "c", "3") == 0
    assert r.hgetall("h") == {"a": "1", "b": "2"}
    assert call(r, "HSETEX", "h", "fxx", "keepttl", "FIELDS", 2, "a", "7", "b", "8") == 1
    assert call(r, "HTTL", "h", "FIELDS", 2, "a", "b") == [100, 100]
    assert r.hgetall("h") == {"a": "7", "b": "8"}


def test_hsetex_past_deadline_deletes(r):
    assert call(r, "HSETEX", "h", "EX", 0, "FIELDS", 1, "a", "1") == 1
    assert r.exists("h") == 0
    r.hset("h", "keep", "1")
    assert call(r, "HSETEX", "h", "PXAT", 1, "FIELDS", 1, "a", "1") == 1
    assert r.hgetall("h") == {"keep": "1"}


def test_hsetex_errors(r):
    r.set("s", "v")
    assert error_of(r, "HSETEX", "s", "FIELDS", 1, "a", "1").startswith("WRONGTYPE")
    # Options are checked before the key.
    assert error_of(r, "HSETEX", "s", "FOO", "FIELDS", 1, "a", "1") == "unknown argument: FOO"
    assert error_of(r, "HSETEX", "h", "FNX", "FXX", "FIELDS", 1, "a", "1") == (
        "Only one of FXX or FNX arguments can be specified")
    assert error_of(r, "HSETEX", "h", "EX", 10, "PX", 10, "FIELDS", 1, "a", "1") == (
        "Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified")
    assert error_of(r, "HSETEX", "h", "KEEPTTL", "EX", 10, "FIELDS", 1, "a", "1") == (
        "Only one of EX, PX, EXAT, PXAT or KEEPTTL arguments can be specified")
    assert error_of(r, "HSETEX", "h", "FNX", "FIELDS", 1, "a", "1", "EX") == (
        "wrong number of arguments for 'hsetex' command")
    assert error_of(r, "HSETEX", "h", "FNX", "KEEPTTL", "FIELDS", "EX") == (
        "wrong number of arguments for 'hsetex' command")
    assert error_of(r, "HSETEX", "h", "KEEPTTL", "FNX", "a", "EX") == "unknown argument: a"
    assert error_of(r, "HSETEX", "h", "FNX", "FIELDS", 1, "a", "1", "b") == (
        "wrong number of arguments for 'hsetex' command")
    assert error_of(r, "HSETEX", "h", "FNX", "FIELDS", 2, "a", "1", "b") == (
        "wrong number of arguments for 'hsetex' command")
    assert error_of(r, "HSETEX", "h", "FIELDS", 2, "a", "1") == "wrong number of arguments for 'hsetex' command"
    assert error_of(r, "HSETEX", "h", "FIELDS", 0, "a", "1") == "invalid number of fields"
    assert error_of(r, "HSETEX", "h", "FIELDS", "x", "a", "1") == "invalid number of fields"
    assert error_of(r, "HSETEX", "h", "FNX", "EX", "x", "FIELDS", 1, "a", "1") == (
        "value is not an integer or out of range")
    assert error_of(r, "HSETEX", "h", "EX", -5, "FIELDS", 1, "a", "1") == "invalid expire time, must be >= 0"
    assert error_of(r, "HSETEX", "h", "EX", 2 ** 48, "FIELDS", 1, "a", "1") == (
        "invalid expire time in 'hsetex' command")
    assert error_of(r, "HSETEX", "h", "FIELDS", 1, "a") == "wrong number of arguments for 'hsetex' command"
    assert r.exists("h") == 0

