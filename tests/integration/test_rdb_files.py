"""RDB files that move between Corvid and redis-server 7.0.15 in both directions.

A dataset of every type and encoding over all 16 databases (with TTLs) is written by one
server, saved, and loaded by the other started on the same directory; the two keyspaces
are compared key by key (type, value, TTL) and by DEBUG DIGEST, which Corvid computes as
Redis does. Broken files must be refused at start-up with Redis's words and exit code 1."""

import os
import subprocess
import time

import pytest

from support.datasets import all_databases, client_for, populate
from support.resp import RespConnection
from support.servers import start_corvid, start_redis

DEBUG = ("--enable-debug-command", "yes")


def fill_all_databases(server, scale=1):
    for db in range(16):
        c = client_for(server, db)
        if db in (0, 1, 9, 15):
            populate(c, seed=db, scale=scale)
        c.set("db-marker", str(db))
        c.close()


def contents(server):
    return all_databases(lambda db: client_for(server, db))


def digest(server):
    return client_for(server).execute_command("DEBUG", "DIGEST")



def test_redis_dump_loads_into_corvid(own_servers):
    theirs = start_redis(*DEBUG, persistent=True)
    own_servers.append(theirs)
    fill_all_databases(theirs)
    expected, expected_digest = contents(theirs), digest(theirs)
    assert client_for(theirs).save()
    ours = start_corvid(*DEBUG, workdir=theirs.workdir)
    own_servers.append(ours)
    assert contents(ours) == expected
    assert digest(ours) == expected_digest
    assert "Loading RDB produced by version 7.0.15" in ours.read_log()


def test_corvid_dump_loads_into_redis(own_servers):
    ours = start_corvid(*DEBUG)
    own_servers.append(ours)
    fill_all_databases(ours)
    expected, expected_digest = contents(ours), digest(ours)
    assert client_for(ours).save()
    theirs = start_redis(*DEBUG, workdir=ours.workdir, persistent=True)
    own_servers.append(theirs)
    assert contents(theirs) == expected
    assert digest(theirs) == expected_digest
    # And redis-check-rdb finds nothing wrong with the file.
    check = subprocess.run(["redis-check-rdb", ours.path("dump.rdb")], capture_output=True, text=True)
    assert "RDB looks OK" in check.stdout, check.stdout + check.stderr


def test_dump_survives_a_restart_of_corvid(own_servers):
    ours = start_corvid(*DEBUG)
    fill_all_databases(ours, scale=3)
    expected, expected_digest = contents(ours), digest(ours)
    # The default save points are on: SIGTERM saves before exiting, as Redis does.
    assert ours.stop() == 0
    assert "Saving the final RDB snapshot before exiting." in ours.read_log()
    again = start_corvid(*DEBUG, workdir=ours.workdir)
    own_servers.append(again)
    assert contents(again) == expected
    assert digest(again) == expected_digest
    info = client_for(again).info("persistence")
    assert info["rdb_last_load_keys_loaded"] == sum(len(keys) for keys in expected.values())


@pytest.mark.parametrize("policy,hint", [("allkeys-lru", "idle"), ("allkeys-lfu", "freq")])
def test_access_hints_travel_both_ways(own_servers, policy, hint):
    """Under an LRU policy a dump carries each key's idle time, under LFU its frequency."""
    theirs = start_redis(*DEBUG, "--maxmemory-policy", policy, persistent=True)
    own_servers.append(theirs)
    r = client_for(theirs)
    r.set("k", "v")
    if hint == "idle":
        r.restore("old", 0, r.dump("k"), idletime=5000)
    else:
        r.restore("old", 0, r.dump("k"), frequency=77)
    assert r.save()
    ours = start_corvid(*DEBUG, "--maxmemory-policy", policy, workdir=theirs.workdir)
    own_servers.append(ours)
    c = client_for(ours)
    if hint == "idle":
        assert c.object("idletime", "old") >= 5000
    else:
        assert c.object("freq", "old") == 77
    # Back to Redis through a Corvid dump (both servers work in the same directory).
    assert c.save()
    client_for(theirs).execute_command("DEBUG", "RELOAD", "NOSAVE")
    if hint == "idle":
        assert r.object("idletime", "old") >= 5000
    else:
        assert r.object("freq", "old") == 77


