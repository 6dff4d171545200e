"""Seeded random sequences of list commands, replayed on corvid-server and redis-server.

Each seed drives a few hundred commands over four keys (one of them sometimes a string or
a hash, for WRONGTYPE) with a small pool of elements that repeat (so LREM, LPOS and
LINSERT find matches), integers in the listpack's integer forms, and elements of a few KB
that overflow listpack nodes. Every seed runs with its own list-max-listpack-size, so the
node splitting and merging of both positive (count) and negative (size) limits is
exercised; the replies must be byte-identical. Some seeds also set list-compress-depth,
so that commands reach elements in LZF-compressed inner nodes (long text elements
compress well).
"""

import random

import pytest

from differential.harness import ServerPair

STEPS = 600
# (seed, list-max-listpack-size, list-compress-depth)
SEEDS = [(3, -2, 0), (11, 2, 0), (23, 5, 0), (37, -1, 0), (41, 1, 0), (53, -5, 0),
         (61, -2, 1), (67, 3, 1), (73, 128, 2), (79, -1, 3)]

ELEMENTS = [
    "a", "b", "c", "a", "", "0", "1", "-1", "01", "-0", "127", "128", "4095", "-4096", "4096",
    "9223372036854775807", "-9223372036854775808", "9223372036854775808", "x" * 63, "y" * 64,
]
BIG = ["B" * 1000, "C" * 3000, "D" * 5000, "E" * 9000,
       "the quick brown fox jumps over the lazy dog " * 30, "lorem ipsum dolor sit amet " * 12]
INDEXES = ["0", "1", "2", "-1", "-2", "-3", "5", "10", "-10", "100", "-100", "x", "9223372036854775807",
           "-9223372036854775808"]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.keys = ["rl%d:%s" % (seed, name) for name in ("a", "b", "c", "other")]

    def element(self):
        r = self.rng.random()
        if r < 0.08:
            return self.rng.choice(BIG)
        if r < 0.2:
            return str(self.rng.randint(-5000, 5000))
        return self.rng.choice(ELEMENTS)

    def index(self):
        if self.rng.random() < 0.5:
            return str(self.rng.randint(-30, 30))
        return self.rng.choice(INDEXES)

    def end(self):
        return self.rng.choice(["LEFT", "RIGHT", "left", "Right", "UP"] if self.rng.random() < 0.05 else
                               ["LEFT", "RIGHT"])

    def command(self):
        rng = self.rng
        k = rng.choice(self.keys)
        name = rng.choice([
            "LPUSH", "RPUSH", "LPUSH", "RPUSH", "RPUSH", "LPUSHX", "RPUSHX", "LPOP", "RPOP", "LLEN", "LINDEX",
            "LRANGE", "LRANGE", "LSET", "LINSERT", "LINSERT", "LREM", "LTRIM", "LPOS", "LPOS", "LMOVE",
            "RPOPLPUSH", "LMPOP", "OTHER", "TYPE", "ENCODING", "ARITY",
        ])
        if name in ("LPUSH", "RPUSH", "LPUSHX", "RPUSHX"):
            return [name, k] + [self.element() for _ in range(rng.randint(1, 12))]
        if name in ("LPOP", "RPOP"):
            r = rng.random()
            if r < 0.4:
                return [name, k]
            if r < 0.9:
                return [name, k, str(rng.randint(0, 6))]
            return [name, k, rng.choice(["-1", "x", "9223372036854775807"])]
        if name in ("LLEN", "TYPE"):
            return [name, k]
        if name == "LINDEX":
            return [name, k, self.index()]
        if name == "LRANGE":
            return [name, k, self.index(), self.index()]
        if name == "LSET":
            return [name, k, self.index(), self.element()]
        if name == "LINSERT":
            where = rng.choice(["BEFORE", "AFTER", "before", "after", "MIDDLE"] if rng.random() < 0.1 else
                               ["BEFORE", "AFTER"])
            return [name, k, where, self.element(), self.element()]
        if name == "LREM":
            return [name, k, str(rng.randint(-3, 3)), self.element()]
        if name == "LTRIM":
            return [name, k, self.index(), self.index()]
        if name == "LPOS":
            args = [name, k, self.element()]
            for option in rng.sample(["RANK", "COUNT", "MAXLEN"], rng.randint(0, 3)):
                if option == "RANK":
                    args += ["RANK", rng.choice(["1", "2", "-1", "-2", "3", "0"])]
                else:
                    args += [option, rng.choice(["0", "1", "2", "5", "-1"])]
            return args
        if name == "LMOVE":
            return [name, k, rng.choice(self.keys), self.end(), self.end()]
        if name == "RPOPLPUSH":
            return [name, k, rng.choice(self.keys)]
        if name == "LMPOP":
            keys = rng.sample(self.keys, rng.randint(1, 4))
            args = [name, str(len(keys))] + keys + [self.end()]
            if rng.random() < 0.6:
                args += ["COUNT", rng.choice(["1", "2", "3", "10", "0"])]
            return args
        if name == "OTHER":
            if rng.random() < 0.5:
                return ["SET", self.keys[3], "str"]
            return ["HSET", self.keys[3], "f", "v"]
        if name == "ENCODING":
            return ["OBJECT", "ENCODING", k]
        return rng.choice([["LPUSH", k], ["LPOP", k, "1", "2"], ["LINSERT", k, "BEFORE", "a"], ["LMPOP", "1", k],
                           ["LSET", k, "0"], ["LPOS", k]])


def run_seed(seed, fill, corvid_port, redis_port, protocol, depth=0):
    gen = Generator(seed)
    with ServerPair(corvid_port, redis_port, seed) as pair:
        if protocol == 3:
            pair.both(["HELLO", "3"])
        pair.both(["DEL"] + gen.keys)
        pair.both(["CONFIG", "SET", "list-max-listpack-size", str(fill)])
        pair.both(["CONFIG", "SET", "list-compress-depth", str(depth)])
        try:
            for step in range(STEPS):
                args = gen.command()
                pair.compare(step, args, lambda ro, vo, rt, vt: ro == rt)
            for k in gen.keys:
                (raw_ours, _), (raw_theirs, _) = pair.both(["LRANGE", k, "0", "-1"])
                assert raw_ours == raw_theirs, "seed %d final contents of %s" % (seed, k)
        finally:
            pair.both(["CONFIG", "SET", "list-max-listpack-size", "-2"])
            pair.both(["CONFIG", "SET", "list-compress-depth", "0"])
            pair.both(["DEL"] + gen.keys)


@pytest.mark.parametrize("seed,fill,depth", SEEDS)
def test_random_lists(seed, fill, depth, corvid_server, redis_server):
    run_seed(seed, fill, corvid_server.port, redis_server.port, protocol=2, depth=depth)


def test_random_lists_resp3(corvid_server, redis_server):
    run_seed(71, 3, corvid_server.port, redis_server.port, protocol=3)
