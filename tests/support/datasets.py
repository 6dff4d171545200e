"""Datasets of every type and encoding, and a way to read a whole keyspace back.

Persistence tests write these on one server (Corvid or redis-server 7.0.15), move them
(DUMP/RESTORE, RDB files, AOF directories) and compare what arrives key by key: type,
value (order-insensitive where Redis's order is unspecified) and TTL."""

import random

import redis


def populate(client, seed=1, scale=1, with_ttls=True):
    """Writes one of every type in each of its encodings, small and large values, integers
    of each width, binary bytes, and TTLs. Deterministic for a seed. Returns the key count."""
    rng = random.Random(seed)
    p = client.pipeline(transaction=False)
    # Strings: int, embstr, raw, long compressible and incompressible, binary, empty.
    p.set("str:int", "12345")
    p.set("str:neg", "-7")
    p.set("str:int64", str(2 ** 62))
    p.set("str:padded", "007")
    p.set("str:embstr", "hello world")
    p.set("str:raw", "r" * 100)
    p.set("str:text", " ".join("word%d" % (i % 17) for i in range(200)))
    p.set("str:random", bytes(rng.getrandbits(8) for _ in range(300)))
    p.set("str:binary", b"a\x00b\xff\r\n")
    p.set("str:empty", "")
    p.setrange("str:appended", 0, "base")
    p.append("str:appended", "-more")
    # Lists: small, with integers of every width, many nodes, long elements.
    p.rpush("list:small", "a", "b", "c")
    p.rpush("list:ints", 0, 1, 127, 128, -4096, 4095, 32767, -32768, 8388607, 2 ** 31, -(2 ** 63), 2 ** 63 - 1)
    p.rpush("list:long", *("item-%d" % i for i in range(1000 * scale)))
    p.rpush("list:bigitems", *("x" * (100 + i) for i in range(30)))
    # Sets: intset (16/32/64-bit), listpack (7.2 encoding in Corvid), hashtable.
    p.sadd("set:int16", *range(-5, 50))
    p.sadd("set:int64", 1, 2 ** 40, -(2 ** 50))
    p.sadd("set:strings", "apple", "banana", "cherry")
    p.sadd("set:big", *("m%d" % i for i in range(600 * scale)))
    p.sadd("set:bigints", *range(1000 * scale))
    # Sorted sets: listpack and skiplist, special scores.
    p.zadd("zset:small", {"a": 1, "b": 2.5, "c": -3, "inf": float("inf"), "ninf": float("-inf")})
    p.zadd("zset:big", {"member:%d" % i: rng.random() * 1000 for i in range(300 * scale)})
    p.zadd("zset:longmember", {"l" * 100: 1, "short": 2})
    # Hashes: listpack and hashtable.
    p.hset("hash:small", mapping={"f1": "v1", "f2": "2", "f3": ""})
    p.hset("hash:big", mapping={"field:%d" % i: "value:%d" % i for i in range(700 * scale)})
    p.hset("hash:longvalue", mapping={"f": "v" * 100})
    # A HyperLogLog is a string in Redis's layout.
    p.pfadd("hll:sparse", *("e%d" % i for i in range(20)))
    p.pfadd("hll:dense", *("e%d" % i for i in range(5000)))
    if with_ttls:
        p.set("ttl:str", "v", px=3_600_000)
        p.rpush("ttl:list", "x")
        p.pexpire("ttl:list", 7_200_000)
        p.hset("ttl:hash", "f", "v")
        p.expireat("ttl:hash", 4_000_000_000)
    p.execute()
    return client.dbsize()


def snapshot(client):
    """Every key of the selected database: {key: (type, value, deadline)}, the deadline in
    Unix milliseconds or -1. Values compare order-insensitively where Redis leaves the
    order open."""
    out = {}
    for key in client.scan_iter(count=1000):
        out[key] = describe(client, key)
    return out


def describe(client, key):
    kind = client.type(key)
    kind = kind.decode() if isinstance(kind, bytes) else kind
    if kind == "string":
        value = client.get(key)
    elif kind == "list":
        value = tuple(client.lrange(key, 0, -1))
    elif kind == "set":
        value = frozenset(client.smembers(key))
    elif kind == "zset":
        value = tuple(client.zrange(key, 0, -1, withscores=True))
    elif kind == "hash":
        value = frozenset(client.hgetall(key).items())
    else:
        value = None
    # The absolute deadline (what files carry), so that reads at different times agree.
    return kind, value, client.pexpiretime(key)


def all_databases(client_factory, databases=16):
    """snapshot() of every database that holds keys: {db: {key: ...}}."""
    out = {}
    for db in range(databases):
        c = client_factory(db)
        if c.dbsize():
            out[db] = snapshot(c)
        c.close()
    return out


def client_for(server, db=0):
    return redis.Redis(host="127.0.0.1", port=server.port, db=db)
