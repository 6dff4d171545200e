"""Seeded random sequences of bitmap and HyperLogLog commands on corvid-server and redis-server.

A few keys are written by SETBIT, BITFIELD, BITOP, SETRANGE and APPEND (so bitmaps come
from every writer), by PFADD and PFMERGE (so HyperLogLogs go through sparse, dense and
merged forms, with hll-sparse-max-bytes varied), and are read by every bitmap reader, by
PFCOUNT and by GET: a HyperLogLog's bytes must be identical on both servers, and so must
every reply, errors included (a bitmap read as a HyperLogLog, a HyperLogLog as a bitmap).
"""

import random

import pytest

from differential.harness import ServerPair

SEEDS = [3, 17, 29, 71]
STEPS = 300

OFFSETS = ["0", "1", "7", "8", "15", "63", "64", "100", "1000", "4095", "-1", "abc", "4294967296"]
RANGE_ENDS = ["0", "1", "2", "-1", "-2", "-10", "5", "100", "abc"]
TYPES = ["i1", "u1", "i4", "u4", "i8", "u8", "i16", "u16", "i32", "u31", "i63", "i64", "u63", "u64", "x8"]
FIELD_OFFSETS = ["0", "3", "8", "13", "#0", "#1", "#5", "100", "-1"]
FIELD_VALUES = ["0", "1", "-1", "7", "-8", "127", "128", "-129", "255", "65535", "9223372036854775807",
                "-9223372036854775808", "abc"]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        prefix = "bh%d:" % seed
        self.bitmaps = [prefix + name for name in ("a", "b", "c")]
        self.hlls = [prefix + name for name in ("h1", "h2", "h3")]
        self.keys = self.bitmaps + self.hlls + [prefix + "list"]

    def pick(self, items):
        return self.rng.choice(items)

    def key(self, hll=False):
        # Mostly the right kind of key; sometimes another, to reach the type errors.
        if self.rng.random() < 0.1:
            return self.pick(self.keys)
        return self.pick(self.hlls if hll else self.bitmaps)

    def elements(self):
        count = self.rng.choice([0, 1, 3, 10, 50, 200])
        return ["e%d" % self.rng.randint(0, 5000) for _ in range(count)]

    def bitfield_ops(self, read_only):
        ops = []
        for _ in range(self.rng.randint(1, 4)):
            kind = "GET" if read_only else self.pick(["GET", "SET", "INCRBY", "OVERFLOW", "GET"])
            if kind == "OVERFLOW":
                ops += ["OVERFLOW", self.pick(["WRAP", "SAT", "FAIL", "nope"])]
            elif kind == "GET":
                ops += ["GET", self.pick(TYPES), self.pick(FIELD_OFFSETS)]
            else:
                ops += [kind, self.pick(TYPES), self.pick(FIELD_OFFSETS), self.pick(FIELD_VALUES)]
        return ops

    def command(self):
        r = self.rng.random()
        if r < 0.15:
            return ["SETBIT", self.key(), self.pick(OFFSETS), self.pick(["0", "1", "1", "2"])]
        if r < 0.22:
            return ["GETBIT", self.key(), self.pick(OFFSETS)]
        if r < 0.30:
            args = ["BITCOUNT", self.key()]
            if self.rng.random() < 0.7:
                args += [self.pick(RANGE_ENDS), self.pick(RANGE_ENDS)]
                if self.rng.random() < 0.5:
                    args.append(self.pick(["BYTE", "BIT", "bit"]))
            return args
        if r < 0.37:
            args = ["BITPOS", self.key(), self.pick(["0", "1"])]
            for _ in range(self.rng.choice([0, 1, 2])):
                args.append(self.pick(RANGE_ENDS))
            if len(args) == 5 and self.rng.random() < 0.5:
                args.append(self.pick(["BYTE", "BIT"]))
            return args
        if r < 0.43:
            op = self.pick(["AND", "OR", "XOR", "NOT", "and"])
            sources = [self.key() for _ in range(1 if op == "NOT" else self.rng.randint(1, 3))]
            return ["BITOP", op, self.key()] + sources
        if r < 0.52:
            return ["BITFIELD", self.key()] + self.bitfield_ops(False)
        if r < 0.55:
            return ["BITFIELD_RO", self.key()] + self.bitfield_ops(True)
        if r < 0.58:
            return ["SETRANGE", self.key(), self.pick(["0", "3", "10"]), self.pick(["\xff", "ab", "\x00"])]
        if r < 0.60:
            return ["APPEND", self.key(), self.pick(["x", "\x01\x02"])]
        if r < 0.75:
            return ["PFADD", self.key(hll=True)] + self.elements()
        if r < 0.85:
            return ["PFCOUNT"] + [self.key(hll=True) for _ in range(self.rng.randint(1, 3))]
        if r < 0.90:
            return ["PFMERGE", self.key(hll=True)] + [self.key(hll=True) for _ in range(self.rng.randint(0, 2))]
        if r < 0.92:
            return ["CONFIG", "SET", "hll-sparse-max-bytes", self.pick(["0", "60", "300", "3000"])]
        if r < 0.94:
            return ["DEL", self.pick(self.keys)]
        if r < 0.96:
            return ["RPUSH", self.keys[-1], "x"]
        return ["GET", self.pick(self.keys)]


def run_seed(seed, corvid_port, redis_port, protocol):
    gen = Generator(seed)
    with ServerPair(corvid_port, redis_port, seed) as pair:
        if protocol == 3:
            pair.both(["HELLO", "3"])
        for k in gen.keys:
            pair.both(["DEL", k])
        try:
            for step in range(STEPS):
                pair.compare(step, gen.command(), lambda ro, vo, rt, vt: ro == rt)
            for k in gen.keys:
                pair.compare(STEPS, ["GET", k], lambda ro, vo, rt, vt: ro == rt)
        finally:
            pair.both(["CONFIG", "SET", "hll-sparse-max-bytes", "3000"])


@pytest.mark.parametrize("seed", SEEDS)
def test_random_bitmaps_and_hyperloglogs(seed, corvid_server, redis_server):
    run_seed(seed, corvid_server.port, redis_server.port, protocol=2)


def test_random_bitmaps_and_hyperloglogs_resp3(corvid_server, redis_server):
    run_seed(131, corvid_server.port, redis_server.port, protocol=3)
