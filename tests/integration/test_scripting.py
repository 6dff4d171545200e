"""Scripts with several clients: busy scripts (BUSY, SCRIPT KILL, UNKILLABLE, SHUTDOWN
NOSAVE), atomicity under concurrent clients, what MONITOR, SLOWLOG, INFO and WATCH see of a
script. Each scenario runs on corvid-server and on redis-server 7.0.15 (the `server` and
`debug_server` fixtures), so its expectations are the oracle's too. Single-connection
replies are in tests/differential/cases/scripting.txt."""

import threading
import time

import pytest
import redis

from support import busy
from support.busy import client, start_in_thread
from support.resp import RespConnection, invalidated_keys
from support.servers import start_corvid, start_redis

LOOP_FOREVER = "local i = 0 while true do i = i + 1 end"
WRITE_THEN_LOOP = "redis.call('set', KEYS[1], 'written') while true do end"
BUSY = "BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSAVE."


def wait_busy(conn):
    busy.wait_busy(conn, BUSY)


@pytest.fixture
def busy_server(debug_server):
    conn = client(debug_server)
    conn.flushall()
    conn.config_set("busy-reply-threshold", 50)
    yield debug_server
    conn.config_set("busy-reply-threshold", 5000)
    conn.close()


def test_script_kill_stops_a_script_that_has_not_written(busy_server):
    admin = client(busy_server)
    thread, outcome = start_in_thread(busy_server, "EVAL", LOOP_FOREVER, 0)
    wait_busy(admin)
    # Others get BUSY (inside MULTI too: the transaction is then refused at EXEC).
    with pytest.raises(redis.ResponseError, match="^BUSY "):
        admin.get("k")
    tx = client(busy_server)
    tx.execute_command("MULTI")
    with pytest.raises(redis.ResponseError, match="^BUSY "):
        tx.execute_command("SET", "k", "v")
    assert admin.execute_command("SCRIPT", "KILL") == b"OK"
    thread.join(30)
    assert not thread.is_alive()
    # (redis-py drops the ERR code from messages.)
    assert outcome["error"].startswith("Script killed by user with SCRIPT KILL... script: ")
    assert outcome["error"].endswith(", on @user_script:1.")
    with pytest.raises(redis.ResponseError, match="Transaction discarded because of previous errors."):
        tx.execute_command("EXEC")
    assert admin.get("k") is None
    with pytest.raises(redis.ResponseError, match="^NOTBUSY No scripts in execution right now."):
        admin.execute_command("SCRIPT", "KILL")
    tx.close()
    admin.close()


def test_a_script_that_wrote_is_unkillable_and_shutdown_nosave_ends_it():
    for start in (start_corvid, start_redis):
        server = start("--busy-reply-threshold", "50", "--save", "", "--appendonly", "yes")
        try:
            admin = client(server)
            admin.set("before", "1")
            thread, outcome = start_in_thread(server, "EVAL", WRITE_THEN_LOOP, 1, "written-key")
            wait_busy(admin)
            with pytest.raises(redis.ResponseError, match="^UNKILLABLE Sorry the script already executed write "
                                                          "commands against the dataset. You can either wait the "
                                                          "script termination or kill the server in a hard way "
                                                          "using the SHUTDOWN NOSAVE command."):
                admin.execute_command("SCRIPT", "KILL")
            # Saving would keep the script's half-done work: only NOSAVE is accepted.
            with pytest.raises(redis.ResponseError, match="^BUSY "):
                admin.execute_command("SHUTDOWN")
            with pytest.raises(redis.ConnectionError):
                admin.execute_command("SHUTDOWN", "NOSAVE")
            assert server.wait_exit() == 0
            thread.join(30)
            assert "closed" in outcome, outcome  # no reply: the server went down under the script
            log = server.read_log()
            assert "Slow script detected: still in execution after " in log
            # The AOF has what was acknowledged before the script, nothing of the script.
            restarted = start("--save", "", "--appendonly", "yes", workdir=server.workdir)
            try:
                again = client(restarted)
                assert again.get("before") == b"1"
                assert again.exists("written-key") == 0
                again.close()
            finally:
                restarted.stop()
        finally:
            server.stop()


def test_lock_release_is_atomic_under_concurrent_clients(server):
    """20 clients take and release one lock with SET NX and the compare-and-delete script:
    nobody ever holds it while another does."""
    release = "if redis.call('get', KEYS[1]) == ARGV[1] then return redis.call('del', KEYS[1]) else return 0 end"
    holders = []
    overlap = []
    errors = []
    lock = threading.Lock()

    def worker(n):
        conn = client(server)
        token = "token-%d" % n
        sha = conn.script_load(release)
        acquired = 0
        try:
            while acquired < 15:
                if not conn.set("lock", token, nx=True, px=10000):
                    continue
                with lock:
                    if holders:
                        overlap.append((n, list(holders)))
                    holders.append(n)
                with lock:
                    holders.remove(n)
                assert conn.evalsha(sha, 1, "lock", token) == 1
                # A stale release (someone else's token) never deletes.
                assert conn.evalsha(sha, 1, "lock", "not-" + token) == 0
                acquired += 1
        except Exception as e:  # reported below: a thread's assertion would vanish
            errors.append(repr(e))
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert not errors, errors
    assert not overlap, overlap
    assert client(server).exists("lock") == 0


