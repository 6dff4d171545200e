"""Functions with several clients and across restarts: busy functions (BUSY naming FUNCTION
KILL, FUNCTION STATS, FUNCTION KILL, UNKILLABLE), libraries in RDB files and AOFs written by
Corvid and loaded by redis-server 7.0.15 and the other way round, DEBUG RELOAD, redis-cli
--functions-rdb, and a counter under concurrent clients. Busy scenarios run on both servers
(the `debug_server` fixture), so their expectations are the oracle's too. Single-connection
replies are in tests/differential/cases/functions.txt."""

import os
import subprocess
import threading

import pytest
import redis

from support.busy import client, start_in_thread, wait_busy
from support.datasets import client_for
from support.resp import RespConnection, invalidated_keys
from support.servers import dump_moved, start_corvid, start_redis
from support.waiting import rewrite_aof

DEBUG = ("--enable-debug-command", "yes")
FUNCTION_BUSY = "BUSY Redis is busy running a script. You can only call FUNCTION KILL or SHUTDOWN NOSAVE."
SCRIPT_BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."

LIBRARY = """#!lua name=busylib
redis.register_function('spin', function(keys, args) local i = 0 while true do i = i + 1 end end)
redis.register_function('write_then_spin', function(keys) redis.call('set', keys[1], 'w') while true do end end)
"""

COUNTER = """#!lua name=counters
redis.register_function('add', function(keys, args)
  local total = redis.call('incrby', keys[1], args[1])
  redis.call('rpush', keys[2], total)
  return total
end)
redis.register_function{function_name='peek', callback=function(keys) return redis.call('get', keys[1]) end,
                        flags={'no-writes'}, description='reads the counter'}
"""


@pytest.fixture
def busy_server(debug_server):
    conn = client(debug_server)
    conn.flushall()
    conn.function_flush()
    conn.function_load(LIBRARY)
    conn.config_set("busy-reply-threshold", 50)
    yield debug_server
    conn.config_set("busy-reply-threshold", 5000)
    conn.function_flush()
    conn.close()


def test_function_kill_stops_a_busy_function(busy_server):
    admin = client(busy_server)
    thread, outcome = start_in_thread(busy_server, "FCALL", "spin", 1, "k1", "a1")
    wait_busy(admin, FUNCTION_BUSY)
    stats = admin.execute_command("FUNCTION", "STATS")
    running = stats[1]
    assert running[0:4] == [b"name", b"spin", b"command", [b"FCALL", b"spin", b"1", b"k1", b"a1"]]
    assert running[4] == b"duration_ms" and running[5] >= 0
    assert stats[2:] == [b"engines", [b"LUA", [b"libraries_count", 1, b"functions_count", 2]]]
    # Only FUNCTION KILL stops a function.
    with pytest.raises(redis.ResponseError) as refused:
        admin.execute_command("SCRIPT", "KILL")
    assert str(refused.value) == FUNCTION_BUSY
    with pytest.raises(redis.ResponseError, match="^BUSY "):
        admin.execute_command("FUNCTION", "LIST")
    assert admin.execute_command("FUNCTION", "KILL") == b"OK"
    thread.join(30)
    assert outcome["error"] == "Script killed by user with SCRIPT KILL... script: spin, on @user_function:2."
    assert admin.execute_command("FUNCTION", "STATS")[1] is None
    with pytest.raises(redis.ResponseError, match="^NOTBUSY No scripts in execution right now."):
        admin.execute_command("FUNCTION", "KILL")
    admin.close()


def test_function_kill_does_not_stop_a_busy_eval(busy_server):
    admin = client(busy_server)
    thread, outcome = start_in_thread(busy_server, "EVAL", "while true do end", 0)
    wait_busy(admin, SCRIPT_BUSY)
    for subcommand in ("KILL", "STATS"):
        with pytest.raises(redis.ResponseError) as refused:
            admin.execute_command("FUNCTION", subcommand)
        assert str(refused.value) == SCRIPT_BUSY
    assert admin.execute_command("SCRIPT", "KILL") == b"OK"
    thread.join(30)
    assert outcome["error"].startswith("Script killed by user with SCRIPT KILL... script: ")
    admin.close()


