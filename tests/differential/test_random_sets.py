"""Seeded random sequences of set commands, replayed on corvid-server and redis-server.

Each seed drives a few hundred commands over four set keys and one string key (for
WRONGTYPE), with members that are integers of every width, integer-looking strings that
are not canonical ("01", "-0"), words and members long enough to force the hashtable
encoding. Replies must be byte-identical except where Redis leaves the order open
(SMEMBERS, SINTER, SUNION, SDIFF compare as multisets) or chance decides (SPOP and
SRANDMEMBER are compared only where the answer is determined: whole-set draws, counts,
reply types and errors; SSCAN as the union of a full iteration).

OBJECT ENCODING must agree, except that Corvid's listpack (Redis 7.2's encoding of small
sets with non-integer members) is a hashtable in Redis 7.0, and that after SPOP with a
count Redis 7.0 may rebuild a hashtable as an intset where Corvid (like 7.2) makes a
listpack.
"""

import random

import pytest

from differential.harness import Mismatch, ServerPair
from support.resp import canonical_unordered

SEEDS = [3, 11, 23, 47]
STEPS = 400

MEMBERS = [
    "0", "1", "-1", "2", "5", "100", "40000", "-40000", "3000000000", "-9223372036854775808",
    "9223372036854775807", "01", "+1", "-0", "", " 1", "1.5", "a", "b", "c", "word", "x" * 70,
]
COUNTS = ["0", "1", "2", "3", "5", "100", "-1", "-3", "-20", "x", "1.5", "-9223372036854775808",
          "9223372036854775808"]
UNORDERED = {"SMEMBERS", "SINTER", "SUNION", "SDIFF"}


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.keys = ["rs%d:%s" % (seed, name) for name in ("a", "b", "c", "d")]
        self.string_key = "rs%d:str" % seed

    def member(self):
        if self.rng.random() < 0.15:
            return str(self.rng.randint(-300, 300))
        return self.rng.choice(MEMBERS)

    def key(self):
        return self.rng.choice(self.keys + [self.string_key] if self.rng.random() < 0.1 else self.keys)

    def keys_list(self):
        return [self.key() if self.rng.random() > 0.1 else "rs:missing" for _ in range(self.rng.randint(1, 3))]

    def command(self):
        rng = self.rng
        k = self.key()
        name = rng.choice([
            "SADD", "SADD", "SADD", "SADD", "SREM", "SREM", "SMEMBERS", "SISMEMBER", "SMISMEMBER", "SCARD",
            "SMOVE", "SPOP", "SPOP", "SRANDMEMBER", "SRANDMEMBER", "SINTER", "SUNION", "SDIFF", "SINTERCARD",
            "SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE", "SSCAN", "SET", "TYPE", "ENCODING", "ARITY", "DEL",
        ])
        if name == "SADD":
            return [name, k] + [self.member() for _ in range(rng.randint(1, 6))]
        if name in ("SREM", "SMISMEMBER"):
            return [name, k] + [self.member() for _ in range(rng.randint(1, 4))]
        if name == "SISMEMBER":
            return [name, k, self.member()]
        if name in ("SMEMBERS", "SCARD", "TYPE", "DEL"):
            return [name, k]
        if name == "SMOVE":
            return [name, k, self.key(), self.member()]
        if name in ("SPOP", "SRANDMEMBER"):
            return [name, k] if rng.random() < 0.3 else [name, k, rng.choice(COUNTS)]
        if name in ("SINTER", "SUNION", "SDIFF"):
            return [name] + self.keys_list()
        if name == "SINTERCARD":
            keys = self.keys_list()
            args = [name, str(len(keys))] + keys
            if rng.random() < 0.5:
                args += ["LIMIT", rng.choice(["0", "1", "2", "5", "-1"])]
            return args
        if name in ("SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"):
            return [name, self.key()] + self.keys_list()
        if name == "SSCAN":
            return ["SSCAN", k]
        if name == "SET":
            return ["SET", self.string_key, "v"]
        if name == "ENCODING":
            return ["OBJECT", "ENCODING", k]
        return rng.choice([["SADD", k], ["SISMEMBER", k], ["SMOVE", k, k], ["SINTERCARD", "1"], ["SPOP"]])


def sscan_all(conn, key):
    """A full SSCAN on one server: (error reply, members) with members as a sorted list."""
    cursor = "0"
    seen = set()
    while True:
        raw, value = conn.call("SSCAN", key, cursor, "COUNT", "7")
        if raw[:1] == b"-":
            return raw, None
        cursor = value[0].decode()
        seen.update(value[1])
        if cursor == "0":
            return None, sorted(seen)