def test_rate_limiter_counts_exactly_under_concurrent_clients(server):
    """INCR + EXPIRE in one script: 20 clients x 50 calls, a limit of 600 per window."""
    limiter = """
local current = redis.call('incr', KEYS[1])
if current == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end
if current > tonumber(ARGV[2]) then return 0 end
return 1
"""
    allowed = []
    lock = threading.Lock()

    def worker():
        conn = client(server)
        sha = conn.script_load(limiter)
        mine = sum(conn.evalsha(sha, 1, "rate", 600000, 600) for _ in range(50))
        with lock:
            allowed.append(mine)
        conn.close()

    threads = [threading.Thread(target=worker) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    conn = client(server)
    assert sum(allowed) == 600
    assert int(conn.get("rate")) == 1000
    assert 0 < conn.pttl("rate") <= 600000
    conn.close()


def test_monitor_shows_the_script_then_its_commands(server):
    conn = client(server)
    with conn.monitor() as monitor:
        other = client(server)
        other.eval("redis.call('set', 'k', 'v') return redis.call('get', 'k')", 0)
        lines = [monitor.next_command() for _ in range(3)]
        other.close()
    assert [line["command"] for line in lines] == [
        "EVAL redis.call('set', 'k', 'v') return redis.call('get', 'k') 0", "set k v", "get k"]
    assert [line["client_type"] for line in lines] == ["tcp", "lua", "lua"]
    conn.close()


def test_slowlog_and_commandstats_count_script_commands(server):
    conn = client(server)
    conn.config_set("slowlog-log-slower-than", 0)
    conn.slowlog_reset()
    conn.config_resetstat()
    with pytest.raises(redis.ResponseError, match="value is not an integer"):
        conn.eval("redis.call('set', 'k', 'v') return redis.pcall('incr', 'k')", 0)
    raw = RespConnection("127.0.0.1", server.port)
    entries = raw.call("SLOWLOG", "GET", "10")[1]
    raw.close()
    conn.config_set("slowlog-log-slower-than", 10000)
    # [id, time, duration, argv, client address, client name], newest first.
    commands = [(e[3], e[4]) for e in reversed(entries) if e[3][0] in (b"set", b"incr", b"EVAL")]
    assert commands[:2] == [([b"set", b"k", b"v"], b"?:0"), ([b"incr", b"k"], b"?:0")]
    assert commands[2][0] == [b"EVAL", b"redis.call('set', 'k', 'v') return redis.pcall('incr', 'k')", b"0"]
    assert commands[2][1].startswith(b"127.0.0.1:")
    stats = conn.info("commandstats")
    assert stats["cmdstat_set"]["calls"] == 1
    assert stats["cmdstat_incr"]["failed_calls"] == 1
    assert stats["cmdstat_eval"]["failed_calls"] == 1
    # The script returned the error INCR gave it: counted once.
    assert conn.info("errorstats")["errorstat_ERR"] in ({"count": 1}, "count=1")  # redis-py parses either
    conn.close()


def test_info_counts_cached_scripts(server):
    conn = client(server)
    conn.script_flush()
    before = conn.info("memory")
    assert before["number_of_cached_scripts"] == 0
    conn.script_load("return 1")
    conn.eval("return 2", 0)
    after = conn.info("memory")
    assert after["number_of_cached_scripts"] == 2
    assert after["used_memory_scripts_eval"] > before["used_memory_scripts_eval"]
    assert after["used_memory_lua"] > 0
    conn.script_flush()
    assert conn.info("memory")["number_of_cached_scripts"] == 0
    conn.close()


def test_a_script_write_dirties_watchers(server):
    watcher = client(server)
    writer = client(server)
    pipe = watcher.pipeline()
    pipe.watch("w")
    writer.eval("return redis.call('set', KEYS[1], 'by-script')", 1, "w")
    pipe.multi()
    pipe.set("w", "by-transaction")
    with pytest.raises(redis.WatchError):
        pipe.execute()
    assert writer.get("w") == b"by-script"
    watcher.close()
    writer.close()


def test_keys_do_not_expire_during_a_script(debug_server):
    """The script sees one time: a key with 50ms left is there for the whole of a 200ms script."""
    conn = client(debug_server)
    conn.set("short", "v", px=50)
    script = """
local first = redis.call('exists', KEYS[1])
local t0 = redis.call('time')
while true do
  local t = redis.call('time')
  if (t[1] - t0[1]) * 1000000 + (t[2] - t0[2]) > 200000 then break end
end
return {first, redis.call('exists', KEYS[1])}
"""
    assert conn.eval(script, 1, "short") == [1, 1]
    time.sleep(0.01)
    assert conn.exists("short") == 0
    conn.close()


@pytest.mark.parametrize("command", ["EVAL", "EVAL_RO"])
def test_keys_a_script_reads_are_tracked_for_its_caller(server, command):
    """Client-side caching, as Redis 7.0 does it: when a script reads, what is remembered
    for the client that ran it is the keys its EVAL declared (not the keys the script
    read); a script's writes invalidate them."""
    reader = RespConnection("127.0.0.1", server.port)
    reader.call("HELLO", "3")
    assert reader.call("CLIENT", "TRACKING", "ON")[1] == b"OK"
    reader.call(command, "redis.call('get', 'read-by-script') return 1", "1", "declared-only")
    writer = client(server)
    writer.eval("redis.call('set', 'declared-only', '1') return redis.call('set', 'read-by-script', '1')", 0)
    # The invalidations come before PING's reply.
    assert invalidated_keys(reader) == {b"declared-only"}
    writer.close()
    reader.close()
