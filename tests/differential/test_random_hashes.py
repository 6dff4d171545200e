"""Seeded random sequences of hash commands, replayed on corvid-server and redis-server.

Each seed drives a few hundred commands over four keys (one of them sometimes a string,
for WRONGTYPE) and about ten fields whose values drift between integers, floats, text and
values long enough to force the hashtable encoding. Replies must be byte-identical, except
HGETALL/HKEYS/HVALS, whose order Redis leaves unspecified: those compare as multisets
(HGETALL as field/value pairs).
"""

import random

import pytest

from differential.harness import ServerPair
from support.resp import canonical_unordered

SEEDS = [5, 17, 29]
STEPS = 300

FIELDS = ["a", "b", "c", "n1", "n2", "f", "0", "-1", "", "x" * 70]
VALUES = [
    "0", "1", "-1", "7", "-0", "01", "+1", " 1", "10.5", "1e3", "abc", "", "inf",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "v" * 64, "w" * 65,
]
INTS = ["0", "1", "-1", "5", "-100", "9223372036854775807", "-9223372036854775808", "abc", "1.5", "", "01"]
FLOATS = ["0", "1", "-1", "0.5", "-0.25", "1.5e3", "1e-3", "1e308", "-1e308", "inf", "nan", "abc", "", "0x10"]
UNORDERED = {"HGETALL", "HKEYS", "HVALS"}


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.keys = ["rh%d:%s" % (seed, name) for name in ("a", "b", "c", "str")]

    def field(self):
        return self.rng.choice(FIELDS)

    def value(self):
        if self.rng.random() < 0.2:
            return str(self.rng.randint(-1000, 1000))
        return self.rng.choice(VALUES)

    def command(self):
        rng = self.rng
        k = rng.choice(self.keys)
        name = rng.choice([
            "HSET", "HSET", "HSET", "HMSET", "HSETNX", "HGET", "HGET", "HMGET", "HDEL", "HDEL", "HLEN",
            "HSTRLEN", "HEXISTS", "HGETALL", "HKEYS", "HVALS", "HINCRBY", "HINCRBY", "HINCRBYFLOAT",
            "HINCRBYFLOAT", "SET", "TYPE", "ENCODING", "ARITY",
        ])
        if name in ("HSET", "HMSET"):
            args = [name, k]
            for _ in range(rng.randint(1, 4)):
                args += [self.field(), self.value()]
            return args
        if name == "HSETNX":
            return [name, k, self.field(), self.value()]
        if name in ("HGET", "HSTRLEN", "HEXISTS"):
            return [name, k, self.field()]
        if name in ("HMGET", "HDEL"):
            return [name, k] + [self.field() for _ in range(rng.randint(1, 4))]
        if name in ("HLEN", "HGETALL", "HKEYS", "HVALS", "TYPE"):
            return [name, k]
        if name == "HINCRBY":
            return [name, k, self.field(), rng.choice(INTS)]
        if name == "HINCRBYFLOAT":
            return [name, k, self.field(), rng.choice(FLOATS)]
        if name == "SET":
            return ["SET", self.keys[3], self.value()]
        if name == "ENCODING":
            return ["OBJECT", "ENCODING", k]
        return rng.choice([["HSET", k, "f"], ["HGET", k], ["HINCRBY", k, "f"], ["HMSET", k, "a", "1", "b"]])


def pairs(value):
    """HGETALL's RESP2 flat array as a multiset of field/value pairs."""
    if isinstance(value, list) and type(value) is list:
        return sorted(zip(value[0::2], value[1::2]))
    return canonical_unordered(value)


def same(args, raw_ours, value_ours, raw_theirs, value_theirs):
    if args[0] == "HGETALL":
        return pairs(value_ours) == pairs(value_theirs) and raw_ours[:1] == raw_theirs[:1]
    if args[0] in UNORDERED:
        return canonical_unordered(value_ours) == canonical_unordered(value_theirs) and raw_ours[:1] == raw_theirs[:1]
    return raw_ours == raw_theirs


def run_seed(seed, corvid_port, redis_port, protocol):
    gen = Generator(seed)
    with ServerPair(corvid_port, redis_port, seed) as pair:
        if protocol == 3:
            pair.both(["HELLO", "3"])
        pair.both(["DEL"] + gen.keys)
        for step in range(STEPS):
            args = gen.command()
            pair.compare(step, args, lambda ro, vo, rt, vt: same(args, ro, vo, rt, vt))
        for k in gen.keys:
            (_, value_ours), (_, value_theirs) = pair.both(["HGETALL", k])
            assert canonical_unordered(value_ours) == canonical_unordered(value_theirs), \
                "seed %d final contents of %s" % (seed, k)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_hashes(seed, corvid_server, redis_server):
    run_seed(seed, corvid_server.port, redis_server.port, protocol=2)


def test_random_hashes_resp3(corvid_server, redis_server):
    run_seed(71, corvid_server.port, redis_server.port, protocol=3)
