"""The append-only file: Redis 7's multi-part layout, written by Corvid and loaded by
redis-server 7.0.15 and the other way round, restarts, rewrites under load, truncated and
corrupt files, CONFIG SET appendonly, INFO. Each test runs its own servers in their own
directories. Nothing asserts on timing: waits poll a condition with a generous deadline."""

import os
import shutil

import pytest

from support.datasets import all_databases, client_for, populate
from support.resp import RespConnection
from support.servers import start_corvid, start_redis
from support.waiting import wait_until

DEBUG = ("--enable-debug-command", "yes")


def contents(server):
    return all_databases(lambda db: client_for(server, db))


def digest(server):
    return client_for(server).execute_command("DEBUG", "DIGEST")


def fill(server):
    for db in (0, 5):
        c = client_for(server, db)
        populate(c, seed=db)
        c.incrbyfloat("float", 1.5)
        c.lpush("pushed", "a", "b", "c")
        c.spop("set:strings")
        c.expire("str:int", 100000)
        c.close()


def aof_files(server):
    return sorted(os.listdir(server.path("appendonlydir")))


def manifest(server):
    with open(server.path("appendonlydir/appendonly.aof.manifest")) as f:
        return f.read()


def wait_rewrite_done(c):
    wait_until(lambda: c.info("persistence")["aof_rewrite_in_progress"] == 0 and
               c.info("persistence")["aof_rewrite_scheduled"] == 0, "the AOF rewrite finished")


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_corvid_aof_loads_into_redis(own_servers, preamble):
    ours = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "", "--aof-use-rdb-preamble", preamble)
    own_servers.append(ours)
    fill(ours)
    c = client_for(ours)
    # Some of the data in the base, some in the incremental file after it.
    c.execute_command("BGREWRITEAOF")
    wait_rewrite_done(c)
    c.set("after-rewrite", "x")
    c.hset("hash:small", "new", "field")
    expected, expected_digest = contents(ours), digest(ours)
    assert aof_files(ours) == ["appendonly.aof.2.base." + ("rdb" if preamble == "yes" else "aof"),
                               "appendonly.aof.2.incr.aof", "appendonly.aof.manifest"]
    # SIGKILL: nothing more is written on the way out; everysec wrote at every event loop.
    ours.kill()
    theirs = start_redis(*DEBUG, "--appendonly", "yes", workdir=ours.workdir, persistent=True)
    own_servers.append(theirs)
    assert digest(theirs) == expected_digest
    assert contents(theirs) == expected


def test_redis_aof_loads_into_corvid(own_servers):
    theirs = start_redis(*DEBUG, "--appendonly", "yes", "--save", "", persistent=True)
    own_servers.append(theirs)
    fill(theirs)
    r = client_for(theirs)
    r.execute_command("BGREWRITEAOF")
    wait_rewrite_done(r)
    r.set("after-rewrite", "x")
    r.rpush("pushed", "more")
    expected, expected_digest = contents(theirs), digest(theirs)
    theirs.kill()
    ours = start_corvid(*DEBUG, "--appendonly", "yes", workdir=theirs.workdir)
    own_servers.append(ours)
    assert digest(ours) == expected_digest
    assert contents(ours) == expected
    log = ours.read_log()
    assert "RDB is base AOF" in log and "DB loaded from append only file" in log


@pytest.mark.parametrize("fsync", ["always", "everysec", "no"])
def test_restart_keeps_everything(own_servers, fsync):
    ours = start_corvid(*DEBUG, "--appendonly", "yes", "--appendfsync", fsync, "--save", "")
    fill(ours)
    expected_digest = digest(ours)
    assert ours.stop() == 0
    again = start_corvid(*DEBUG, "--appendonly", "yes", "--appendfsync", fsync, workdir=ours.workdir)
    own_servers.append(again)
    assert digest(again) == expected_digest
    assert "Opening AOF incr file appendonly.aof.1.incr.aof on server start" in again.read_log()


def truncate_last_incr(server, cut):
    path = server.path("appendonlydir/appendonly.aof.1.incr.aof")
    with open(path, "rb") as f:
        data = f.read()
    with open(path, "wb") as f:
        f.write(data[:len(data) - cut])
    return len(data)


