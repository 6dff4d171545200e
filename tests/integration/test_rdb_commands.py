"""SAVE, BGSAVE, LASTSAVE, INFO persistence, save points, MISCONF, SHUTDOWN and signals,
checked on corvid-server and, where the behaviour is Redis's, on redis-server 7.0.15 too.

Each test runs its own servers in their own directories (their dumps are what is checked).
Nothing asserts on timing: waits poll a condition (a file, an INFO field, an exit) with a
generous deadline that only fails when the condition never holds."""

import os
import shutil
import signal

import pytest
import redis

from support.datasets import client_for, populate
from support.resp import RespConnection
from support.servers import start_corvid, start_redis
from support.waiting import wait_until

DEBUG = ("--enable-debug-command", "yes", "--enable-protected-configs", "yes")
MISCONF = ("MISCONF Redis is configured to save RDB snapshots, but it's currently unable to persist to disk. "
           "Commands that may modify the data set are disabled, because this instance is configured to report "
           "errors during writes if RDB snapshotting fails (stop-writes-on-bgsave-error option). Please check the "
           "Redis logs for details about the RDB error.")


def start(which, *args, **kwargs):
    if which == "corvid":
        return start_corvid(*DEBUG, *args, **kwargs)
    return start_redis(*DEBUG, *args, persistent=True, **kwargs)


def call(server, *args):
    """One command on a raw connection: replies as sent (simple strings stay bytes)."""
    conn = RespConnection("127.0.0.1", server.port)
    try:
        return conn.call(*args)[1]
    finally:
        conn.close()


def data_dir(server):
    """A directory apart from the server's working directory (which holds its log), for
    tests that take the data directory away."""
    path = server.workdir + "-data"
    os.makedirs(path, exist_ok=True)
    client_for(server).config_set("dir", path)
    return path


def wait_bgsave_done(c):
    wait_until(lambda: c.info("persistence")["rdb_bgsave_in_progress"] == 0, "BGSAVE finished")


@pytest.fixture(params=["corvid", "redis"])
def which(request):
    return request.param


def test_save_bgsave_lastsave_and_info(which, own_servers):
    s = start(which)
    own_servers.append(s)
    c = client_for(s)
    info = c.info("persistence")
    assert info["rdb_bgsave_in_progress"] == 0 and info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_last_bgsave_time_sec"] == -1 and info["rdb_saves"] == 0
    c.mset({"a": 1, "b": 2})
    assert c.info("persistence")["rdb_changes_since_last_save"] == 2
    assert c.save() is True
    info = c.info("persistence")
    assert info["rdb_changes_since_last_save"] == 0 and info["rdb_saves"] == 1
    assert call(s, "LASTSAVE") == info["rdb_last_save_time"]
    assert os.path.exists(s.path("dump.rdb"))
    c.set("c", 3)
    assert call(s, "BGSAVE") == b"Background saving started"
    wait_bgsave_done(c)
    info = c.info("persistence")
    assert info["rdb_saves"] == 2 and info["rdb_last_bgsave_status"] == "ok"
    assert info["rdb_last_bgsave_time_sec"] >= 0 and info["rdb_changes_since_last_save"] == 0
    assert "Background saving terminated with success" in s.read_log()
    with pytest.raises(redis.ResponseError, match="^syntax error$"):
        c.execute_command("BGSAVE", "NOW")
    with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
        c.execute_command("SAVE", "x")
    with pytest.raises(redis.ResponseError, match="wrong number of arguments"):
        c.execute_command("LASTSAVE", "x")
    assert call(s, "BGSAVE", "SCHEDULE") == b"Background saving started"
    wait_bgsave_done(c)


def test_lastsave_moves_with_saves(own_servers):
    s = start("corvid")
    own_servers.append(s)
    c = client_for(s)
    before = call(s, "LASTSAVE")
    wait_until(lambda: int(call(s, "TIME")[0]) > before, "a second passed")
    c.set("k", "v")
    assert c.save()
    assert call(s, "LASTSAVE") > before


