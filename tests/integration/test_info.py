"""INFO: sections, field names and order as Redis 7.0 has them, with values that follow
what the server actually did."""

import re
import socket
import time

import pytest
import redis

DEFAULT_SECTIONS = ["Server", "Clients", "Memory", "Persistence", "Stats", "Replication", "CPU", "Modules",
                    "Errorstats", "Cluster", "Keyspace"]

# Sections whose field list does not depend on what ran before.
FIXED_SECTIONS = ["server", "clients", "memory", "persistence", "stats", "replication", "cpu", "cluster"]


def raw_info(client, *sections):
    """INFO's text as sent, without redis-py's parsing."""
    conn = client.connection_pool.get_connection("INFO")
    try:
        conn.send_command("INFO", *sections)
        return conn.read_response()
    finally:
        client.connection_pool.release(conn)


def headers(text):
    return [line[2:] for line in text.split("\r\n") if line.startswith("# ")]


def fields(text):
    out = []
    for line in text.split("\r\n"):
        if line and not line.startswith("#"):
            name, _, value = line.partition(":")
            out.append((name, value))
    return out


def test_default_all_and_everything_sections(r):
    assert headers(raw_info(r)) == DEFAULT_SECTIONS
    assert headers(raw_info(r, "default")) == DEFAULT_SECTIONS
    # As redis-server 7.0.15 orders them.
    with_stats = DEFAULT_SECTIONS[:8] + ["Commandstats", "Errorstats", "Latencystats"] + DEFAULT_SECTIONS[9:]
    assert headers(raw_info(r, "all")) == with_stats
    assert headers(raw_info(r, "everything")) == with_stats
    # Sections come out in Redis's order whatever order they are asked in.
    assert headers(raw_info(r, "keyspace", "CPU", "server")) == ["Server", "CPU", "Keyspace"]
    assert raw_info(r, "nosuch") == ""


# Fields Redis 7.0.15 lacks: Corvid's own, and the ACL refusal counters Redis 7.2 added
# (the end of its stats section, where Corvid puts them too).
NEWER_THAN_7_0 = {"corvid_version", "acl_access_denied_auth", "acl_access_denied_cmd", "acl_access_denied_key",
                  "acl_access_denied_channel", "client_query_buffer_limit_disconnections",
                  "client_output_buffer_limit_disconnections"}


def test_field_names_and_order_match_redis(r, redis_server):
    oracle = redis.Redis(host="127.0.0.1", port=redis_server.port, decode_responses=True)
    try:
        for section in FIXED_SECTIONS:
            ours = [name for name, _ in fields(raw_info(r, section))]
            theirs = [name for name, _ in fields(raw_info(oracle, section))]
            ours = [name for name in ours if name not in NEWER_THAN_7_0]
            assert ours == theirs, section
    finally:
        oracle.close()


def test_server_section_values(r, corvid_server):
    before_us = time.time_ns() // 1000
    info = dict(fields(raw_info(r, "server")))
    after_us = time.time_ns() // 1000
    assert info["redis_version"] == "7.0.15"
    assert re.fullmatch(r"\d+\.\d+\.\d+", info["corvid_version"])
    assert info["redis_mode"] == "standalone"
    assert int(info["tcp_port"]) == corvid_server.port
    assert int(info["process_id"]) == corvid_server.proc.pid
    assert re.fullmatch(r"[0-9a-f]{40}", info["run_id"])
    assert info["executable"].endswith("corvid-server")
    # The server's clock (the same wall clock as ours) read while it answered.
    assert before_us <= int(info["server_time_usec"]) <= after_us
    assert int(info["uptime_in_days"]) == int(info["uptime_in_seconds"]) // 86400
    assert info["hz"] == info["configured_hz"] == "10"
    assert 0 <= int(info["lru_clock"]) < 1 << 24