@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_truncated_aof_loads_what_is_whole(own_servers, which):
    first = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "")
    c = client_for(first)
    c.set("a", "1")
    c.set("b", "2")
    first.kill()
    size = truncate_last_incr(first, 3)  # inside "SET b 2"
    start = start_corvid if which == "corvid" else start_redis
    kwargs = {} if which == "corvid" else {"persistent": True}
    again = start(*DEBUG, "--appendonly", "yes", workdir=first.workdir, **kwargs)
    own_servers.append(again)
    c = client_for(again)
    assert c.get("a") == b"1" and c.get("b") is None
    log = again.read_log()
    assert "!!! Warning: short read while loading the AOF file appendonly.aof.1.incr.aof!!!" in log
    assert "AOF appendonly.aof.1.incr.aof loaded anyway because aof-load-truncated is enabled" in log
    assert os.path.getsize(first.path("appendonlydir/appendonly.aof.1.incr.aof")) < size - 3


@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_truncated_aof_refused_without_aof_load_truncated(which):
    first = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "")
    client_for(first).set("a", "1")
    first.kill()
    truncate_last_incr(first, 2)
    start = start_corvid if which == "corvid" else start_redis
    kwargs = {} if which == "corvid" else {"persistent": True}
    again = start(*DEBUG, "--appendonly", "yes", "--aof-load-truncated", "no", workdir=first.workdir, wait=False,
                  **kwargs)
    assert again.wait_exit() == 1
    assert ("Unexpected end of file reading the append only file appendonly.aof.1.incr.aof. You can: 1) Make a "
            "backup of your AOF file, then use ./redis-check-aof --fix <filename.manifest>.") in again.read_log()


def test_unterminated_multi_is_reverted(own_servers):
    first = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "")
    c = client_for(first)
    c.set("before", "1")
    first.kill()
    with open(first.path("appendonlydir/appendonly.aof.1.incr.aof"), "ab") as f:
        f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n")
    again = start_corvid(*DEBUG, "--appendonly", "yes", workdir=first.workdir)
    own_servers.append(again)
    c = client_for(again)
    assert c.get("before") == b"1" and c.get("x") is None
    assert "Revert incomplete MULTI/EXEC transaction in AOF file appendonly.aof.1.incr.aof" in again.read_log()


def test_tails_load_as_in_redis(own_servers):
    """A "#TS:" annotation cut short at the very end is a clean end (even with
    aof-load-truncated no), and an unterminated MULTI after an annotation is cut back to the
    end of the command before it, annotation included: both servers leave the same file."""
    tails = {
        "cut-annotation": (b"#TS:17", ("--aof-load-truncated", "no")),
        "open-multi": (b"#TS:1700000000\r\n*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n", ()),
    }
    first = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "")
    client_for(first).set("a", "1")
    first.kill()
    incr = "appendonlydir/appendonly.aof.1.incr.aof"
    for name, (tail, options) in tails.items():
        sizes = []
        for start, kwargs in ((start_corvid, {}), (start_redis, {"persistent": True})):
            workdir = os.path.join(first.workdir, name + "-" + start.__name__)
            shutil.copytree(first.path("appendonlydir"), os.path.join(workdir, "appendonlydir"))
            with open(os.path.join(workdir, incr), "ab") as f:
                f.write(tail)
            server = start(*DEBUG, "--appendonly", "yes", *options, workdir=workdir, **kwargs)
            own_servers.append(server)
            c = client_for(server)
            assert c.get("a") == b"1" and c.get("x") is None, (name, start.__name__)
            server.stop()
            sizes.append(os.path.getsize(os.path.join(workdir, incr)))
        assert sizes[0] == sizes[1], (name, sizes)


@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_garbage_in_the_aof_stops_the_start(which):
    first = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "")
    client_for(first).set("a", "1")
    first.kill()
    with open(first.path("appendonlydir/appendonly.aof.1.incr.aof"), "ab") as f:
        f.write(b"this is not a command\r\n*1\r\n$4\r\nPING\r\n")
    start = start_corvid if which == "corvid" else start_redis
    kwargs = {} if which == "corvid" else {"persistent": True}
    again = start(*DEBUG, "--appendonly", "yes", workdir=first.workdir, wait=False, **kwargs)
    assert again.wait_exit() == 1
    assert "Bad file format reading the append only file appendonly.aof.1.incr.aof" in again.read_log()