def test_failed_save_refuses_writes(which, own_servers):
    """A BGSAVE that cannot write its file: status err, MISCONF for writes and PING, reads
    still served; turning stop-writes-on-bgsave-error off lets writes through; a save that
    works again clears it."""
    s = start(which)
    own_servers.append(s)
    c = client_for(s)
    c.set("k", "v")
    workdir = data_dir(s)
    shutil.rmtree(workdir)  # the data directory disappears: no file can be created
    assert call(s, "BGSAVE") == b"Background saving started"
    wait_until(lambda: c.info("persistence")["rdb_last_bgsave_status"] == "err", "BGSAVE failed")
    wait_bgsave_done(c)
    for command in (("SET", "k", "x"), ("PING",), ("DEL", "k")):
        with pytest.raises(redis.ResponseError) as error:
            c.execute_command(*command)
        assert str(error.value) == MISCONF
    assert c.get("k") == b"v"
    # A transaction with a write is refused at queue time, and EXEC aborts.
    p = c.pipeline(transaction=True)
    p.set("k", "y")
    with pytest.raises(redis.ResponseError):
        p.execute()
    assert call(s, "SAVE") == "ERR"  # the bare error Redis replies
    c.config_set("stop-writes-on-bgsave-error", "no")
    assert c.set("k", "x")
    c.config_set("stop-writes-on-bgsave-error", "yes")
    with pytest.raises(redis.ResponseError):
        c.set("k", "y")
    os.makedirs(workdir)
    # A new directory at the same path is not the process's working directory: point the
    # server at it again.
    c.config_set("dir", workdir)
    assert c.save()
    assert c.set("k", "z")
    assert "Background saving error" in s.read_log()


def test_save_points_trigger_bgsave(which, own_servers):
    s = start(which, "--save", "1 2")
    own_servers.append(s)
    c = client_for(s)
    c.set("a", 1)
    c.set("b", 2)
    wait_until(lambda: c.info("persistence")["rdb_saves"] >= 1, "the save point fired", timeout=30)
    wait_bgsave_done(c)
    assert "2 changes in 1 seconds. Saving..." in s.read_log()
    assert c.info("persistence")["rdb_changes_since_last_save"] == 0
    assert c.config_get("save") == {"save": "1 2"}


def test_config_save_directive(own_servers):
    s = start("corvid")
    own_servers.append(s)
    c = client_for(s)
    assert c.config_get("save") == {"save": "3600 1 300 100 60 10000"}
    c.config_set("save", "100 5 10 1")
    assert c.config_get("save") == {"save": "100 5 10 1"}
    c.config_set("save", "")
    assert c.config_get("save") == {"save": ""}
    for bad in ("1", "a 1", "0 1", "1 -1"):
        with pytest.raises(redis.ResponseError, match="Invalid save parameters"):
            c.config_set("save", bad)


def test_shutdown_saves_unless_told_not_to(which):
    for options, saves in ((["NOSAVE"], False), ([], True), (["SAVE"], True)):
        s = start(which)
        c = client_for(s)
        c.set("k", "v")
        if os.path.exists(s.path("dump.rdb")):
            os.unlink(s.path("dump.rdb"))
        with pytest.raises(redis.ConnectionError):
            c.execute_command("SHUTDOWN", *options)
        assert s.wait_exit() == 0
        assert os.path.exists(s.path("dump.rdb")) == saves, (which, options, s.read_log())
    # Without save points only SHUTDOWN SAVE saves.
    s = start(which, "--save", "")
    c = client_for(s)
    c.set("k", "v")
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN")
    assert s.wait_exit() == 0
    assert not os.path.exists(s.path("dump.rdb"))


def test_shutdown_that_cannot_save(which, own_servers):
    s = start(which)
    own_servers.append(s)
    c = client_for(s)
    c.set("k", "v")
    shutil.rmtree(data_dir(s))
    with pytest.raises(redis.ResponseError, match="^Errors trying to SHUTDOWN. Check logs.$"):
        c.execute_command("SHUTDOWN")
    with pytest.raises(redis.ResponseError, match="^No shutdown in progress.$"):
        c.execute_command("SHUTDOWN", "ABORT")
    assert c.ping()
    assert "Error trying to save the DB, can't exit." in s.read_log()
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", "SAVE", "FORCE")
    assert s.wait_exit() == 0
    assert "Error trying to save the DB. Exit anyway." in s.read_log()


