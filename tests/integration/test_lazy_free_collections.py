"""UNLINK and FLUSHALL ASYNC hand big collections to the background freer.

Redis frees a value on its lazy-free thread when freeing it takes more than 64
allocations (a hash table member each; a quicklist node each; one block for a listpack or
an intset). INFO's lazyfreed_objects counts what that thread freed, so the same
expectations are checked on corvid-server and on redis-server 7.0.15.
"""

import time

import pytest
import redis

@pytest.fixture
def conn(server):
    client = redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)
    yield client
    client.close()


def fill(conn, kind, key, members):
    pipe = conn.pipeline(transaction=False)
    for start in range(0, members, 1000):
        chunk = ["m%d" % i for i in range(start, min(members, start + 1000))]
        if kind == "hash":
            pipe.hset(key, mapping={m: "v" for m in chunk})
        elif kind == "list":
            pipe.rpush(key, *chunk)
        elif kind == "set":
            pipe.sadd(key, *chunk)
        else:
            pipe.zadd(key, {m: i for i, m in enumerate(chunk)})
    pipe.execute()


def lazyfreed(conn):
    for _ in range(200):
        memory = conn.info("memory")
        if memory["lazyfree_pending_objects"] == 0:
            return memory["lazyfreed_objects"]
        time.sleep(0.01)
    raise AssertionError("the lazy-free thread never caught up")


# Members enough for more than 64 allocations in every encoding: a list needs that many
# quicklist nodes (8KB each by default).
@pytest.mark.parametrize("kind,members", [("hash", 1000), ("list", 200000), ("set", 1000), ("zset", 1000)])
def test_unlink_of_a_big_collection_is_freed_in_the_background(conn, kind, members):
    fill(conn, kind, "big", members)
    before = lazyfreed(conn)
    assert conn.unlink("big") == 1
    assert lazyfreed(conn) == before + 1
    assert conn.exists("big") == 0


@pytest.mark.parametrize("kind", ["hash", "list", "set", "zset"])
def test_unlink_of_a_small_collection_is_freed_at_once(conn, kind):
    fill(conn, kind, "small", 10)
    before = lazyfreed(conn)
    assert conn.unlink("small") == 1
    assert lazyfreed(conn) == before


def test_unlink_of_streams_weighs_nodes_and_consumer_groups(conn):
    """A stream weighs its radix tree's nodes, plus each group times the first group's
    pending entries: a long stream and a short one with a big PEL go to the background, a
    short one without groups does not."""
    pipe = conn.pipeline(transaction=False)
    for i in range(1, 10001):
        pipe.execute_command("XADD", "long", "%d-0" % i, "f", "v")
    for i in range(1, 101):
        pipe.execute_command("XADD", "short", "%d-0" % i, "f", "v")
        pipe.execute_command("XADD", "plain", "%d-0" % i, "f", "v")
    pipe.execute()
    conn.execute_command("XGROUP", "CREATE", "short", "g", "0")
    conn.execute_command("XREADGROUP", "GROUP", "g", "c", "STREAMS", "short", ">")
    for key, freed in (("long", 1), ("short", 1), ("plain", 0)):
        before = lazyfreed(conn)
        assert conn.unlink(key) == 1
        assert lazyfreed(conn) == before + freed, key


def test_flushall_async_frees_collections_in_the_background(conn):
    fill(conn, "zset", "z", 1000)
    fill(conn, "set", "s", 1000)
    conn.set("str", "v")
    before = lazyfreed(conn)
    conn.flushall(asynchronous=True)
    assert conn.dbsize() == 0
    # Redis counts every key of a flushed database as one object freed.
    assert lazyfreed(conn) == before + 3


def test_lazyfree_lazy_expire_frees_an_expired_collection_in_the_background(conn):
    fill(conn, "hash", "big", 1000)
    fill(conn, "hash", "small", 10)
    before = lazyfreed(conn)
    # Switched on before the keys can expire: the active cycle may reclaim them
    # before the lookup does, and both paths must honour the setting.
    conn.config_set("lazyfree-lazy-expire", "yes")
    try:
        conn.pexpire("big", 1)
        conn.pexpire("small", 1)
        time.sleep(0.01)
        assert conn.exists("big", "small") == 0  # reclaimed by lookup or active cycle
        assert lazyfreed(conn) == before + 1      # only the big one went to the thread
    finally:
        conn.config_set("lazyfree-lazy-expire", "no")
    fill(conn, "hash", "big", 1000)
    conn.pexpire("big", 1)
    time.sleep(0.01)
    assert conn.exists("big") == 0
    assert lazyfreed(conn) == before + 1          # off again: freed at once


def test_lazyfree_lazy_eviction_frees_evicted_collections_in_the_background(conn):
    before = lazyfreed(conn)
    conn.config_set("lazyfree-lazy-eviction", "yes")
    conn.config_set("maxmemory-policy", "allkeys-random")
    try:
        used = conn.info("memory")["used_memory"]
        conn.config_set("maxmemory", used + 3_000_000)
        for i in range(150):
            try:
                fill(conn, "hash", "h%d" % i, 1000)
            except redis.ResponseError as error:
                # Memory freed in the background can lag behind: a write may be refused
                # until it catches up (Redis does the same).
                assert str(error).startswith("Command # 1") and "OOM" in str(error)
        conn.config_set("maxmemory", 0)
        assert conn.info("stats")["evicted_keys"] > 0
        assert lazyfreed(conn) > before
    finally:
        conn.config_set("maxmemory", 0)
        conn.config_set("maxmemory-policy", "noeviction")
        conn.config_set("lazyfree-lazy-eviction", "no")


# Commands that delete or overwrite a value as a side effect: with lazyfree-lazy-server-del
# the old big value goes to the background thread, without it it is freed at once.
IMPLICIT_DELETES = {
    "set_over": lambda c: c.set("big", "x"),
    "rename_onto": lambda c: (c.set("src", "x"), c.rename("src", "big")),
    "copy_replace": lambda c: (c.set("src", "x"), c.copy("src", "big", replace=True)),
    "restore_replace": lambda c: c.restore("big", 0, c.dump("small"), replace=True),
    "sunionstore_onto": lambda c: (c.sadd("s", "a"), c.sunionstore("big", ["s"])),
    "sort_store_onto": lambda c: (c.rpush("l", 1), c.sort("l", store="big")),
    "bitop_onto": lambda c: (c.set("s1", "a"), c.bitop("AND", "big", "s1")),
}


@pytest.mark.parametrize("setting", ["yes", "no"])
@pytest.mark.parametrize("case", sorted(IMPLICIT_DELETES))
def test_lazyfree_lazy_server_del_frees_overwritten_values_in_the_background(conn, case, setting):
    fill(conn, "hash", "big", 1000)
    fill(conn, "hash", "small", 10)
    before = lazyfreed(conn)
    conn.config_set("lazyfree-lazy-server-del", setting)
    try:
        IMPLICIT_DELETES[case](conn)
        assert lazyfreed(conn) == before + (1 if setting == "yes" else 0)
    finally:
        conn.config_set("lazyfree-lazy-server-del", "no")
    assert conn.type("big") != "hash" or conn.hlen("big") == 10  # the old value is gone


def test_expire_in_the_past_honours_lazyfree_lazy_expire(conn):
    fill(conn, "hash", "big", 1000)
    before = lazyfreed(conn)
    conn.config_set("lazyfree-lazy-expire", "yes")
    try:
        assert conn.pexpireat("big", 1) == 1
        assert lazyfreed(conn) == before + 1
    finally:
        conn.config_set("lazyfree-lazy-expire", "no")
    assert conn.exists("big") == 0
