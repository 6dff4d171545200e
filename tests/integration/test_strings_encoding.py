"""String encodings (OBJECT ENCODING) and the size limits of the string commands.

Encodings are compared with redis-server 7.0 itself: every scenario runs on both
servers and the encoding of each key must agree after every step.
"""

import time

import pytest
import redis

SCENARIOS = {
    "set_shapes": [
        ["SET", "k", "123"], ["SET", "k", "0123"], ["SET", "k", "-9223372036854775808"],
        ["SET", "k", "9223372036854775807"], ["SET", "k", "9223372036854775808"], ["SET", "k", "-0"],
        ["SET", "k", "+1"], ["SET", "k", " 1"], ["SET", "k", ""], ["SET", "k", "1.5"],
        ["SET", "k", "x" * 44], ["SET", "k", "x" * 45], ["SET", "k", "1" * 44], ["SET", "k", "7"],
        ["SET", "k", "y" * 1000], ["SET", "k", "y" * 900], ["SET", "k", "z" * 100], ["SET", "k", "5"],
    ],
    "set_variants": [
        ["SETNX", "k", "12"], ["GETSET", "k", "abc"], ["GETSET", "k", "99"], ["SETEX", "k", "100", "42"],
        ["PSETEX", "k", "100000", "x" * 50], ["SET", "k", "8", "GET"], ["SET", "k", "word", "KEEPTTL"],
        ["MSET", "k", "1", "k2", "two"], ["MSETNX", "k3", "3", "k4", "x" * 60],
        ["SET", "k", "9", "EX", "100"], ["GETEX", "k", "PERSIST"], ["GETEX", "k", "EX", "100"],
    ],
    "append": [
        ["APPEND", "k", "123"], ["APPEND", "k", "4"], ["SET", "k", "abc"], ["APPEND", "k", "d"],
        ["SET", "k", "1"], ["APPEND", "k", ""], ["SET", "k", ""], ["APPEND", "k", ""],
        ["APPEND", "new", ""], ["APPEND", "new2", "x" * 50], ["APPEND", "new2", "y"],
    ],
    "setrange": [
        ["SETRANGE", "k", "0", "12"], ["SET", "k", "12345"], ["SETRANGE", "k", "0", ""],
        ["SETRANGE", "k", "0", "9"], ["SET", "k", "abc"], ["SETRANGE", "k", "1", "x"],
        ["SET", "k", "77"], ["SETRANGE", "k", "10", ""], ["SETRANGE", "k", "1", "7"],
    ],
    "counters": [
        ["INCR", "k"], ["INCRBY", "k", "10000"], ["SET", "k", "5"], ["APPEND", "k", "0"], ["INCR", "k"],
        ["SET", "k", "9223372036854775806"], ["INCR", "k"], ["DECRBY", "k", "5"],
        ["SET", "k", "1.5"], ["INCRBYFLOAT", "k", "0.5"], ["INCR", "k"],
        ["INCRBYFLOAT", "f", "1.25"], ["INCRBYFLOAT", "g", "3"], ["INCRBYFLOAT", "h", "1e40"],
        ["SET", "i", "10"], ["INCRBYFLOAT", "i", "0.5"], ["INCRBYFLOAT", "i", "0.5"],
    ],
}


def encodings(client, keys):
    out = {}
    for key in keys:
        try:
            out[key] = client.object("encoding", key)
        except redis.ResponseError as e:
            out[key] = "error: %s" % e
    return out


@pytest.mark.parametrize("name", sorted(SCENARIOS))
def test_encoding_matches_redis(name, r, redis_server):
    oracle = redis.Redis(host="127.0.0.1", port=redis_server.port, decode_responses=True)
    oracle.flushall()
    keys = ["k", "k2", "k3", "k4", "new", "new2", "f", "g", "h", "i"]
    try:
        for step in SCENARIOS[name]:
            assert r.execute_command(*step) == oracle.execute_command(*step), step
            assert encodings(r, keys) == encodings(oracle, keys), step
    finally:
        oracle.close()


def test_values_survive_encoding_changes(r):
    r.set("k", "123")
    assert r.append("k", "4") == 4
    assert r.incr("k") == 1235
    assert r.setrange("k", 0, "9") == 4
    assert r.get("k") == "9235"
    assert r.incrbyfloat("k", "0.5") == 9235.5
    assert r.get("k") == "9235.5"


@pytest.mark.corvid_args("--proto-max-bulk-len", "1mb")
def test_string_size_limit(fresh_corvid):
    c = redis.Redis(host="127.0.0.1", port=fresh_corvid.port)
    limit = 1024 * 1024
    assert c.setrange("k", limit - 1, "x") == limit
    with pytest.raises(redis.ResponseError, match=r"string exceeds maximum allowed size"):
        c.setrange("k", limit, "x")
    with pytest.raises(redis.ResponseError, match=r"string exceeds maximum allowed size \(proto-max-bulk-len\)"):
        c.append("k", "y")
    assert c.setrange("k", limit, "") == limit
    assert c.append("k", "") == limit
    assert c.strlen("k") == limit
    assert c.getrange("k", limit - 2, -1) == b"\x00x"
    c.set("a", "x" * 400)
    c.set("b", "y" * 400)
    assert c.execute_command("LCS", "a", "b", "LEN") == 0
    c.set("a", "x" * 1000)
    c.set("b", "y" * 1000)
    with pytest.raises(redis.ResponseError, match=r"transient memory for LCS exceeds proto-max-bulk-len"):
        c.execute_command("LCS", "a", "b", "LEN")
    # Exactly at the limit: (511 + 1) * (511 + 1) cells of 4 bytes is 1MB.
    c.set("a", "x" * 511)
    c.set("b", "y" * 511)
    assert c.execute_command("LCS", "a", "b", "LEN") == 0
    c.set("b", "y" * 512)
    with pytest.raises(redis.ResponseError):
        c.execute_command("LCS", "a", "b", "LEN")
    c.close()


def test_large_append_and_setrange(r):
    chunk = "a" * 100000
    for i in range(20):
        assert r.append("big", chunk) == (i + 1) * len(chunk)
    assert r.strlen("big") == 20 * len(chunk)
    assert r.setrange("big", 3000000, "end") == 3000003
    assert r.getrange("big", 1999999, 2000001) == "a\x00\x00"
    assert r.getrange("big", -3, -1) == "end"


def test_expiring_set_variants(r):
    r.set("a", "1", px=100)
    r.setex("b", 1, "2")
    r.psetex("c", 100, "3")
    r.execute_command("SET", "d", "4", "PXAT", int(time.time() * 1000) + 100)
    r.set("e", "5")
    r.getex("e", px=100)
    time.sleep(0.3)
    assert r.mget("a", "c", "d", "e") == [None, None, None, None]
    assert r.get("b") == "2"
    time.sleep(1)
    assert r.get("b") is None