class Checker:
    def __init__(self, pair, gen):
        self.pair = pair
        self.gen = gen
        # Keys an SPOP with a count may have rebuilt (see the module docstring).
        self.rebuilt = set()

    def sizes(self, key):
        (_, ours), (_, theirs) = self.pair.both(["SCARD", key])
        return ours, theirs

    def run(self, step, args):
        name = args[0]
        pair = self.pair
        if name == "SSCAN":
            error_ours, ours = sscan_all(pair.ours, args[1])
            error_theirs, theirs = sscan_all(pair.theirs, args[1])
            pair.history.append(args)
            if (error_ours, ours) != (error_theirs, theirs):
                raise Mismatch("seed %d step %d: full SSCAN of %s\n  corvid: %r %r\n  redis:  %r %r" %
                               (pair.seed, step, args[1], error_ours, ours, error_theirs, theirs))
            return
        if name in ("SPOP", "SRANDMEMBER") and len(args) == 3:
            self.run_counted_draw(step, args)
            return
        if name == "SPOP":
            # One random member: compare the reply's type and the set's size afterwards.
            pair.compare(step, args, lambda ro, vo, rt, vt: ro[:1] == rt[:1])
            if len(args) == 2:
                self.restore_agreement(args[1])
            return
        if name == "SRANDMEMBER":
            pair.compare(step, args, lambda ro, vo, rt, vt: ro[:1] == rt[:1])
            return
        if name == "OBJECT":
            pair.compare(step, args, lambda ro, vo, rt, vt: self.same_encoding(args[2], ro, rt))
            return
        if name == "DEL":
            self.rebuilt.discard(args[1])
        if name in UNORDERED:
            pair.compare(step, args, lambda ro, vo, rt, vt: ro[:1] == rt[:1] and
                         canonical_unordered(vo) == canonical_unordered(vt))
            return
        pair.compare(step, args, lambda ro, vo, rt, vt: ro == rt)

    def same_encoding(self, key, raw_ours, raw_theirs):
        if raw_ours == raw_theirs:
            return True
        if raw_ours == b"$8\r\nlistpack\r\n":
            allowed = [b"$9\r\nhashtable\r\n"]
            if key in self.rebuilt:
                allowed.append(b"$6\r\nintset\r\n")
            return raw_theirs in allowed
        return False

    def run_counted_draw(self, step, args):
        name, key, count = args
        before_ours, before_theirs = self.sizes(key)
        if name == "SPOP":
            self.rebuilt.add(key)

        def same(ro, vo, rt, vt):
            if ro[:1] != rt[:1]:
                return False
            if ro[:1] == b"-":
                return ro == rt
            if not isinstance(vo, list):
                return ro == rt
            if len(vo) != len(vt):
                return False
            n = int(count)
            whole = before_ours == before_theirs and n >= before_ours
            if whole:
                return canonical_unordered(vo) == canonical_unordered(vt)
            if n > 0 and len(set(vo)) != len(vo):
                return False  # distinct picks
            return True

        pair = self.pair
        pair.compare(step, args, same)
        if name == "SPOP":
            self.restore_agreement(key)

    def restore_agreement(self, key):
        """After random pops the two sets differ: make them equal again (Corvid's copy
        is put on Redis) so the sequence can go on comparing exactly."""
        pair = self.pair
        raw, members = pair.ours.call("SMEMBERS", key)
        if raw[:1] == b"-":
            return
        ours_encoding = pair.ours.call("OBJECT", "ENCODING", key)[0]
        pair.theirs.call("DEL", key)
        if members:
            pair.theirs.call("SADD", key, *members)
        # A rebuilt set may be re-encoded differently by the SADD above; reads still agree.
        (_, o), (_, t) = pair.both(["SCARD", key])
        assert o == t, "seed %d: could not resynchronise %s (%r)" % (pair.seed, key, ours_encoding)


def run_seed(seed, corvid_port, redis_port, protocol):
    gen = Generator(seed)
    with ServerPair(corvid_port, redis_port, seed) as pair:
        if protocol == 3:
            pair.both(["HELLO", "3"])
        pair.both(["DEL"] + gen.keys + [gen.string_key])
        checker = Checker(pair, gen)
        for step in range(STEPS):
            checker.run(step, gen.command())
        for k in gen.keys:
            (_, ours), (_, theirs) = pair.both(["SMEMBERS", k])
            assert canonical_unordered(ours) == canonical_unordered(theirs), "seed %d final contents of %s" % (seed, k)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_sets(seed, corvid_server, redis_server):
    run_seed(seed, corvid_server.port, redis_server.port, protocol=2)


def test_random_sets_resp3(corvid_server, redis_server):
    run_seed(83, corvid_server.port, redis_server.port, protocol=3)