SIGNALS = [(signal.SIGTERM, "--shutdown-on-sigterm"), (signal.SIGINT, "--shutdown-on-sigint")]


@pytest.mark.parametrize("sig,directive", SIGNALS)
@pytest.mark.parametrize("setting,saves", [("default", True), ("nosave", False), ("save", True), ("save now", True)])
def test_shutdown_signal_follows_its_setting(which, sig, directive, setting, saves):
    s = start(which, directive, *setting.split())
    c = client_for(s)
    c.set("k", "v")
    if os.path.exists(s.path("dump.rdb")):
        os.unlink(s.path("dump.rdb"))
    s.proc.send_signal(sig)
    assert s.wait_exit() == 0
    assert os.path.exists(s.path("dump.rdb")) == saves
    assert "Received %s scheduling shutdown..." % sig.name in s.read_log()
    if saves:
        assert "Saving the final RDB snapshot before exiting." in s.read_log()


@pytest.mark.parametrize("sig,directive", SIGNALS)
def test_shutdown_signal_that_cannot_save_waits_unless_forced(which, own_servers, sig, directive):
    """A signal whose shutdown cannot save leaves the server running; with `force` in the
    setting it exits anyway."""
    s = start(which, directive, "save")
    own_servers.append(s)
    c = client_for(s)
    c.set("k", "v")
    shutil.rmtree(data_dir(s))
    s.proc.send_signal(sig)
    wait_until(lambda: "Received %s scheduling shutdown" % sig.name in s.read_log() and
               "Errors trying to shut down the server. Check the logs for more information." in s.read_log(),
               "the failed shutdown logged")
    assert c.ping()
    c.config_set(directive[2:], "save force")
    s.proc.send_signal(sig)
    assert s.wait_exit() == 0
    assert "Error trying to save the DB. Exit anyway." in s.read_log()


def test_flushall_drops_a_running_bgsave_and_saves_the_empty_dataset(own_servers):
    s = start("corvid")
    own_servers.append(s)
    c = client_for(s)
    c.execute_command("DEBUG", "POPULATE", 200000)
    assert call(s, "BGSAVE") == b"Background saving started"
    c.flushall()
    wait_bgsave_done(c)
    # The file now holds the empty dataset: a restart does not bring the keys back.
    c.execute_command("DEBUG", "RELOAD", "NOSAVE")
    assert c.dbsize() == 0
    assert not [f for f in os.listdir(s.workdir) if f.startswith("temp-")]


def test_debug_reload(which, own_servers):
    s = start(which)
    own_servers.append(s)
    c = client_for(s)
    populate(c)
    digest = c.execute_command("DEBUG", "DIGEST")
    assert c.execute_command("DEBUG", "RELOAD") == b"OK"
    assert c.execute_command("DEBUG", "DIGEST") == digest
    with pytest.raises(redis.ResponseError, match="^DEBUG RELOAD only supports the MERGE, NOFLUSH and NOSAVE options.$"):
        c.execute_command("DEBUG", "RELOAD", "FAST")
    # MERGE with NOFLUSH: the dump's keys come back over the ones in memory.
    c.set("str:int", "changed")
    c.set("only-in-memory", "x")
    assert c.execute_command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH", "MERGE") == b"OK"
    assert c.get("str:int") == b"12345" and c.get("only-in-memory") == b"x"
    os.unlink(s.path("dump.rdb"))
    with pytest.raises(redis.ResponseError, match="^Error trying to load the RDB dump"):
        c.execute_command("DEBUG", "RELOAD", "NOSAVE")


@pytest.mark.parametrize("compression", ["yes", "no"])
def test_compression_and_checksum_settings(own_servers, compression):
    s = start("corvid", "--rdbcompression", compression, "--rdbchecksum", compression)
    own_servers.append(s)
    c = client_for(s)
    c.set("compressible", "abc" * 10000)
    assert c.save()
    with open(s.path("dump.rdb"), "rb") as f:
        data = f.read()
    if compression == "yes":
        assert len(data) < 10000 and data[-8:] != b"\x00" * 8
    else:
        assert len(data) > 30000 and data[-8:] == b"\x00" * 8
    # Redis reads both.
    theirs = start_redis(*DEBUG, workdir=s.workdir, persistent=True)
    own_servers.append(theirs)
    assert client_for(theirs).get("compressible") == b"abc" * 10000
    if compression == "no":
        assert "RDB file was saved with checksum disabled: no check performed." in theirs.read_log()


