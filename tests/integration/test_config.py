"""CONFIG SET/GET/REWRITE/RESETSTAT end to end, configuration at start-up, and DEBUG as
enable-debug-command allows it."""

import os
import socket
import tempfile
import time

import pytest
import redis

from differential.harness import run_script
from support.servers import ServerProcess, corvid_binary, free_port, start_corvid, start_redis


def client_for(server):
    return redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)


def start_with_file(text, *extra_args):
    workdir = tempfile.mkdtemp(prefix="corvid-config-test-")
    path = os.path.join(workdir, "corvid.conf")
    with open(path, "w") as f:
        f.write(text)
    port = free_port()
    argv = [corvid_binary(), path, "--port", str(port), "--bind", "127.0.0.1"] + list(extra_args)
    return ServerProcess(argv, port, workdir), path


def stop(server):
    server.stop()
    assert server.sanitizer_report() is None, server.read_log()


def test_set_is_all_or_nothing(fresh_corvid):
    c = client_for(fresh_corvid)
    assert c.config_get("hz") == {"hz": "10"}
    with pytest.raises(redis.ResponseError):
        c.execute_command("CONFIG", "SET", "hz", "20", "maxmemory", "notanumber")
    assert c.config_get("hz") == {"hz": "10"}
    with pytest.raises(redis.ResponseError):
        c.execute_command("CONFIG", "SET", "maxmemory", "1mb", "nosuchdirective", "1")
    assert c.config_get("maxmemory") == {"maxmemory": "0"}
    assert c.execute_command("CONFIG", "SET", "hz", "20", "maxmemory", "1mb") == "OK"
    assert c.config_get("hz") == {"hz": "20"}
    assert c.config_get("maxmemory") == {"maxmemory": "1048576"}
    assert c.config_get("hz", "maxmemory") == {"hz": "20", "maxmemory": "1048576"}
    c.close()


def test_set_port_moves_the_listener(fresh_corvid):
    c = client_for(fresh_corvid)
    new_port = free_port()
    assert c.config_set("port", new_port)
    moved = redis.Redis(host="127.0.0.1", port=new_port, decode_responses=True)
    assert moved.ping()
    assert moved.config_get("port") == {"port": str(new_port)}
    assert moved.info("server")["tcp_port"] == new_port
    with pytest.raises(redis.ConnectionError):
        redis.Redis(host="127.0.0.1", port=fresh_corvid.port, socket_connect_timeout=1).ping()
    # Existing connections survive the move.
    assert c.ping()
    # A port that is taken is refused, and the server keeps the one it has.
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        busy = taken.getsockname()[1]
        with pytest.raises(redis.ResponseError, match="port"):
            moved.config_set("port", busy)
    assert moved.config_get("port") == {"port": str(new_port)}
    assert redis.Redis(host="127.0.0.1", port=new_port).ping()
    # Put it back so the fixture can stop the server where it started it.
    moved.config_set("port", fresh_corvid.port)
    moved.close()
    c.close()


def test_set_timeout_closes_idle_clients(fresh_corvid):
    c = client_for(fresh_corvid)
    assert c.config_set("timeout", 1)
    c.close()  # it would be closed for idleness too
    idle = socket.create_connection(("127.0.0.1", fresh_corvid.port))
    busy = socket.create_connection(("127.0.0.1", fresh_corvid.port), timeout=10)
    for conn in (idle, busy):
        conn.sendall(b"PING\r\n")
        assert conn.recv(16) == b"+PONG\r\n"
    # The idle client goes; the one that keeps talking (never a second without a
    # command) stays, so it is idleness that closes, not age.
    idle.setblocking(False)
    closed = False
    deadline = time.monotonic() + 20
    while not closed and time.monotonic() < deadline:
        busy.sendall(b"PING\r\n")
        assert busy.recv(16) == b"+PONG\r\n", "a client that was never idle for a second was closed"
        try:
            closed = idle.recv(16) == b""
        except ConnectionResetError:
            closed = True
        except BlockingIOError:
            time.sleep(0.05)
    assert closed, "the idle client was never closed"
    busy.sendall(b"PING\r\n")
    assert busy.recv(16) == b"+PONG\r\n"
    busy.close()
    idle.close()