def test_config_set_appendonly(own_servers):
    ours = start_corvid(*DEBUG, "--save", "")
    c = client_for(ours)
    fill(ours)
    c.config_set("appendonly", "yes")
    wait_rewrite_done(c)
    assert c.info("persistence")["aof_enabled"] == 1
    c.set("after", "on")
    expected_digest = digest(ours)
    assert aof_files(ours) == ["appendonly.aof.1.base.rdb", "appendonly.aof.1.incr.aof", "appendonly.aof.manifest"]
    ours.kill()
    again = start_corvid(*DEBUG, "--appendonly", "yes", workdir=ours.workdir)
    own_servers.append(again)
    assert digest(again) == expected_digest
    c = client_for(again)
    c.config_set("appendonly", "no")
    assert c.info("persistence")["aof_enabled"] == 0
    c.set("not-logged", "x")
    assert b"not-logged" not in open(again.path("appendonlydir/appendonly.aof.1.incr.aof"), "rb").read()


def test_bgrewriteaof_under_writes_keeps_every_write(own_servers):
    ours = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "")
    c = client_for(ours)
    c.execute_command("DEBUG", "POPULATE", 200000, "k", 20)
    conn = RespConnection("127.0.0.1", ours.port)
    assert conn.call("BGREWRITEAOF")[0] == b"+Background append only file rewriting started\r\n"
    assert conn.call("BGREWRITEAOF")[0] == b"-ERR Background append only file rewriting already in progress\r\n"
    n = 0
    while c.info("persistence")["aof_rewrite_in_progress"]:
        p = c.pipeline(transaction=False)
        for i in range(n * 13 % 200000, 200000, 7919):
            p.set("k:%d" % i, "changed-%d" % n)
            p.delete("k:%d" % (i + 1))
            p.incr("counter")
        p.execute()
        n += 1
    conn.close()
    assert c.info("persistence")["aof_last_bgrewrite_status"] == "ok"
    expected_digest = digest(ours)
    assert "appendonly.aof.2.base.rdb" in aof_files(ours)
    ours.kill()
    again = start_corvid(*DEBUG, "--appendonly", "yes", workdir=ours.workdir)
    own_servers.append(again)
    assert digest(again) == expected_digest
    theirs = start_redis(*DEBUG, "--appendonly", "yes", workdir=shutil.copytree(ours.workdir, ours.workdir + "-r"),
                         persistent=True)
    own_servers.append(theirs)
    assert digest(theirs) == expected_digest


def test_auto_rewrite_and_timestamps(own_servers):
    ours = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "", "--auto-aof-rewrite-min-size", "1mb",
                        "--auto-aof-rewrite-percentage", "100", "--aof-timestamp-enabled", "yes")
    own_servers.append(ours)
    c = client_for(ours)
    for i in range(30):
        c.set("big:%d" % i, "x" * 100000)
    wait_until(lambda: c.info("persistence")["aof_rewrites"] >= 1, "an automatic rewrite")
    wait_rewrite_done(c)
    assert "Starting automatic rewriting of AOF on" in ours.read_log()
    # A write in a new second is preceded by that second's annotation.
    second = int(c.execute_command("TIME")[0])
    wait_until(lambda: int(c.execute_command("TIME")[0]) > second, "a new second")
    c.set("late", "1")
    expected = digest(ours)
    incr = [f for f in aof_files(ours) if f.endswith(".incr.aof")][-1]
    with open(ours.path("appendonlydir/" + incr), "rb") as f:
        assert b"#TS:" in f.read()
    ours.kill()
    theirs = start_redis(*DEBUG, "--appendonly", "yes", workdir=ours.workdir, persistent=True)
    own_servers.append(theirs)
    assert digest(theirs) == expected


def test_info_aof_fields(own_servers):
    ours = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "")
    own_servers.append(ours)
    c = client_for(ours)
    info = c.info("persistence")
    for field in ("aof_enabled", "aof_rewrite_in_progress", "aof_rewrite_scheduled", "aof_last_rewrite_time_sec",
                  "aof_current_rewrite_time_sec", "aof_last_bgrewrite_status", "aof_rewrites",
                  "aof_rewrites_consecutive_failures", "aof_last_write_status", "aof_last_cow_size",
                  "aof_current_size", "aof_base_size", "aof_pending_rewrite", "aof_buffer_length",
                  "aof_pending_bio_fsync", "aof_delayed_fsync"):
        assert field in info, field
    before = info["aof_current_size"]
    c.set("k", "v" * 1000)
    assert c.info("persistence")["aof_current_size"] >= before + 1000
    assert c.execute_command("DEBUG", "LOADAOF") == b"OK"
    assert c.get("k") == b"v" * 1000