def test_dbfilename_and_dir(own_servers):
    s = start("corvid")
    own_servers.append(s)
    c = client_for(s)
    other = s.workdir + "-other"
    os.makedirs(other)
    c.config_set("dir", other)
    c.config_set("dbfilename", "mine.rdb")
    c.set("k", "v")
    assert c.save()
    assert os.path.exists(os.path.join(other, "mine.rdb"))
    with pytest.raises(redis.ResponseError, match="dbfilename can't be a path, just a filename"):
        c.config_set("dbfilename", "a/b.rdb")


def test_bgsave_is_a_point_in_time_snapshot(own_servers):
    """BGSAVE inside MULTI with DEBUG DIGEST: while the snapshot is written, writes change,
    delete and add keys in several databases; the file holds exactly the dataset of the
    moment BGSAVE was accepted (Redis loads it and computes the same digest)."""
    s = start("corvid")
    own_servers.append(s)
    c = client_for(s)
    for db in (0, 3):
        d = client_for(s, db)
        d.execute_command("DEBUG", "POPULATE", 150000, "k", 20)
        populate(d, seed=db)
        d.close()
    conn = RespConnection("127.0.0.1", s.port)
    for command in (("MULTI",), ("DEBUG", "DIGEST"), ("BGSAVE",)):
        assert conn.call(*command)[0] in (b"+OK\r\n", b"+QUEUED\r\n")
    digest, reply = conn.call("EXEC")[1]
    conn.close()
    assert reply == b"Background saving scheduled"  # Redis's words inside EXEC
    writers = [client_for(s, db) for db in (0, 3)]
    progress_seen = []
    rounds = 0
    while True:
        info = c.info("persistence")
        if info["rdb_bgsave_in_progress"] == 0:
            break
        progress_seen.append(info["current_save_keys_processed"])
        rounds += 1
        for w in writers:
            pipe = w.pipeline(transaction=False)
            for i in range(rounds * 37 % 150000, 150000, 9973):
                pipe.set("k:%d" % i, "changed")
                pipe.delete("k:%d" % (i + 1))
                pipe.set("new:%d:%d" % (rounds, i), "added")
            pipe.rpush("list:small", "more")
            pipe.hset("hash:big", "field:0", "changed")
            pipe.zadd("zset:big", {"member:0": -1})
            pipe.delete("set:big")
            pipe.execute()
    assert c.info("persistence")["rdb_last_bgsave_status"] == "ok"
    assert len(progress_seen) > 1 and any(0 < n < 300000 for n in progress_seen), progress_seen
    assert c.execute_command("DEBUG", "DIGEST") != digest  # the writes did land
    theirs = start_redis(*DEBUG, workdir=s.workdir, persistent=True)
    own_servers.append(theirs)
    assert client_for(theirs).execute_command("DEBUG", "DIGEST") == digest


def test_sigkill_during_bgsave_keeps_the_previous_dump(own_servers):
    s = start("corvid")
    c = client_for(s)
    c.set("generation", "1")
    assert c.save()
    with open(s.path("dump.rdb"), "rb") as f:
        first = f.read()
    c.execute_command("DEBUG", "POPULATE", 300000, "k", 100)
    c.set("generation", "2")
    assert call(s, "BGSAVE") == b"Background saving started"
    wait_until(lambda: c.info("persistence")["current_save_keys_processed"] > 0 or
               c.info("persistence")["rdb_bgsave_in_progress"] == 0, "the snapshot started")
    s.kill()
    with open(s.path("dump.rdb"), "rb") as f:
        now = f.read()
    # Either the new file was complete and renamed in, or the old one is untouched.
    if now != first:
        again = start("corvid", workdir=s.workdir)
        own_servers.append(again)
        assert client_for(again).get("generation") == b"2"
    else:
        again = start("corvid", workdir=s.workdir)
        own_servers.append(again)
        assert client_for(again).get("generation") == b"1"