def test_set_maxclients_refuses_extra_connections(fresh_corvid):
    c = client_for(fresh_corvid)
    assert c.config_set("maxclients", 2)
    second = socket.create_connection(("127.0.0.1", fresh_corvid.port))
    second.sendall(b"PING\r\n")
    assert second.recv(16) == b"+PONG\r\n"
    third = socket.create_connection(("127.0.0.1", fresh_corvid.port))
    third.settimeout(3)
    assert third.recv(100) == b"-ERR max number of clients reached\r\n"
    third.close()
    second.close()
    c.config_set("maxclients", 10000)
    c.close()


def test_set_loglevel_and_hz(fresh_corvid):
    c = client_for(fresh_corvid)
    assert c.config_set("loglevel", "warning")
    assert c.config_get("loglevel") == {"loglevel": "warning"}
    assert c.config_set("hz", 50)
    assert c.info("server")["configured_hz"] == 50
    c.close()


def test_resetstat(fresh_corvid):
    c = client_for(fresh_corvid)
    c.set("a", 1)
    c.get("a")
    try:
        c.execute_command("NOSUCH")
    except redis.ResponseError:
        pass
    assert c.config_resetstat()
    stats = c.info("stats")
    assert stats["total_commands_processed"] == 1  # the RESETSTAT itself
    assert stats["keyspace_hits"] == 0 and stats["total_error_replies"] == 0
    # As redis-server 7.0.15 reports it: only RESETSTAT and the INFO after it, each once (the
    # INFO being answered is counted after its reply is built). Redis lists commands in the
    # order of its randomly seeded command table, which changes from run to run.
    commandstats = c.info("commandstats")
    assert sorted(commandstats) == ["cmdstat_config|resetstat", "cmdstat_info"]
    for name in commandstats:
        assert {k: commandstats[name][k] for k in ("calls", "rejected_calls", "failed_calls")} == \
            {"calls": 1, "rejected_calls": 0, "failed_calls": 0}, name
    c.close()


def test_rewrite_without_a_file_fails(fresh_corvid):
    c = client_for(fresh_corvid)
    with pytest.raises(redis.ResponseError, match="^The server is running without a config file$"):
        c.config_rewrite()
    c.close()


def test_rewrite_round_trip():
    text = "# a comment that must survive\nhz 15\n\ntcp-keepalive 100\n"
    server, path = start_with_file(text)
    try:
        c = client_for(server)
        assert c.config_get("hz") == {"hz": "15"}
        assert c.info("server")["config_file"] == path
        c.config_set("hz", 25)
        c.config_set("maxmemory", "10mb")
        assert c.config_rewrite()
        with open(path) as f:
            rewritten = f.read()
        assert "# a comment that must survive" in rewritten
        assert "hz 25" in rewritten.splitlines()
        assert "tcp-keepalive 100" in rewritten.splitlines()
        assert any(line.startswith("maxmemory ") for line in rewritten.splitlines())
        c.close()
    finally:
        stop(server)
    # The rewritten file starts a server with the values that were set.
    port = free_port()
    again = ServerProcess([corvid_binary(), path, "--port", str(port), "--bind", "127.0.0.1"], port,
                          os.path.dirname(path))
    try:
        c = client_for(again)
        assert c.config_get("hz") == {"hz": "25"}
        assert c.config_get("maxmemory") == {"maxmemory": "10485760"}
        assert c.config_get("tcp-keepalive") == {"tcp-keepalive": "100"}
        c.close()
    finally:
        stop(again)


def test_file_then_command_line_options():
    server, _ = start_with_file("hz 15\ntcp-keepalive 100\ntimeout 100\n", "--hz", "30", "--timeout", "7")
    try:
        c = client_for(server)
        assert c.config_get("hz") == {"hz": "30"}
        assert c.config_get("timeout") == {"timeout": "7"}
        assert c.config_get("tcp-keepalive") == {"tcp-keepalive": "100"}
        c.close()
    finally:
        stop(server)


