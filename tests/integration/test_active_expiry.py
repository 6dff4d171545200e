"""Active expiry: keys whose TTL has passed disappear without anyone touching them.

Keys are loaded with raw pipelined RESP (redis-py would spend longer encoding a million
commands than the server spends expiring them); while the tests wait, they ask only INFO
and TIME, which look at no key and so cannot expire one lazily.

Most tests load their keys with the active cycle switched off (DEBUG SET-ACTIVE-EXPIRE 0)
and wait, on the server's clock, until every short deadline has passed: the keys are
then all due and all still there, so only the active cycle can remove them. Then they
switch the cycle on and wait for it, for as long as it keeps reclaiming keys: a wait
fails only when INFO's expired_keys stops moving altogether, never because the
reclaiming took some given time."""

import collections
import re
import socket
import time

import pytest
import redis

CHUNK = 10000
# A cycle that has reclaimed nothing for this long while keys are due has stopped for
# good (it runs ten times a second); generous, as the server may be built with
# AddressSanitizer and share the machine.
STALL_SECONDS = 60


def set_many(port, names, *options, db=0):
    """SET name v <options> for every name, pipelined in chunks; checks every reply."""
    tail = b"".join(b"$%d\r\n%s\r\n" % (len(o), o) for o in (opt.encode() for opt in options))
    header = b"*%d\r\n$3\r\nSET\r\n" % (3 + len(options))
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        if db:
            sock.sendall(b"*2\r\n$6\r\nSELECT\r\n$%d\r\n%d\r\n" % (len(str(db)), db))
            assert sock.recv(16) == b"+OK\r\n"
        for start in range(0, len(names), CHUNK):
            batch = names[start:start + CHUNK]
            sock.sendall(b"".join(header + b"$%d\r\n%s\r\n$1\r\nv\r\n" % (len(n), n) + tail for n in batch))
            expected = b"+OK\r\n" * len(batch)
            received = b""
            while len(received) < len(expected):
                chunk = sock.recv(1 << 20)
                assert chunk, "connection closed while loading"
                received += chunk
            assert received == expected, received[:200]


def server_ms(client):
    seconds, microseconds = client.time()
    return seconds * 1000 + microseconds // 1000


def wait_until_due(client, ttl_ms):
    """Waits until keys given `ttl_ms` before now are all due, by the server's clock
    (TIME reads the clock and no key)."""
    deadline = server_ms(client) + ttl_ms
    while server_ms(client) <= deadline:
        time.sleep(0.01)
    # A few cron periods (hz 10), so that a cycle which ought to be off would have run.
    time.sleep(0.3)


def snapshot(client):
    """expired_keys and the keys of every database, from one INFO (so from one instant)."""
    info = client.execute_command("INFO", "stats", "keyspace")
    keys = {int(name[2:]): value["keys"] for name, value in info.items() if re.fullmatch(r"db\d+", name)}
    return info["expired_keys"], keys


def wait_for_active_expiry(client, done):
    """Polls snapshot() until done(expired_keys, keys) holds; returns the last snapshot.

    Fails only if expired_keys stays unchanged for STALL_SECONDS while done() is false:
    the cycle has stopped reclaiming, so the condition would never hold."""
    expired, keys = snapshot(client)
    last_progress = time.monotonic()
    while not done(expired, keys):
        time.sleep(0.05)
        previous = expired
        expired, keys = snapshot(client)
        if expired != previous:
            last_progress = time.monotonic()
        assert time.monotonic() - last_progress < STALL_SECONDS, \
            "active expiry stopped: expired_keys=%d, keys per database %s" % (expired, keys)
    return expired, keys


def set_active_expire(client, enabled):
    assert client.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "1" if enabled else "0") == b"OK"


def test_a_million_untouched_keys_expire(fresh_corvid):
    # The cycle stays on here: it reclaims while the keys are still arriving, each due a
    # millisecond after it was set. (The tests below show, with it off, that nothing but
    # the cycle removes untouched keys.)
    client = redis.Redis(host="127.0.0.1", port=fresh_corvid.port)
    set_many(fresh_corvid.port, [b"volatile:%d" % i for i in range(1000000)], "PX", "1")
    expired, keys = wait_for_active_expiry(client, lambda expired, keys: not keys)
    assert expired == 1000000
    client.close()


@pytest.mark.corvid_args("--enable-debug-command", "yes")
def test_expiry_spares_keys_without_ttl_and_later_deadlines(fresh_corvid):
    client = redis.Redis(host="127.0.0.1", port=fresh_corvid.port)
    set_active_expire(client, False)
    # Long-lived keys first: whatever order the server keeps its TTLs in, a long run of
    # keys that are not due must not hold up the ones that are.
    set_many(fresh_corvid.port, [b"later:%d" % i for i in range(50000)], "EX", "1000")
    set_many(fresh_corvid.port, [b"forever:%d" % i for i in range(50000)])
    set_many(fresh_corvid.port, [b"soon:%d" % i for i in range(200000)], "PX", "100")
    wait_until_due(client, 100)
    assert snapshot(client) == (0, {0: 300000})
    set_active_expire(client, True)
    # Like Redis, active expiry may leave a few expired keys while they are a small share
    # of the keys with a TTL (Redis aims at under 10%); here 5% of the 50000 survivors.
    expired, keys = wait_for_active_expiry(client, lambda expired, keys: keys[0] <= 102500)
    # Every key that went was reclaimed by expiry, and only due ones went.
    assert expired + keys[0] == 300000
    assert len(client.keys("later:*")) == 50000
    assert len(client.keys("forever:*")) == 50000
    assert client.ttl("forever:7") == -1
    assert 900 <= client.ttl("later:7") <= 1000
    client.close()


