"""DEBUG subcommands with effects beyond their reply, on corvid-server and redis-server:
PAUSE-CRON really stops the periodic work (active expiry here) until PAUSE-CRON 0, and
CHANGE-REPL-ID really changes the replication id INFO shows. The fixed replies are in
tests/differential/cases/debug_*.txt."""

import re
import time

import redis

from support.waiting import wait_until


def connect(server):
    return redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)


def test_pause_cron_stops_active_expiry(debug_server):
    r = connect(debug_server)
    r.flushall()
    expired_before = r.info("stats")["expired_keys"]
    r.execute_command("DEBUG", "PAUSE-CRON", "1")
    try:
        for i in range(20):
            r.set("pc:%d" % i, "v", px=1)
        # Every key is due at once; DBSIZE and INFO look at no key, so only the cron's
        # active cycle could remove them, and it must not run while paused (many cron
        # periods pass meanwhile at hz 10).
        time.sleep(1)
        assert r.dbsize() == 20
        assert r.info("stats")["expired_keys"] == expired_before
    finally:
        r.execute_command("DEBUG", "PAUSE-CRON", "0")
    wait_until(lambda: r.dbsize() == 0, "the active cycle reclaimed the keys after PAUSE-CRON 0")
    assert r.info("stats")["expired_keys"] == expired_before + 20


def connect_raw(r):
    """A client of the same server whose INFO comes back as text."""
    kwargs = r.connection_pool.connection_kwargs
    raw = redis.Redis(host=kwargs["host"], port=kwargs["port"], decode_responses=True)
    raw.response_callbacks.pop("INFO", None)
    return raw


def replication(r):
    """INFO replication's fields as text (redis-py would turn an all-zero id into 0)."""
    raw = connect_raw(r)
    text = raw.execute_command("INFO", "replication")
    return dict(line.split(":", 1) for line in text.splitlines() if ":" in line)


def test_change_repl_id(debug_server):
    r = connect(debug_server)
    before = replication(r)
    assert r.execute_command("DEBUG", "CHANGE-REPL-ID") == "OK"
    after = replication(r)
    assert re.fullmatch("[0-9a-f]{40}", after["master_replid"])
    assert after["master_replid"] != before["master_replid"]
    assert after["master_replid2"] == before["master_replid2"] == "0" * 40
    # It stays changed.
    assert replication(r)["master_replid"] == after["master_replid"]


# Corvid's own words where its behaviour differs: RELOAD NOFLUSH fails the load on a
# conflicting key instead of killing the server.
CORVID_WORDING = ["      conflicting keys make the load fail."]
REDIS_WORDING = ["      conflicting keys will generate an exception and kill the server."]


def test_debug_help_lists_redis_entries_in_redis_order(debug_servers):
    corvid, oracle = (connect(s) for s in debug_servers)
    ours = corvid.execute_command("DEBUG", "HELP")
    theirs = oracle.execute_command("DEBUG", "HELP")
    assert ours[0] == theirs[0]
    assert ours[-2:] == theirs[-2:] == ["HELP", "    Prints this help."]
    ours = [REDIS_WORDING[CORVID_WORDING.index(line)] if line in CORVID_WORDING else line for line in ours]
    # Every line of ours is Redis's, in Redis's order (Corvid lists only what it has).
    position = 0
    for line in ours:
        assert line in theirs[position:], line
        position = theirs.index(line, position) + 1