DEBUG_SCRIPT = r"""
DEBUG SLEEP 0
DEBUG SLEEP 0.05
DEBUG SLEEP abc
DEBUG sleep
DEBUG SLEEP 0 x
DEBUG nosuch
DEBUG nosuch a b
!type DEBUG HELP
DEBUG HELP x
DEBUG POPULATE 5
DBSIZE
GET key:0
GET key:4
GET key:5
DEBUG POPULATE 3 foo 3
GET foo:1
DEBUG POPULATE 2 bar 10
GET bar:1
STRLEN bar:1
SET key:7 mine
DEBUG POPULATE 10
GET key:7
DBSIZE
DEBUG POPULATE 0
DEBUG POPULATE
DEBUG POPULATE x
DEBUG POPULATE -1
DEBUG POPULATE 2 p x
DEBUG POPULATE 2 p -1
DEBUG POPULATE 2 p 0
GET p:1
DEBUG POPULATE 2 p 1 x
DEBUG HTSTATS-KEY nokey
DEBUG HTSTATS-KEY key:1
DEBUG HTSTATS-KEY
DEBUG LOG hello
DEBUG LOG
DEBUG ERROR foo
DEBUG ERROR "FOO bar baz"
DEBUG ERROR ""
DEBUG ERROR "line\rbreak"
DEBUG ERROR
DEBUG error a b
FLUSHALL
"""


def test_debug_enabled_matches_redis():
    ours = start_corvid("--enable-debug-command", "yes")
    theirs = start_redis("--enable-debug-command", "yes")
    try:
        run_script(DEBUG_SCRIPT, ours.port, theirs.port, name="debug-enabled")
        # DEBUG ERROR's reply is not an error of the server's: no error statistics.
        c = client_for(ours)
        c.config_resetstat()
        with pytest.raises(redis.ResponseError):
            c.execute_command("DEBUG", "ERROR", "ERR boom")
        assert c.info("stats")["total_error_replies"] == 0
        c.close()
        # DEBUG SLEEP holds the command for the time asked: the duration the server itself
        # records for it in the slow log is at least that, on both servers.
        for server in (ours, theirs):
            c = client_for(server)
            assert c.config_set("slowlog-log-slower-than", 100000)
            assert c.slowlog_reset()
            assert c.execute_command("DEBUG", "SLEEP", "0.3") == "OK"
            # Raw entries: [id, time, duration in microseconds, arguments, address, name].
            entries = [e for e in c.execute_command("SLOWLOG", "GET", 128) if e[3] == ["DEBUG", "SLEEP", "0.3"]]
            assert len(entries) == 1, entries
            assert entries[0][2] >= 300000, entries
            c.close()
    finally:
        stop(ours)
        theirs.stop()


def test_debug_local_only_from_loopback():
    # Redis's "local" means a unix socket or exactly 127.0.0.1 / ::1: a peer on
    # 127.0.0.2 is remote for it.
    ours = start_corvid("--enable-debug-command", "local", "--protected-mode", "no")
    theirs = start_redis("--enable-debug-command", "local", "--protected-mode", "no")
    try:
        run_script("DEBUG SLEEP 0\nDEBUG POPULATE 1\nDBSIZE\n", ours.port, theirs.port, name="debug-local")
        replies = []
        for server in (ours, theirs):
            s = socket.socket()
            s.bind(("127.0.0.2", 0))
            s.connect(("127.0.0.1", server.port))
            s.sendall(b"DEBUG SLEEP 0\r\n")
            s.settimeout(3)
            replies.append(s.recv(1000))
            s.close()
        assert replies[0] == replies[1]
        assert replies[0].startswith(b"-ERR DEBUG command not allowed.")
    finally:
        stop(ours)
        theirs.stop()


# --- SHUTDOWN: the server operations that end the process ---------------------------

def wait_exit(server, timeout=10):
    return server.proc.wait(timeout=timeout)


def test_shutdown_stops_the_server_without_a_reply():
    server = start_corvid()
    conn = socket.create_connection(("127.0.0.1", server.port))
    conn.sendall(b"SET k v\r\nSHUTDOWN\r\n")
    conn.settimeout(5)
    received = b""
    while True:
        chunk = conn.recv(100)
        if not chunk:
            break
        received += chunk
    conn.close()
    assert received == b"+OK\r\n"
    assert wait_exit(server) == 0
    stop(server)


@pytest.mark.parametrize("options", [["NOSAVE"], ["nosave", "now"], ["NOW", "FORCE"], ["SAVE", "FORCE"]])
def test_shutdown_variants_that_exit(options):
    server = start_corvid()
    c = client_for(server)
    with pytest.raises(redis.ConnectionError):
        c.execute_command("SHUTDOWN", *options)
    assert wait_exit(server) == 0
    stop(server)
