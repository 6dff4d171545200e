"""DUMP and RESTORE between Corvid and redis-server 7.0.15, in both directions.

The byte-level cases (payloads identical to Redis's, errors in Redis's order) are in
tests/differential/cases/dump_restore.txt; here every value of a dataset of all types and
encodings crosses from one server to the other and back, RESTORE's options are checked on
both servers, and corrupted payloads are thrown at Corvid."""

import random
import struct

import pytest
import redis

from support.datasets import client_for, describe, populate


def crc64(data):
    crc = 0
    for b in data:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x95AC9329AC4BC9B5 if crc & 1 else crc >> 1
    return crc


def with_footer(body, version=10):
    payload = body + struct.pack("<H", version)
    return payload + struct.pack("<Q", crc64(payload))


@pytest.fixture
def pair(corvid_server, redis_server):
    ours, theirs = client_for(corvid_server), client_for(redis_server)
    for c in (ours, theirs):
        c.flushall()
    yield ours, theirs
    for c in (ours, theirs):
        c.flushall()
        c.close()


def test_every_value_crosses_both_ways(pair):
    ours, theirs = pair
    populate(ours)
    populate(theirs)
    keys = sorted(ours.keys())
    assert keys == sorted(theirs.keys())
    for key in keys:
        expected = describe(ours, key)
        # The same value on both (deadlines differ by when each server ran the EXPIRE).
        assert describe(theirs, key)[:2] == expected[:2], key
        # Redis -> Corvid and Corvid -> Redis, each checked against the original.
        ours.restore(b"from-redis:" + key, 0, theirs.dump(key))
        theirs.restore(b"from-corvid:" + key, 0, ours.dump(key))
        assert describe(ours, b"from-redis:" + key)[:2] == expected[:2], key
        assert describe(theirs, b"from-corvid:" + key)[:2] == expected[:2], key
        # And back again: a Corvid payload of a value that came from Redis restores in Redis.
        theirs.restore(b"round-trip:" + key, 0, ours.dump(b"from-redis:" + key))
        assert describe(theirs, b"round-trip:" + key)[:2] == expected[:2], key
        # A restored value gets the encoding Redis gives it on RESTORE (small sets of strings
        # aside: listpack in Corvid, as in Redis 7.2).
        enc_ours = ours.object("encoding", b"from-redis:" + key)
        enc_theirs = theirs.object("encoding", b"from-corvid:" + key)
        if not (enc_ours == b"listpack" and enc_theirs == b"hashtable" and expected[0] == "set"):
            assert enc_ours == enc_theirs, key


@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_restore_options(which, corvid_server, redis_server):
    c = client_for(corvid_server if which == "corvid" else redis_server)
    c.flushall()
    c.set("src", "value")
    payload = c.dump("src")
    # TTL in milliseconds, relative unless ABSTTL.
    assert c.restore("rel", 5000, payload)
    assert 4000 < c.pttl("rel") <= 5000
    far = 4_102_444_800_000  # 2100-01-01
    assert c.restore("abs", far, payload, absttl=True)
    assert c.pexpiretime("abs") == far
    # An absolute TTL in the past: nothing is created, and with REPLACE the old key is gone.
    assert c.restore("past", 1, payload, absttl=True)
    assert c.exists("past") == 0
    c.set("victim", "old")
    assert c.restore("victim", 1, payload, replace=True, absttl=True)
    assert c.exists("victim") == 0
    # REPLACE over another type.
    c.rpush("list", "x")
    assert c.restore("list", 0, payload, replace=True)
    assert c.type("list") == b"string" and c.get("list") == b"value"
    with pytest.raises(redis.ResponseError, match="BUSYKEY"):
        c.restore("list", 0, payload)
    # IDLETIME under an LRU policy, FREQ under an LFU one.
    c.config_set("maxmemory-policy", "allkeys-lru")
    try:
        assert c.restore("idle", 0, payload, idletime=1000)
        assert c.object("idletime", "idle") >= 1000
        c.config_set("maxmemory-policy", "allkeys-lfu")
        assert c.restore("freq", 0, payload, frequency=200)
        assert c.object("freq", "freq") == 200
    finally:
        c.config_set("maxmemory-policy", "noeviction")
    c.flushall()


def test_restore_is_a_key_change(pair):
    """RESTORE notifies "restore" and dirties WATCH, on both servers alike."""
    for c in pair:
        c.config_set("notify-keyspace-events", "KEA")
        p = c.pubsub()
        p.psubscribe("__key*__:*")
        p.get_message(timeout=1)
        c.set("k", "v")
        payload = c.dump("k")
        c.restore("k2", 0, payload)
        events = []
        while True:
            m = p.get_message(timeout=1)
            if m is None:
                break
            events.append((m["channel"], m["data"]))
        p.close()
        c.config_set("notify-keyspace-events", "")
        assert (b"__keyevent@0__:restore", b"k2") in events, events


def mutations(payload, rng, count):
    """Corruptions of a payload's body with a recomputed footer: the checksum passes and
    the reader has to cope with the bytes."""
    body = payload[:-10]
    for _ in range(count):
        b = bytearray(body)
        kind = rng.randrange(4)
        if kind == 0 and b:
            b[rng.randrange(len(b))] = rng.randrange(256)
        elif kind == 1 and b:
            del b[rng.randrange(len(b)):]
        elif kind == 2:
            pos = rng.randrange(len(b) + 1)
            b[pos:pos] = bytes(rng.randrange(256) for _ in range(rng.randrange(1, 8)))
        elif b:
            i = rng.randrange(len(b))
            b[i] ^= 1 << rng.randrange(8)
        yield with_footer(bytes(b))


def test_corrupt_payloads_are_refused_or_sound(corvid_server):
    c = client_for(corvid_server)
    c.flushall()
    populate(c, with_ttls=False)
    rng = random.Random(7)
    accepted = refused = 0
    for key in sorted(c.keys()):
        payload = c.dump(key)
        for bad in mutations(payload, rng, 40):
            try:
                c.restore("victim", 0, bad, replace=True)
            except redis.ResponseError as e:
                assert str(e) == "Bad data format", e
                refused += 1
                continue
            accepted += 1
            # Whatever was accepted is a sound value: it can be read whole and dumped again.
            describe(c, "victim")
            assert c.restore("again", 0, c.dump("victim"), replace=True)
    assert c.ping()
    assert refused > 0 and accepted > 0
    c.flushall()
