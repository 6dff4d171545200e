"""Switches that change how expiry runs: DEBUG SET-ACTIVE-EXPIRE and CONFIG SET hz."""

import time

import pytest
import redis


@pytest.mark.corvid_args("--enable-debug-command", "yes")
def test_without_active_expiry_keys_wait_for_a_lookup(fresh_corvid):
    client = redis.Redis(host="127.0.0.1", port=fresh_corvid.port)
    assert client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0") == b"OK"
    client.set("lazy", "v", px=100)
    time.sleep(0.5)
    # Nobody reclaimed it: it still counts, until a lookup finds it expired.
    assert client.dbsize() == 1
    assert client.info("stats")["expired_keys"] == 0
    assert client.get("lazy") is None
    assert client.dbsize() == 0
    assert client.info("stats")["expired_keys"] == 1

    assert client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1") == b"OK"
    client.set("active", "v", px=100)
    deadline = time.time() + 10
    while client.dbsize() and time.time() < deadline:
        time.sleep(0.05)
    assert client.dbsize() == 0
    client.close()


def test_config_set_hz_changes_the_cron_rate(fresh_corvid):
    client = redis.Redis(host="127.0.0.1", port=fresh_corvid.port)
    assert client.info("server")["hz"] == 10
    client.config_set("hz", 100)
    assert client.info("server")["hz"] == 100
    client.config_set("hz", 1000)  # clamped to 500, as Redis does
    assert client.info("server")["hz"] == 500
    # The cron still runs at the new rate: active expiry keeps reclaiming keys.
    client.set("k", "v", px=50)
    deadline = time.time() + 10
    while client.dbsize() and time.time() < deadline:
        time.sleep(0.02)
    assert client.dbsize() == 0
    client.close()