@pytest.mark.parametrize("start", [start_corvid, start_redis], ids=["corvid", "redis"])
def test_a_function_that_wrote_is_unkillable(own_servers, start):
    server = start("--busy-reply-threshold", "50", "--save", "")
    admin = client(server)
    admin.function_load(LIBRARY)
    thread, outcome = start_in_thread(server, "FCALL", "write_then_spin", 1, "written")
    wait_busy(admin, FUNCTION_BUSY)
    for command in (("FUNCTION", "KILL"), ("SCRIPT", "KILL")):
        with pytest.raises(redis.ResponseError, match="^UNKILLABLE Sorry the script already executed write"):
            admin.execute_command(*command)
    with pytest.raises(redis.ResponseError) as refused:
        admin.execute_command("SHUTDOWN")
    assert str(refused.value) == FUNCTION_BUSY
    with pytest.raises(redis.ConnectionError):
        admin.execute_command("SHUTDOWN", "NOSAVE")
    assert server.wait_exit() == 0
    thread.join(30)
    assert "closed" in outcome, outcome


def test_concurrent_fcalls_are_atomic(server):
    conn = client(server)
    conn.function_flush()
    conn.function_load(COUNTER)
    results = []

    def worker(n):
        c = client(server)
        for _ in range(25):
            results.append(c.fcall("add", 2, "counter", "log", n))
        c.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(1, 21)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    expected_total = sum(range(1, 21)) * 25
    assert int(conn.fcall_ro("peek", 1, "counter")) == expected_total
    # Every function saw the counter exactly as the previous one left it: the totals it
    # logged are distinct and the log is in increasing order.
    log = [int(x) for x in conn.lrange("log", 0, -1)]
    assert len(log) == 500 and log == sorted(log) and len(set(log)) == 500
    assert sorted(results) == log
    conn.function_flush()
    conn.close()


def functions_of(server):
    listing = client(server).function_list(withcode=True)
    return sorted((entry[1], entry[-1]) for entry in listing)


def load_two_libraries(conn):
    conn.function_load(COUNTER)
    conn.function_load("#!lua name=second\nredis.register_function('twice', function(keys, args) "
                       "return args[1] .. args[1] .. '" + "padding" * 10 + "' end)")
    conn.set("plain", "key")


@pytest.mark.parametrize("writer,reader", [("corvid", "redis"), ("redis", "corvid")])
def test_libraries_in_rdb_files_move_both_ways(own_servers, writer, reader):
    other = dump_moved(own_servers, writer, reader, load_two_libraries,
                       lambda conn: sorted((e[1], e[-1]) for e in conn.function_list(withcode=True)))
    assert other.fcall("twice", 0, "ab").startswith(b"abab")
    assert other.fcall("add", 2, "c", "log", 5) == 5
    assert other.get("plain") == b"key"


