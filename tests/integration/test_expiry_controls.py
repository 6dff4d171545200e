"""Switches that change how expiry and the cron run: DEBUG SET-ACTIVE-EXPIRE, CONFIG SET
hz and dynamic-hz."""

import math
import socket
import time

import pytest
import redis

from support.waiting import wait_until


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


TRACKED_KEYS = 100000
# Only a hang guard for waits on the cron: never reached unless the cron has stopped.
HANG_SECONDS = 60


class CountingWindowUsedUp(Exception):
    """The tracking table has been brought down to its bound: no more calls can be counted."""


class CronCounter:
    """Counts the server's cron runs exactly, through the bound on the client-side caching
    table (tracking-table-max-keys).

    As in Redis, the table is brought back under its bound before every command and once
    per cron run; a call that finds it over the bound drops 100 keys more than the call
    before it did (100, 200, 300...), so after j such calls in a row exactly 50*j*(j+1)
    keys are gone. A tracking client reads TRACKED_KEYS keys, the bound is set to 1, and
    from then on every INFO (tracking_total_keys) tells how many calls there have been,
    next to the server's clock (server_time_usec): the calls that were not this counter's
    own commands were cron runs. Nothing else sends commands meanwhile."""

    def __init__(self, port):
        self.client = redis.Redis(host="127.0.0.1", port=port, single_connection_client=True)
        self.tracker = redis.Redis(host="127.0.0.1", port=port, single_connection_client=True)
        # RESP2 without a redirect: the tracker is told nothing when its keys are dropped.
        assert self.tracker.execute_command("CLIENT", "TRACKING", "ON") == b"OK"
        self.keys = ["tracked:%d" % i for i in range(TRACKED_KEYS)]

    def start(self, *commands):
        """Fills the table, runs `commands`, and starts counting; returns the INFO that
        starts the count (sent in the same write as the commands)."""
        assert self.client.config_set("tracking-table-max-keys", 0)  # no bound while filling
        for first in range(0, TRACKED_KEYS, 5000):
            self.tracker.mget(self.keys[first:first + 5000])
        pipe = self.client.pipeline(transaction=False)
        for command in commands:
            pipe.execute_command(*command)
        pipe.config_set("tracking-table-max-keys", 1)
        pipe.execute_command("INFO", "server", "stats", "keyspace")
        info = pipe.execute()[-1]
        self.start_calls = self.calls(info)
        self.start_us = info["server_time_usec"]
        self.reads = 0
        return info

    def read(self):
        """One INFO: (cron runs since start(), server milliseconds since start(), the INFO)."""
        info = self.client.execute_command("INFO", "server", "stats", "keyspace")
        self.reads += 1
        runs = self.calls(info) - self.start_calls - self.reads
        assert runs >= 0, info["tracking_total_keys"]
        return runs, (info["server_time_usec"] - self.start_us) / 1000, info

    @staticmethod
    def calls(info):
        left = info["tracking_total_keys"]
        if left <= 1:
            raise CountingWindowUsedUp()
        dropped = TRACKED_KEYS - left
        calls = (math.isqrt(1 + dropped * 8 // 100) - 1) // 2
        assert 50 * calls * (calls + 1) == dropped, "%d tracked keys dropped: not 100, 200, 300... per call" % dropped
        return calls

    def close(self):
        self.client.close()
        self.tracker.close()


def most_runs(span_ms, period_ms):
    """The most cron runs that fit in span_ms of the server's clock when the timer is
    re-armed period_ms after each run, counted in whole milliseconds of the monotonic
    clock (so two runs are more than period_ms - 1 apart); the span gets a millisecond
    more for the wall clock that INFO reads drifting from the monotonic one."""
    return (span_ms + 1) / (period_ms - 1) + 1


def test_config_set_hz_changes_the_cron_rate(fresh_corvid):
    client = redis.Redis(host="127.0.0.1", port=fresh_corvid.port)
    assert client.info("server")["hz"] == 10
    counter = CronCounter(fresh_corvid.port)

    # hz 1: over two seconds, three runs at most, where the default 10 would make twenty.
    # A key due 1 ms after it is set stays until a run looks at it, and the second run
    # after it is set (a second later at least) finds it due.
    client.config_set("hz", 1)
    assert client.info("server")["hz"] == 1
    expired = counter.start(("SET", "due", "v", "PX", "1"))["expired_keys"]
    give_up = time.monotonic() + HANG_SECONDS
    while True:
        runs, span_ms, info = counter.read()
        assert runs <= most_runs(span_ms, 1000), (runs, span_ms)
        if runs == 0:
            assert info["db0"]["keys"] == 1 and info["expired_keys"] == expired
        if runs >= 2:
            assert "db0" not in info and info["expired_keys"] == expired + 1
            if span_ms >= 2000:
                break
        assert time.monotonic() < give_up, "the cron has not run twice at hz 1"
        time.sleep(0.1)

    # hz 50: more runs than hz 10 could fit in the span, and no more than hz 50 can.
    client.config_set("hz", 50)
    assert client.info("server")["hz"] == 50
    give_up = time.monotonic() + HANG_SECONDS
    while True:
        try:
            expired = counter.start(("SET", "due", "v", "PX", "1"))["expired_keys"]
            while True:
                time.sleep(0.02)
                runs, span_ms, info = counter.read()
                assert runs <= most_runs(span_ms, 20), (runs, span_ms)
                if runs > most_runs(span_ms, 100):
                    break
        except CountingWindowUsedUp:
            # The count ran out before the condition held (this client was held up):
            # count again in a fresh window.
            assert time.monotonic() < give_up, "the cron never ran faster than 10 times a second at hz 50"
            continue
        break
    assert runs >= 2  # so the key was due when the last run looked at it
    assert "db0" not in info and info["expired_keys"] == expired + 1

    client.config_set("hz", 100)
    assert client.info("server")["hz"] == 100
    client.config_set("hz", 1000)  # clamped to 500, as Redis does
    assert client.info("server")["hz"] == 500
    counter.close()
    client.close()


def test_dynamic_hz_doubles_hz_with_the_clients(server):
    """More than 200 clients per tick double the effective hz (INFO hz) until they are not,
    unless dynamic-hz is off; configured_hz stays what was set."""
    admin = redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)
    admin.config_set("hz", "1")
    extra = []
    try:
        for _ in range(450):
            s = socket.create_connection(("127.0.0.1", server.port))
            extra.append(s)
        # The clients are counted once they have been accepted; the cron then adjusts.
        wait_until(lambda: admin.info("server")["hz"] == 4, "hz raised for 451 clients")
        assert admin.info("server")["configured_hz"] == 1
        admin.config_set("dynamic-hz", "no")
        wait_until(lambda: admin.info("server")["hz"] == 1, "hz back to the configured value")
        admin.config_set("dynamic-hz", "yes")
        for s in extra[:300]:
            s.close()
        wait_until(lambda: admin.info("server")["hz"] == 1 and admin.info("clients")["connected_clients"] <= 160,
                   "hz follows the clients down")
    finally:
        for s in extra:
            s.close()
        admin.config_set("hz", "10")
        admin.config_set("dynamic-hz", "yes")
        admin.close()
