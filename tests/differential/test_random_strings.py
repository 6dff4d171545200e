"""Seeded random sequences of string commands, replayed on corvid-server and redis-server.

Each seed drives a few hundred commands over a handful of keys whose values drift
between integers, floats, empty, binary and long strings, with every option of every
string command (valid and invalid combinations, bad numbers, overflow). Replies must be
byte-identical, except TTL, where one second of drift between the two servers is allowed
(each server stamps its own deadline). Nothing depends on a deadline passing during the
run: relative expiries are long and absolute ones are either far ahead or long past.
"""

import random

import pytest

from differential.harness import ServerPair

SEEDS = [11, 23, 37, 41, 59]
STEPS = 400
# LCS costs len(a) * len(b); values that grew this long are not compared with it.
LCS_MAX_LENGTH = 2000

VALUES = [
    "0", "1", "-1", "7", "12", "-5", "100", "9223372036854775807", "-9223372036854775808",
    "9223372036854775806", "-9223372036854775807", "9223372036854775808", "4611686018427387904",
    "1.5", "-0.25", "3.0e2", "10.50", "5.", ".5", "1e20", "-1e-5", "0.1", "1e308", "1e4000",
    "", " ", "01", "-0", "+1", " 1", "1 ", "abc", "1e", "nan", "inf", "0x10", "1.5.5",
    "hello world", "\x00\x01\x02", "\xff\xfe", "x" * 44, "y" * 45, "abc" * 30,
    "123456789012345678901234567890",
]
NUMBERS = [
    "0", "1", "-1", "2", "5", "-7", "100", "1000", "-1000", "9223372036854775807",
    "-9223372036854775808", "9223372036854775808", "4611686018427387904", "-4611686018427387904",
    "abc", "1.5", "", " 1", "01",
]
FLOATS = [
    "0", "1", "-1", "0.5", "-0.25", "1.5e3", "1e-3", "3.14159", "1e308", "-1e308", "1e4000", "1e-400",
    "0x10", "inf", "-inf", "nan", "abc", "", " 1", "1e", "100", "-5.5", "12345678901234567890.5",
]
INDEXES = ["0", "1", "2", "3", "5", "10", "-1", "-2", "-5", "-100", "100", "9223372036854775807",
           "-9223372036854775808", "abc", "1.5"]
OFFSETS = ["0", "1", "3", "10", "40", "60", "-1", "abc", "536870912", "9223372036854775807"]
# Relative expiries are long enough never to pass during a run; absolute ones are far
# in the future or long past.
EXPIRES = {
    "EX": ["100", "1000", "100", "3600", "0", "-1", "abc", "9223372036854775807", "9223372036854775"],
    "PX": ["100000", "5000000", "100000", "7200000", "0", "-5", "1.5", "9223372036854775807"],
    "EXAT": ["4102444800", "4102444800", "1", "0", "9223372036854775807", "9223372036854775"],
    "PXAT": ["4102444800000", "4102444800000", "1", "-1", "9223372036854775807"],
}


