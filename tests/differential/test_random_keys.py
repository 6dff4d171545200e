"""Seeded random mixes of key and expiry commands (with SET/GET) over a few keys in two
databases, replayed against corvid-server and redis-server.

Every reply must be byte-identical, except those that depend on the millisecond a
command ran at (TTL, PTTL, and the deadline of a relative EXPIRE), which may differ by
the skew between the two servers, KEYS and SCAN pages (multisets of typed elements), and
RANDOMKEY: each server's pick must be a key of the database as both held it just before
(KEYS *, which must agree), or a null when it is empty. To keep everything else
deterministic, no deadline is ever close enough to pass during a run, and GT/LT are only
combined with absolute deadlines (comparing two relative deadlines set in the same
millisecond is a coin toss).
"""

import random

import pytest

from differential.harness import assert_nothing_unread
from support.resp import RespConnection, comparable

KEYS = ["k%d" % i for i in range(8)]
VALUES = ["0", "7", "9999", "10000", "-3", "9223372036854775807", "12345678901234567890123",
          "hello", "", "x" * 44, "y" * 45, "a b c"]
# Far in the future (2096), on whole and half seconds, some equal on purpose.
ABSOLUTE_MS = [4000000000000 + step * 500 for step in range(6)]
OPERATIONS = 600
SEEDS = range(1, 9)

# Reply kinds whose value may differ by the servers' clock skew: (tolerance when positive).
TOLERANT = {"TTL": 1, "PTTL": 250, "EXPIRETIME": 1, "PEXPIRETIME": 250}


def keys(rng, low=1, high=3):
    return [rng.choice(KEYS) for _ in range(rng.randint(low, high))]


def conditions(rng):
    """NX/XX/GT/LT subsets, sometimes invalid ones, sometimes none."""
    if rng.random() < 0.5:
        return []
    return rng.sample(["NX", "XX", "GT", "LT", "nx", "gt"], rng.randint(1, 2))