def test_expired_and_empty_keys_are_skipped(own_servers):
    ours = start_corvid(*DEBUG)
    c = client_for(ours)
    c.set("gone", "v", px=100)
    c.set("kept", "v")
    assert c.save()
    c.close()
    ours.kill()
    time.sleep(0.2)  # let "gone"'s deadline pass while nobody runs
    again = start_corvid(*DEBUG, workdir=ours.workdir)
    own_servers.append(again)
    c = client_for(again)
    assert c.keys() == [b"kept"]
    info = c.info("persistence")
    assert info["rdb_last_load_keys_expired"] == 1 and info["rdb_last_load_keys_loaded"] == 1
    assert "Done loading RDB, keys loaded: 1, keys expired: 1." in again.read_log()


def test_hash_field_deadlines_need_version_12(own_servers):
    ours = start_corvid(*DEBUG)
    own_servers.append(ours)
    c = client_for(ours)
    c.hset("plain", "f", "v")
    assert c.save()
    with open(ours.path("dump.rdb"), "rb") as f:
        assert f.read(9) == b"REDIS0010"
    c.hset("h", mapping={"a": "1", "b": "2"})
    c.execute_command("HPEXPIRE", "h", 100000000, "FIELDS", 1, "a")
    c.hset("big", mapping={"f%d" % i: "v" for i in range(600)})
    c.execute_command("HPEXPIRE", "big", 100000000, "FIELDS", 2, "f1", "f2")
    before = {k: c.execute_command("HPEXPIRETIME", k, "FIELDS", 2, "a", "f1") for k in ("h", "big")}
    assert c.save()
    with open(ours.path("dump.rdb"), "rb") as f:
        assert f.read(9) == b"REDIS0012"
    assert c.execute_command("DEBUG", "RELOAD") == b"OK"
    after = {k: c.execute_command("HPEXPIRETIME", k, "FIELDS", 2, "a", "f1") for k in ("h", "big")}
    assert after == before
    assert c.object("encoding", "h") == b"listpackex" and c.object("encoding", "big") == b"hashtable"


@pytest.mark.parametrize("name,mutate,message", [
    ("truncated", lambda data: data[:len(data) // 2], "Short read or OOM loading DB. Unrecoverable error, aborting now."),
    ("bad checksum", lambda data: data[:-1] + bytes([data[-1] ^ 1]), "Wrong RDB checksum expected"),
    ("bad signature", lambda data: b"XEDIS" + data[5:], "Wrong signature trying to load DB from file"),
    ("version 13", lambda data: b"REDIS0013" + data[9:], "Can't handle RDB format version 13"),
])
def test_broken_dumps_stop_the_start(name, mutate, message):
    """Corvid and Redis refuse the same broken files with the same log line and exit 1."""
    source = start_corvid()
    client_for(source).set("k", "v" * 100)
    client_for(source).rpush("l", *range(100))
    assert client_for(source).save()
    source.kill()
    with open(source.path("dump.rdb"), "rb") as f:
        data = mutate(f.read())
    for start, kwargs in ((start_corvid, {}), (start_redis, {"persistent": True})):
        workdir = source.workdir + "-" + start.__name__
        os.makedirs(workdir)
        with open(os.path.join(workdir, "dump.rdb"), "wb") as f:
            f.write(data)
        server = start(workdir=workdir, wait=False, **kwargs)
        assert server.wait_exit() == 1, (start.__name__, server.read_log())
        assert message in server.read_log(), (start.__name__, server.read_log())


def test_loading_answers_loading(own_servers):
    """While a dump loads, commands get -LOADING and INFO shows the loading fields."""
    ours = start_corvid(*DEBUG)
    c = client_for(ours)
    c.execute_command("DEBUG", "POPULATE", 400000, "key", 10)
    assert c.save()
    ours.kill()
    again = start_corvid(*DEBUG, workdir=ours.workdir, wait=False)
    own_servers.append(again)
    seen_loading = None
    deadline = time.time() + 60
    while time.time() < deadline:
        try:
            conn = RespConnection("127.0.0.1", again.port)
        except OSError:
            time.sleep(0.01)
            continue
        reply = conn.call("PING")[0]
        if reply == b"+PONG\r\n":
            conn.close()
            break
        assert reply == b"-LOADING Redis is loading the dataset in memory\r\n", reply
        info = conn.call("INFO", "persistence")[1].decode()
        if "loading:1" in info:
            seen_loading = info
        conn.close()
    assert seen_loading is not None, "never saw the server loading"
    for field in ("loading_start_time", "loading_total_bytes", "loading_rdb_used_mem", "loading_loaded_bytes",
                  "loading_loaded_perc", "loading_eta_seconds"):
        assert field + ":" in seen_loading, seen_loading
    assert client_for(again).dbsize() == 400000