def key_names(seed):
    prefix = "rnd%d:" % seed
    return [prefix + name for name in ("int", "float", "empty", "long", "a", "b", "c", "{tag}d")]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.keys = key_names(seed)

    def key(self):
        return self.rng.choice(self.keys)

    def value(self):
        r = self.rng.random()
        if r < 0.1:
            return str(self.rng.randint(-10**6, 10**6))
        if r < 0.15:
            return "%.3f" % self.rng.uniform(-1000, 1000)
        return self.rng.choice(VALUES)

    def expire_option(self):
        kind = self.rng.choice(list(EXPIRES))
        return [self.rng.choice([kind, kind.lower()]), self.rng.choice(EXPIRES[kind])]

    def set_options(self):
        pool = [["NX"], ["XX"], ["GET"], ["KEEPTTL"], ["nx"], ["get"], ["keepttl"], ["BOGUS"], ["EX"]]
        options = []
        for _ in range(self.rng.choice([0, 0, 1, 1, 2, 3])):
            if self.rng.random() < 0.45:
                options.extend(self.expire_option())
            else:
                options.extend(self.rng.choice(pool))
        return options

    def getex_options(self):
        options = []
        for _ in range(self.rng.choice([0, 1, 1, 1, 2])):
            r = self.rng.random()
            if r < 0.6:
                options.extend(self.expire_option())
            elif r < 0.9:
                options.append(self.rng.choice(["PERSIST", "persist"]))
            else:
                options.append(self.rng.choice(["KEEPTTL", "NX", "GET", "EX"]))
        return options

    def lcs_options(self):
        options = []
        for _ in range(self.rng.choice([0, 1, 1, 2, 3])):
            r = self.rng.random()
            if r < 0.3:
                options.append("IDX")
            elif r < 0.45:
                options.append("LEN")
            elif r < 0.65:
                options.append("WITHMATCHLEN")
            elif r < 0.95:
                options.extend(["MINMATCHLEN", self.rng.choice(["0", "1", "2", "3", "5", "-1", "abc"])])
            else:
                options.append(self.rng.choice(["MINMATCHLEN", "FOO"]))
        return options

    def command(self):
        rng = self.rng
        name = rng.choice([
            "SET", "SET", "SET", "GET", "GET", "GETEX", "GETDEL", "GETSET", "SETNX", "SETEX", "PSETEX",
            "MSET", "MSETNX", "MGET", "INCR", "DECR", "INCRBY", "DECRBY", "INCRBYFLOAT", "INCRBYFLOAT",
            "APPEND", "STRLEN", "GETRANGE", "SUBSTR", "SETRANGE", "LCS", "TTL", "ARITY",
        ])
        k = self.key()
        if name == "SET":
            return ["SET", k, self.value()] + self.set_options()
        if name in ("GET", "GETDEL", "STRLEN", "INCR", "DECR", "TTL"):
            return [name, k]
        if name == "GETEX":
            return ["GETEX", k] + self.getex_options()
        if name in ("GETSET", "SETNX", "APPEND"):
            return [name, k, self.value()]
        if name == "SETEX":
            return ["SETEX", k, rng.choice(EXPIRES["EX"]), self.value()]
        if name == "PSETEX":
            return ["PSETEX", k, rng.choice(EXPIRES["PX"]), self.value()]
        if name in ("MSET", "MSETNX"):
            args = [name]
            for _ in range(rng.randint(1, 3)):
                args += [self.key(), self.value()]
            if rng.random() < 0.05:
                args.append(self.key())  # odd count: arity error
            return args
        if name == "MGET":
            return ["MGET"] + [self.key() for _ in range(rng.randint(1, 5))]
        if name in ("INCRBY", "DECRBY"):
            return [name, k, rng.choice(NUMBERS)]
        if name == "INCRBYFLOAT":
            return [name, k, rng.choice(FLOATS)]
        if name in ("GETRANGE", "SUBSTR"):
            return [name, k, rng.choice(INDEXES), rng.choice(INDEXES)]
        if name == "SETRANGE":
            return [name, k, rng.choice(OFFSETS), rng.choice(["", "x", "hello", "\x00", "12", "z" * 50])]
        if name == "LCS":
            return ["LCS", k, self.key()] + self.lcs_options()
        # Wrong arity for a random command of the family.
        return rng.choice([["GET"], ["SET", k], ["INCR", k, "1"], ["GETRANGE", k, "0"], ["LCS", k],
                           ["MGET"], ["SETRANGE", k, "0"], ["GETDEL", k, k], ["APPEND", k]])


def same_ttl(raw_ours, ours, raw_theirs, theirs):
    if raw_ours == raw_theirs:
        return True
    if raw_ours[:1] != b":" or raw_theirs[:1] != b":":
        return False
    # Each server stamps its own deadline: rounding may put them a second apart.
    return isinstance(ours, int) and isinstance(theirs, int) and ours > 0 and theirs > 0 and abs(ours - theirs) <= 1


def run_seed(seed, corvid_port, redis_port, protocol):
    gen = Generator(seed)
    with ServerPair(corvid_port, redis_port, seed) as pair:
        if protocol == 3:
            pair.both(["HELLO", "3"])
        for k in gen.keys:
            pair.both(["GETDEL", k])
        for step in range(STEPS):
            args = gen.command()
            if args[0] == "LCS" and len(args) >= 3:
                lengths = [pair.theirs.call("STRLEN", k)[1] for k in args[1:3]]
                if any(not isinstance(n, int) or n > LCS_MAX_LENGTH for n in lengths):
                    continue
            if args[0] == "TTL":
                pair.compare(step, args, same_ttl)
            else:
                pair.compare(step, args, lambda ro, vo, rt, vt: ro == rt)
        # The final state must agree too.
        for k in gen.keys:
            (raw_ours, _), (raw_theirs, _) = pair.both(["GET", k])
            assert raw_ours == raw_theirs, "seed %d final value of %s" % (seed, k)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_strings(seed, corvid_server, redis_server):
    run_seed(seed, corvid_server.port, redis_server.port, protocol=2)


def test_random_strings_resp3(corvid_server, redis_server):
    run_seed(97, corvid_server.port, redis_server.port, protocol=3)