def test_debug_reload_keeps_libraries_and_reloads_them_from_the_file(own_servers):
    ours = start_corvid(*DEBUG, "--save", "")
    own_servers.append(ours)
    conn = client_for(ours)
    load_two_libraries(conn)
    assert conn.execute_command("DEBUG", "RELOAD") == b"OK"
    assert [entry[1] for entry in sorted(conn.function_list())] == [b"counters", b"second"]
    # NOSAVE: what the file holds, and only that, comes back.
    conn.function_delete("second")
    conn.function_load("#!lua name=third\nredis.register_function('three', function() return 3 end)")
    assert conn.execute_command("DEBUG", "RELOAD", "NOSAVE") == b"OK"
    assert sorted(entry[1] for entry in conn.function_list()) == [b"counters", b"second"]
    # NOFLUSH keeps what is in memory, and a library in the file clashes with it.
    with pytest.raises(redis.ResponseError, match="Error trying to load the RDB dump"):
        conn.execute_command("DEBUG", "RELOAD", "NOSAVE", "NOFLUSH")
    assert "Failed loading library" in ours.read_log()


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_libraries_in_the_aof_move_both_ways(own_servers, preamble):
    ours = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "", "--aof-use-rdb-preamble", preamble)
    own_servers.append(ours)
    conn = client_for(ours)
    load_two_libraries(conn)
    conn.function_load("#!lua name=gone\nredis.register_function('gone', function() return 0 end)")
    conn.function_delete("gone")
    # Half in the rewritten base, half in the incremental file after it.
    rewrite_aof(conn)
    if preamble == "no":
        base = ours.path("appendonlydir/appendonly.aof.2.base.aof")
        with open(base, "rb") as f:
            assert f.read().startswith(b"*3\r\n$8\r\nFUNCTION\r\n$4\r\nLOAD\r\n")  # libraries first
    conn.function_load("#!lua name=late\nredis.register_function('late', function() return 'late' end)")
    expected = functions_of(ours)
    assert [name for name, _ in expected] == [b"counters", b"late", b"second"]
    ours.kill()
    theirs = start_redis(*DEBUG, "--appendonly", "yes", workdir=ours.workdir, persistent=True)
    own_servers.append(theirs)
    assert functions_of(theirs) == expected
    # And Redis's AOF (after its own rewrite) back into Corvid.
    r = client_for(theirs)
    r.function_delete("late")
    rewrite_aof(r)
    r.function_load("#!lua name=redis_side\nredis.register_function('rs', function() return 'rs' end)")
    expected = functions_of(theirs)
    theirs.kill()
    again = start_corvid(*DEBUG, "--appendonly", "yes", workdir=theirs.workdir)
    own_servers.append(again)
    assert functions_of(again) == expected
    assert client_for(again).fcall("rs", 0) == b"rs"