@pytest.mark.corvid_args("--databases", "4", "--enable-debug-command", "yes")
def test_expiry_runs_in_every_database(fresh_corvid):
    client = redis.Redis(host="127.0.0.1", port=fresh_corvid.port)
    set_active_expire(client, False)
    for db in range(4):
        set_many(fresh_corvid.port, [b"k%d" % i for i in range(20000)], "PX", "100", db=db)
    wait_until_due(client, 100)
    assert snapshot(client) == (0, {0: 20000, 1: 20000, 2: 20000, 3: 20000})
    set_active_expire(client, True)
    expired, keys = wait_for_active_expiry(client, lambda expired, keys: not keys)
    assert expired == 80000
    client.close()


def test_info_reports_the_stale_share_and_the_cycles_cut_short(debug_server):
    """INFO's expired_stale_perc (a running estimate of the share of keys with a TTL that
    are expired) and expired_time_cap_reached_count (cycles that ran out of time) move
    when many keys fall due at once, on Corvid as on Redis."""
    client = redis.Redis(host="127.0.0.1", port=debug_server.port)
    client.flushall()
    client.execute_command("CONFIG", "RESETSTAT")
    stats = client.info("stats")
    assert stats["expired_stale_perc"] == 0 and stats["expired_time_cap_reached_count"] == 0
    set_active_expire(client, False)
    set_many(debug_server.port, [b"due:%d" % i for i in range(200000)], "PX", "1")
    wait_until_due(client, 1)
    set_active_expire(client, True)
    wait_for_active_expiry(client, lambda expired, keys: not keys)
    stats = client.info("stats")
    # Removing 200,000 keys takes more than one cycle's time (a quarter of 100 ms).
    assert stats["expired_time_cap_reached_count"] > 0
    assert stats["expired_stale_perc"] > 0
    client.close()


def test_the_cycle_samples_due_keys_without_regard_to_their_age(debug_server):
    """Which due keys a cycle reclaims first must not depend on when they were set: with
    5,000 due keys among 45,000 that are not (a stale share near the 10% at which a cycle
    stops), the first 1,000 expired (in the order of their "expired" notifications) spread
    evenly over ten groups of due keys by age, and over ten groups interleaved by index.
    A cycle walking its TTLs in insertion order would take the oldest group first. Chi-square
    with nine degrees of freedom; a uniform pick exceeds 40 with probability 1e-5."""
    client = redis.Redis(host="127.0.0.1", port=debug_server.port)
    client.flushall()
    client.execute_command("CONFIG", "RESETSTAT")
    set_active_expire(client, False)
    due = 5000
    names = []
    for i in range(due):
        names.append(b"due:%d" % i)
        names.extend(b"later:%d:%d" % (i, j) for j in range(9))
    # Every tenth key is due soon: set in one pipeline, in that interleaved order.
    with socket.create_connection(("127.0.0.1", debug_server.port), timeout=60) as sock:
        commands = [b"*5\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$1\r\nv\r\n$2\r\nPX\r\n$%d\r\n%s\r\n" %
                    (len(n), n, len(ttl), ttl) for n, ttl in
                    ((n, b"100" if n.startswith(b"due:") else b"1000000") for n in names)]
        sock.sendall(b"".join(commands))
        received = b""
        while len(received) < 5 * len(names):
            chunk = sock.recv(1 << 20)
            assert chunk
            received += chunk
        assert received == b"+OK\r\n" * len(names)
    wait_until_due(client, 100)
    assert snapshot(client) == (0, {0: len(names)})
    client.config_set("notify-keyspace-events", "Ex")
    client.config_set("hz", "100")
    subscriber = client.pubsub()
    subscriber.subscribe("__keyevent@0__:expired")
    assert subscriber.get_message(timeout=10)["type"] == "subscribe"
    set_active_expire(client, True)
    first = []
    while len(first) < 1000:
        message = subscriber.get_message(timeout=STALL_SECONDS)
        assert message is not None, "active expiry stopped after %d keys" % len(first)
        first.append(int(message["data"].split(b":")[1]))
    set_active_expire(client, False)
    subscriber.close()
    client.config_set("notify-keyspace-events", "")
    client.config_set("hz", "10")
    assert len(set(first)) == 1000

    def chi_square(groups):
        expected = len(first) / 10
        counts = collections.Counter(groups)
        return sum((counts.get(g, 0) - expected) ** 2 / expected for g in range(10))

    by_age = chi_square(i * 10 // due for i in first)
    by_index = chi_square(i % 10 for i in first)
    assert by_age < 40 and by_index < 40, (by_age, by_index)
    client.flushall()
    set_active_expire(client, True)
    client.close()