def test_keyspace_counts(r):
    assert fields(raw_info(r, "keyspace")) == []
    r.set("a", 1)
    r.set("b", 2)
    r.set("c", 3, ex=1000)
    r.select(3)
    r.set("x", 1, px=500000)
    r.select(0)
    info = r.info("keyspace")
    assert info["db0"]["keys"] == 3
    assert info["db0"]["expires"] == 1
    assert 990_000 <= info["db0"]["avg_ttl"] <= 1_000_000
    assert info["db3"] == {"keys": 1, "expires": 1, "avg_ttl": info["db3"]["avg_ttl"]}
    assert 490_000 <= info["db3"]["avg_ttl"] <= 500_000
    r.delete("a")
    assert r.info("keyspace")["db0"]["keys"] == 2
    r.flushall()
    assert r.info("keyspace") == {}


def test_commandstats_after_calls(r):
    r.config_resetstat()
    for i in range(3):
        r.set("k%d" % i, i)
    r.get("k0")
    r.get("k1")
    r.set("text", "abc")
    try:
        r.execute_command("GET")  # wrong arity: rejected before running
    except redis.ResponseError:
        pass
    try:
        r.execute_command("INCR", "text")  # runs and fails
    except redis.ResponseError:
        pass
    r.execute_command("CLIENT", "ID")
    stats = r.info("commandstats")
    assert stats["cmdstat_set"]["calls"] == 4
    assert stats["cmdstat_get"]["calls"] == 2
    assert stats["cmdstat_get"]["rejected_calls"] == 1
    assert stats["cmdstat_incr"]["calls"] == 1
    assert stats["cmdstat_incr"]["failed_calls"] == 1
    assert stats["cmdstat_client|id"]["calls"] == 1
    assert "cmdstat_lpush" not in stats
    for name, values in stats.items():
        assert set(values) == {"calls", "usec", "usec_per_call", "rejected_calls", "failed_calls"}, name
        if values["calls"]:
            assert abs(values["usec_per_call"] - values["usec"] / values["calls"]) < 0.01


def test_errorstats_after_errors(r):
    r.config_resetstat()
    r.set("s", "x")
    for command in (("INCR", "s"), ("NOSUCHCOMMAND",), ("GET",), ("AUTH", "nobody", "secret")):
        try:
            r.execute_command(*command)
        except (redis.ResponseError, redis.AuthenticationError):
            pass
    counts = dict(fields(raw_info(r, "errorstats")))
    assert counts == {"errorstat_ERR": "count=3", "errorstat_WRONGPASS": "count=1"}
    assert r.info("stats")["total_error_replies"] == 4
    r.config_resetstat()
    assert fields(raw_info(r, "errorstats")) == []
    assert r.info("stats")["total_error_replies"] == 0


def test_stats_counters_move(r, corvid_server):
    before = r.info("stats")
    r.get("missing")
    r.set("present", 1)
    r.get("present")
    with socket.create_connection(("127.0.0.1", corvid_server.port)) as s:
        s.sendall(b"PING\r\n")
        s.recv(16)
    after = r.info("stats")
    assert after["keyspace_misses"] == before["keyspace_misses"] + 1
    assert after["keyspace_hits"] == before["keyspace_hits"] + 1
    assert after["total_connections_received"] >= before["total_connections_received"] + 1
    assert after["total_commands_processed"] >= before["total_commands_processed"] + 4
    assert after["total_net_input_bytes"] > before["total_net_input_bytes"]
    assert after["total_net_output_bytes"] > before["total_net_output_bytes"]
    assert isinstance(after["instantaneous_ops_per_sec"], int)
    assert isinstance(after["instantaneous_input_kbps"], float)


def test_instantaneous_ops_per_sec_sees_traffic(r):
    deadline = time.time() + 3
    seen = 0
    while time.time() < deadline and seen == 0:
        pipe = r.pipeline(transaction=False)
        for _ in range(200):
            pipe.ping()
        pipe.execute()
        seen = r.info("stats")["instantaneous_ops_per_sec"]
    assert seen > 0