def test_redis_cli_functions_rdb_gets_only_the_libraries(own_servers, tmp_path):
    ours = start_corvid("--save", "")
    own_servers.append(ours)
    conn = client_for(ours)
    load_two_libraries(conn)
    expected = functions_of(ours)
    path = str(tmp_path / "functions.rdb")
    done = subprocess.run(["redis-cli", "-p", str(ours.port), "--functions-rdb", path], capture_output=True,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    assert b"Transfer finished with success" in done.stderr
    check = subprocess.run(["redis-check-rdb", path], capture_output=True, timeout=60)
    assert b"RDB looks OK" in check.stdout and b"0 keys read" in check.stdout
    # The file restores the libraries into redis-server 7.0.15.
    workdir = str(tmp_path / "redis")
    os.makedirs(workdir)
    os.rename(path, os.path.join(workdir, "dump.rdb"))
    theirs = start_redis("--save", "", workdir=workdir, persistent=True)
    own_servers.append(theirs)
    assert functions_of(theirs) == expected
    assert client_for(theirs).dbsize() == 0
    # A full dump (redis-cli --rdb) still has the keys; the server is fine afterwards.
    full = str(tmp_path / "full.rdb")
    done = subprocess.run(["redis-cli", "-p", str(ours.port), "--rdb", full], capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr
    check = subprocess.run(["redis-check-rdb", full], capture_output=True, timeout=60)
    assert b"RDB looks OK" in check.stdout and b"1 keys read" in check.stdout
    assert conn.ping()
    assert conn.info("replication")["connected_slaves"] == 0


def test_info_counts_functions(server):
    conn = client(server)
    conn.function_flush()
    before = conn.info("memory")
    assert before["number_of_functions"] == 0
    conn.function_load(COUNTER)
    after = conn.info("memory")
    assert after["number_of_functions"] == 2 and after["number_of_libraries"] == 1
    assert after["used_memory_functions"] > before["used_memory_functions"]
    assert after["used_memory_vm_total"] == after["used_memory_vm_eval"] + after["used_memory_vm_functions"]
    assert after["used_memory_scripts"] == after["used_memory_scripts_eval"] + after["used_memory_functions"]
    conn.function_flush()
    assert conn.info("memory")["number_of_functions"] == 0
    conn.close()


OBSERVED = """#!lua name=observed
redis.register_function('set_then_incr', function(keys) redis.call('set', keys[1], 'v') return redis.pcall('incr', keys[1]) end)
redis.register_function('write', function(keys, args) return redis.call('set', keys[1], args[1]) end)
redis.register_function{function_name='read_other', callback=function() redis.call('get', 'read-by-function') return 1 end,
                        flags={'no-writes'}}
"""


@pytest.fixture
def observed(server):
    conn = client(server)
    conn.function_flush()
    conn.function_load(OBSERVED)
    yield conn
    conn.function_flush()
    conn.close()


def test_monitor_shows_fcall_then_its_commands(server, observed):
    with observed.monitor() as monitor:
        other = client(server)
        other.fcall("write", 1, "k", "v")
        lines = [monitor.next_command() for _ in range(2)]
        other.close()
    assert [line["command"] for line in lines] == ["FCALL write 1 k v", "set k v"]
    assert [line["client_type"] for line in lines] == ["tcp", "lua"]


def test_slowlog_and_commandstats_count_function_commands(server, observed):
    observed.config_set("slowlog-log-slower-than", 0)
    observed.slowlog_reset()
    observed.config_resetstat()
    with pytest.raises(redis.ResponseError, match="value is not an integer"):
        observed.fcall("set_then_incr", 1, "k")
    raw = RespConnection("127.0.0.1", server.port)
    entries = raw.call("SLOWLOG", "GET", "10")[1]
    raw.close()
    observed.config_set("slowlog-log-slower-than", 10000)
    commands = [(e[3], e[4]) for e in reversed(entries) if e[3][0] in (b"set", b"incr", b"FCALL")]
    assert commands[:2] == [([b"set", b"k", b"v"], b"?:0"), ([b"incr", b"k"], b"?:0")]
    assert commands[2][0] == [b"FCALL", b"set_then_incr", b"1", b"k"]
    stats = observed.info("commandstats")
    assert stats["cmdstat_set"]["calls"] == 1
    assert stats["cmdstat_incr"]["failed_calls"] == 1
    assert stats["cmdstat_fcall"]["failed_calls"] == 1


def test_a_function_write_dirties_watchers(server, observed):
    watcher = client(server)
    pipe = watcher.pipeline()
    pipe.watch("w")
    observed.fcall("write", 1, "w", "by-function")
    pipe.multi()
    pipe.set("w", "by-transaction")
    with pytest.raises(redis.WatchError):
        pipe.execute()
    assert observed.get("w") == b"by-function"
    watcher.close()


@pytest.mark.parametrize("command", ["FCALL", "FCALL_RO"])
def test_keys_a_function_reads_are_tracked_for_its_caller(server, observed, command):
    """As for EVAL in Redis 7.0: what is remembered for the caller is the keys FCALL declared."""
    reader = RespConnection("127.0.0.1", server.port)
    reader.call("HELLO", "3")
    assert reader.call("CLIENT", "TRACKING", "ON")[1] == b"OK"
    reader.call(command, "read_other", "1", "declared-only")
    observed.fcall("write", 1, "declared-only", "1")
    observed.fcall("write", 1, "read-by-function", "1")
    assert invalidated_keys(reader) == {b"declared-only"}
    reader.close()


def test_function_dump_payloads_move_both_ways(own_servers):
    ours, theirs = start_corvid("--save", ""), start_redis()
    own_servers.extend([ours, theirs])
    load_two_libraries(client_for(ours))
    expected = functions_of(ours)
    client_for(theirs).function_restore(client_for(ours).function_dump())
    assert functions_of(theirs) == expected
    client_for(theirs).function_load("#!lua name=third\nredis.register_function('three', function() return 3 end)")
    client_for(ours).function_restore(client_for(theirs).function_dump(), "FLUSH")
    assert functions_of(ours) == functions_of(theirs)
    assert client_for(ours).fcall("three", 0) == 3