def random_command(rng):
    k = rng.choice(KEYS)
    other = rng.choice(KEYS)
    choice = rng.randrange(27)
    if choice < 4:
        cmd = ["SET", k, rng.choice(VALUES)]
        if rng.random() < 0.2:
            cmd += ["EX", str(rng.choice([100, 1000, 5000]))]
        return cmd
    if choice == 4:
        return ["GET", k]
    if choice == 5:
        return ["DEL"] + keys(rng)
    if choice == 6:
        return ["UNLINK"] + keys(rng)
    if choice == 7:
        return ["EXISTS"] + keys(rng, 1, 4)
    if choice == 8:
        return ["TYPE", k]
    if choice == 9:
        return ["RENAME", k, other]
    if choice == 10:
        return ["RENAMENX", k, other]
    if choice == 11:
        cmd = ["COPY", k, other]
        if rng.random() < 0.5:
            cmd += ["DB", rng.choice(["0", "1"])]
        if rng.random() < 0.5:
            cmd += ["REPLACE"]
        return cmd
    if choice == 12:
        return ["MOVE", k, rng.choice(["0", "1"])]
    if choice == 13:
        return ["TOUCH"] + keys(rng)
    if choice == 14:
        # Relative: never GT/LT (see the module docstring); 0 and -1 delete.
        cmd = [rng.choice(["EXPIRE", "PEXPIRE"]), k]
        amount = rng.choice([100, 1000, 5000, 0, -1])
        cmd.append(str(amount * 1000 if cmd[0] == "PEXPIRE" and amount > 0 else amount))
        return cmd + rng.sample(["NX", "XX"], rng.randint(0, 1))
    if choice in (15, 16):
        deadline = rng.choice(ABSOLUTE_MS + [0, 1])
        if rng.random() < 0.5:
            return ["PEXPIREAT", k, str(deadline)] + conditions(rng)
        return ["EXPIREAT", k, str(deadline // 1000)] + conditions(rng)
    if choice == 17:
        return ["PERSIST", k]
    if choice == 18:
        return [rng.choice(["TTL", "PTTL"]), k]
    if choice == 19:
        return [rng.choice(["EXPIRETIME", "PEXPIRETIME"]), k]
    if choice == 20:
        return ["OBJECT", "ENCODING", k]
    if choice == 21:
        return ["KEYS", rng.choice(["*", "k[0-3]", "k?", "nomatch"])]
    if choice == 22:
        return ["SCAN", "0", "COUNT", "100"] + rng.choice([[], ["MATCH", "k[4-7]"], ["TYPE", "string"]])
    if choice == 23:
        return ["SELECT", rng.choice(["0", "1"])]
    if choice == 24:
        return ["RANDOMKEY"]
    if choice == 25:
        return ["EXPIRE", k, rng.choice(["abc", "9223372036854775807", "100000"]), rng.choice(["NX", "foo", "GT"])]
    return ["MOVE", k, rng.choice(["0", "1", "16", "x"])]


# Replies whose order Redis leaves unspecified: compared as multisets of typed elements
# (SCAN: the cursor exactly, the page as a multiset).
UNORDERED = {"KEYS": "unordered", "SCAN": "scan"}


def same(cmd, raw_ours, ours, raw_theirs, theirs):
    name = cmd[0]
    if name in TOLERANT and isinstance(ours, int) and isinstance(theirs, int):
        if raw_ours[:1] != raw_theirs[:1]:
            return False
        if ours < 0 or theirs < 0:
            return ours == theirs
        return abs(ours - theirs) <= TOLERANT[name]
    if name in UNORDERED:
        return comparable(raw_ours, UNORDERED[name]) == comparable(raw_theirs, UNORDERED[name])
    return raw_ours == raw_theirs


def wrong_random_key(raw, value, before):
    """Why `raw`, RANDOMKEY's reply in a database holding the keys `before` (bytes), is wrong,
    or None: a key of the database as a bulk string, or a null when it is empty."""
    if not before:
        return None if raw == b"$-1\r\n" else "a null expected from an empty database"
    if raw[:1] != b"$" or value is None or value not in before:
        return "%r is not a key of the database" % raw[:100]
    return None


def random_key_check(before):
    def check(raw_ours, value_ours, raw_theirs, value_theirs):
        for server, raw, value in (("corvid", raw_ours, value_ours), ("redis", raw_theirs, value_theirs)):
            why = wrong_random_key(raw, value, before)
            if why:
                return "%s: %s" % (server, why)
        return None
    return check


def same_check(cmd, why):
    return lambda raw_ours, ours, raw_theirs, theirs: None if same(cmd, raw_ours, ours, raw_theirs, theirs) else why


@pytest.mark.parametrize("seed", SEEDS)
def test_random_key_commands(corvid_server, redis_server, seed):
    rng = random.Random(seed)
    ours = RespConnection("127.0.0.1", corvid_server.port)
    theirs = RespConnection("127.0.0.1", redis_server.port)
    history = []
    try:
        for conn in (ours, theirs):
            conn.call("FLUSHALL")

        def run(cmd, check):
            raw_ours, value_ours = ours.call(*cmd)
            raw_theirs, value_theirs = theirs.call(*cmd)
            history.append(" ".join(repr(a) if a == "" or " " in a else a for a in cmd))
            why = check(raw_ours, value_ours, raw_theirs, value_theirs)
            if why:
                recent = "\n    ".join(history[-25:])
                pytest.fail("seed %d, after:\n    %s\n  corvid: %r\n  redis:  %r\n  why: %s" %
                            (seed, recent, raw_ours[:300], raw_theirs[:300], why))
            return value_ours

        for _ in range(OPERATIONS):
            cmd = random_command(rng)
            if cmd == ["RANDOMKEY"]:
                # Checked, on each server, against the keys both held before (KEYS *).
                before = set(run(["KEYS", "*"], same_check(["KEYS"], "the two servers hold different keys")))
                run(cmd, random_key_check(before))
                continue
            run(cmd, same_check(cmd, "replies differ"))
        # Finally, the whole state of both databases.
        for db in ("0", "1"):
            for conn in (ours, theirs):
                conn.call("SELECT", db)
            for k in KEYS:
                for probe in (["GET", k], ["TYPE", k], ["OBJECT", "ENCODING", k], ["EXPIRETIME", k]):
                    raw_ours, value_ours = ours.call(*probe)
                    raw_theirs, value_theirs = theirs.call(*probe)
                    assert same(probe, raw_ours, value_ours, raw_theirs, value_theirs), (seed, db, probe, raw_ours,
                                                                                         raw_theirs)
        assert_nothing_unread(ours, theirs, "seed %d" % seed)
    finally:
        for conn in (ours, theirs):
            conn.call("FLUSHALL")
            conn.close()