@pytest.mark.parametrize("which", ["corvid_server", "redis_server"])
def test_rdb_changes_since_last_save(which, request):
    """Each change counts once; FLUSHALL counts the keys it removed, and with save points
    it saves the now empty dataset at once, which resets the count (checked on both)."""
    r = redis.Redis(port=request.getfixturevalue(which).port, decode_responses=True)
    r.config_set("save", "")
    r.flushall()
    start = r.info("persistence")["rdb_changes_since_last_save"]
    r.mset({"a": 1, "b": 2, "c": 3})
    assert r.info("persistence")["rdb_changes_since_last_save"] == start + 3
    r.flushall()
    assert r.info("persistence")["rdb_changes_since_last_save"] == start + 6
    r.config_set("save", "3600 1")
    try:
        r.mset({"a": 1, "b": 2})
        r.flushall()
        assert r.info("persistence")["rdb_changes_since_last_save"] == 0
    finally:
        r.config_set("save", "")
        r.close()
    r = redis.Redis(port=request.getfixturevalue(which).port, decode_responses=True)
    persistence = r.info("persistence")
    assert persistence["loading"] == 0
    assert persistence["aof_enabled"] == 0
    assert persistence["rdb_last_bgsave_status"] == "ok"


def test_memory_section(r):
    memory = r.info("memory")
    assert memory["used_memory"] > 0
    assert memory["used_memory_rss"] > 0
    assert memory["used_memory_peak"] >= memory["used_memory"]
    assert re.fullmatch(r"\d+(\.\d\d[KMGTP])?B?", memory["used_memory_human"])
    assert memory["total_system_memory"] > memory["used_memory_rss"]
    assert memory["maxmemory_policy"] == "noeviction"
    assert memory["mem_allocator"].startswith(("jemalloc-", "libc"))
    grown = r.info("memory")["used_memory"]
    r.set("big", "x" * 4_000_000)
    assert r.info("memory")["used_memory"] >= grown + 3_000_000


def test_memory_peak_is_sampled_without_info(r):
    """The cron notes the peak, as Redis's does: a value that came and went between two
    INFO calls still shows in used_memory_peak."""
    r.execute_command("CONFIG", "RESETSTAT")
    r.set("big", "x" * (8 << 20))
    time.sleep(0.5)  # several cron ticks at hz 10
    r.delete("big")
    memory = r.info("memory")
    assert memory["used_memory_peak"] >= memory["used_memory"] + (7 << 20)


def test_clients_section_counts_connections(r, corvid_server):
    base = r.info("clients")["connected_clients"]
    extra = [socket.create_connection(("127.0.0.1", corvid_server.port)) for _ in range(3)]
    try:
        for s in extra:
            s.sendall(b"PING\r\n")
            s.recv(16)
        assert r.info("clients")["connected_clients"] == base + 3
    finally:
        for s in extra:
            s.close()
    deadline = time.time() + 2
    while time.time() < deadline and r.info("clients")["connected_clients"] != base:
        time.sleep(0.02)
    assert r.info("clients")["connected_clients"] == base
    assert r.info("clients")["maxclients"] == 10000


def test_replication_and_cpu(r):
    first = r.info("replication")
    second = r.info("replication")
    assert first["role"] == "master"
    assert first["connected_slaves"] == 0
    assert re.fullmatch(r"[0-9a-f]{40}", first["master_replid"])
    assert first["master_replid"] == second["master_replid"]
    assert first["master_repl_offset"] == 0
    cpu = r.info("cpu")
    for name in ("used_cpu_sys", "used_cpu_user", "used_cpu_sys_main_thread", "used_cpu_user_main_thread"):
        assert isinstance(cpu[name], float)
    assert cpu["used_cpu_user_main_thread"] <= cpu["used_cpu_user"] + 0.01


def test_lazyfree_counts_async_flush(r):
    before = r.info("memory")["lazyfreed_objects"]
    pipe = r.pipeline(transaction=False)
    for i in range(0, 5000, 500):
        pipe.mset({"key:%d" % j: j for j in range(i, i + 500)})
    pipe.execute()
    assert r.dbsize() == 5000
    r.flushall(asynchronous=True)
    assert r.dbsize() == 0
    deadline = time.time() + 5
    while time.time() < deadline and r.info("memory")["lazyfreed_objects"] < before + 5000:
        time.sleep(0.02)
    memory = r.info("memory")
    assert memory["lazyfreed_objects"] == before + 5000
    assert memory["lazyfree_pending_objects"] == 0
