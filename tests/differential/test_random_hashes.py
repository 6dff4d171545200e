"""Seeded random sequences of hash commands, replayed on corvid-server and redis-server.

Each seed drives a few hundred commands over four keys (one of them sometimes a string,
for WRONGTYPE) and about ten fields whose values drift between integers, floats, text and
values long enough to force the hashtable encoding. Replies must be byte-identical, except
HGETALL/HKEYS/HVALS, whose order Redis leaves unspecified: those compare as multisets of
typed elements (HGETALL as field/value pairs, so a swapped field and value differ).

Between steps, a generator of its own (so that each seed's main sequence is unchanged)
draws with HRANDFIELD. Each server's draw is checked against the hash both held before it
(HGETALL, which must agree): a single draw is a field, a positive count gives
min(count, size) distinct fields, a negative count exactly |count| fields, and WITHVALUES
pairs each field with its own value. Errors, missing keys and a zero count are
byte-identical.
"""

import random

import pytest

from differential import draws
from differential.harness import ServerPair
from support.resp import comparable, parse_typed

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


def same(args, raw_ours, value_ours, raw_theirs, value_theirs):
    if args[0] == "HGETALL":
        return comparable(raw_ours, "pairs") == comparable(raw_theirs, "pairs")
    if args[0] in UNORDERED:
        return comparable(raw_ours, "unordered") == comparable(raw_theirs, "unordered")
    return raw_ours == raw_theirs


# HRANDFIELD draws come from their own generator, between the steps of the main one, so
# that the main sequence of each seed stays what it was.
DRAW_RATE = 0.1
DRAW_COUNTS = ["1", "2", "3", "5", "20", "-1", "-4", "-20", "0", "x"]


def draw_command(rng, keys):
    args = ["HRANDFIELD", rng.choice(keys)]
    form = rng.random()
    if form < 0.3:
        return args
    args.append(rng.choice(DRAW_COUNTS))
    if form < 0.65:
        args.append("WITHVALUES")
    return args


def field_value_pairs(node, nested):
    """(field, value) typed nodes of a flat field/value array or map (nested=False) or of
    an array of two-element arrays (HRANDFIELD WITHVALUES in RESP3). A string instead says
    why the reply has another shape."""
    kind, body = node
    if not isinstance(body, list):
        return "not an aggregate: %r" % (node,)
    if nested:
        if kind != b"*" or any(c[0] != b"*" or not isinstance(c[1], list) or len(c[1]) != 2 for c in body):
            return "not an array of pairs: %r" % (node,)
        pairs = [tuple(c[1]) for c in body]
    else:
        if len(body) % 2:
            return "odd length %d" % len(body)
        pairs = [(body[i], body[i + 1]) for i in range(0, len(body), 2)]
    for field, value in pairs:
        if field[0] != b"$" or field[1] is None or value[0] != b"$" or value[1] is None:
            return "not bulk strings: %r %r" % (field, value)
    return pairs


def wrong_draw(node, before, count, withvalues, protocol):
    """Why `node`, a reply to HRANDFIELD on a hash holding `before` (field -> typed value,
    not empty), is not a possible draw, or None. `count` is None or a non-zero int."""
    if count is None:
        return draws.single_pick(node, before, "field")
    if withvalues:
        pairs = field_value_pairs(node, nested=protocol == 3)
        if isinstance(pairs, str):
            return pairs
        if node[0] != b"*":
            return "not an array: %r" % (node,)
        picks = draws.paired_picks(pairs, before, "field", "value")
    else:
        picks = draws.bulk_picks(node, before, "field")
    if isinstance(picks, str):
        return picks
    return draws.count_problem(picks, count, len(before), "field")


def run_draw(pair, step, args, protocol):
    """HRANDFIELD, checked on both servers against the hash they held before it (HGETALL,
    which must agree as field/value pairs). Where chance plays no part (errors, a missing
    key, a zero count) the replies must be byte-identical."""
    def same_contents(raw_ours, value_ours, raw_theirs, value_theirs):
        if comparable(raw_ours, "pairs") != comparable(raw_theirs, "pairs"):
            return "the two servers hold different hashes"
        if raw_ours[:1] == b"-":
            return None
        pairs = field_value_pairs(parse_typed(raw_ours), nested=False)
        if isinstance(pairs, str):
            return pairs
        if len({field[1] for field, _ in pairs}) != len(pairs):
            return "HGETALL repeats a field"
        return None

    ours, _ = pair.compare_checked(step, ["HGETALL", args[1]], same_contents)
    before = None
    if ours[0][:1] != b"-":
        before = {field[1]: value for field, value in field_value_pairs(parse_typed(ours[0]), nested=False)}
    count = None
    if len(args) > 2:
        count = int(args[2]) if args[2].lstrip("-").isdigit() else "bad"
    determined = not before or count in (0, "bad")

    def check(raw_ours, value_ours, raw_theirs, value_theirs):
        if determined or raw_ours[:1] == b"-" or raw_theirs[:1] == b"-":
            return None if raw_ours == raw_theirs else "a reply chance plays no part in differs"
        for server, raw, value in (("corvid", raw_ours, value_ours), ("redis", raw_theirs, value_theirs)):
            why = wrong_draw(parse_typed(raw), before, count, "WITHVALUES" in args, protocol)
            if why:
                return "%s: %s" % (server, why)
        return None

    pair.compare_checked(step, args, check)


def run_seed(seed, corvid_port, redis_port, protocol):
    gen = Generator(seed)
    draws = random.Random(seed * 1000 + 1)
    with ServerPair(corvid_port, redis_port, seed) as pair:
        if protocol == 3:
            pair.both(["HELLO", "3"])
        pair.both(["DEL"] + gen.keys)
        for step in range(STEPS):
            args = gen.command()
            pair.compare(step, args, lambda ro, vo, rt, vt: same(args, ro, vo, rt, vt))
            if draws.random() < DRAW_RATE:
                run_draw(pair, step, draw_command(draws, gen.keys), protocol)
        for k in gen.keys:
            (raw_ours, _), (raw_theirs, _) = pair.both(["HGETALL", k])
            assert comparable(raw_ours, "pairs") == comparable(raw_theirs, "pairs"), \
                "seed %d final contents of %s" % (seed, k)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_hashes(seed, corvid_server, redis_server):
    run_seed(seed, corvid_server.port, redis_server.port, protocol=2)


def test_random_hashes_resp3(corvid_server, redis_server):
    run_seed(71, corvid_server.port, redis_server.port, protocol=3)
