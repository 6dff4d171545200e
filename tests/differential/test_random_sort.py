"""Seeded random SORT / SORT_RO invocations, replayed on corvid-server and redis-server.

Each seed builds a list, two sets (one all integers), a sorted set, a string and a hash,
plus the keys BY and GET patterns point at (w_<element> strings, h_<element> hashes with
fields f and g, o_<element> strings), and keeps changing them while it sorts with random
BY / LIMIT / GET / ASC / DESC / ALPHA / STORE options in random order.

Replies must be byte-identical, except where Redis leaves the order unspecified: a set
under BY nosort (its storage order), and ALPHA sorts BY a pattern of a set or sorted set,
whose ties keep the order Redis happened to load the members in. Those compare as
multisets of typed elements, the GET results of one element kept together as a group,
without LIMIT (which would pick an unspecified subset).

Values are never out of double range: Redis tests errno after strtod() without clearing
it, so one ERANGE would make later numeric sorts on the connection fail (see sort.txt).
"""

import random

import pytest

from differential.harness import ServerPair
from support.resp import parse_typed

SEEDS = [3, 11, 42, 97]
STEPS = 400

ELEMENTS = [
    "0", "1", "2", "3", "10", "-1", "-7", "01", "1.5", "-0", "0x10", " 4", "+5", "inf", "-inf",
    "a", "b", "B", "ab", "abc", "", "z" * 70, "é", "Ω", "nan", "1e3", "9223372036854775807",
]
NUMBER_ELEMENTS = ["0", "1", "2", "3", "5", "8", "13", "21", "-4", "-9", "100", "1000", "77", "6", "42"]
WEIGHTS = ["0", "1", "-1", "2", "2", "5", "10", "3.25", "-0.5", "1e2", "", " 3", "0x1A", "inf", "-inf",
           "abc", "x", "y", "nan"]
TEXTS = ["a", "b", "c", "a", "B", "", "zz", "é", "10", "9", "1"]
BY_PATTERNS = ["w_*", "w_*", "h_*->f", "h_*->g", "o_*", "nokey_*", "nosort", "h_*->", "w_*->f", "#"]
GET_PATTERNS = ["#", "o_*", "w_*", "h_*->g", "h_*->f", "nokey_*", "fixed", "h_*"]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.list, self.set, self.intset, self.zset, self.string, self.hash, self.missing = (
            "L", "S", "I", "Z", "STR", "H", "M")
        self.sources = [self.list, self.list, self.list, self.set, self.intset, self.zset, self.zset,
                        self.string, self.hash, self.missing]
        self.kinds = {self.list: "list", self.set: "set", self.intset: "set", self.zset: "zset"}

    def element(self, numbers_only=False):
        if numbers_only or self.rng.random() < 0.3:
            return self.rng.choice(NUMBER_ELEMENTS)
        return self.rng.choice(ELEMENTS)

    def elements(self, numbers_only=False):
        count = self.rng.choice([1, 2, 3, 5, 8, 20, 50])
        return [self.element(numbers_only) for _ in range(count)]

    def mutation(self):
        rng = self.rng
        kind = rng.choice(["rpush", "lpush", "lrem", "sadd", "intset", "srem", "zadd", "zrem", "weight",
                           "weight", "hash", "hash", "object", "del", "trim"])
        if kind in ("rpush", "lpush"):
            return [kind.upper(), self.list] + self.elements()
        if kind == "lrem":
            return ["LREM", self.list, "0", self.element()]
        if kind == "trim":
            return ["LTRIM", self.list, "0", str(rng.randint(5, 60))]
        if kind == "sadd":
            return ["SADD", self.set] + self.elements()
        if kind == "intset":
            return ["SADD", self.intset] + self.elements(numbers_only=True)
        if kind == "srem":
            return ["SREM", rng.choice([self.set, self.intset]), self.element(), self.element()]
        if kind == "zadd":
            args = ["ZADD", self.zset]
            for member in self.elements():
                args += [str(rng.choice([0, 1, 1, 2, 3.5, -1, 7])), member]
            return args
        if kind == "zrem":
            return ["ZREM", self.zset, self.element(), self.element()]
        if kind == "weight":
            return ["SET", "w_" + self.element(), rng.choice(WEIGHTS)]
        if kind == "hash":
            return ["HSET", "h_" + self.element(), rng.choice(["f", "g"]),
                    rng.choice(WEIGHTS if rng.random() < 0.5 else TEXTS)]
        if kind == "object":
            return ["SET", "o_" + self.element(), rng.choice(TEXTS) + "!"]
        return ["DEL", rng.choice(["w_", "h_", "o_"]) + self.element()]

    def sort(self):
        """A SORT / SORT_RO command and whether its reply order is specified."""
        rng = self.rng
        source = rng.choice(self.sources)
        read_only = rng.random() < 0.3
        options = []
        if rng.random() < 0.6:
            options.append(["BY", rng.choice(BY_PATTERNS)])
            if rng.random() < 0.1:
                options.append(["BY", rng.choice(BY_PATTERNS)])
        limit = None
        if rng.random() < 0.5:
            offset = rng.choice([0, 0, 1, 2, 3, 5, 10, 30, -1, -100, 9223372036854775807])
            count = rng.choice([0, 1, 2, 3, 5, 10, 40, -1, 9223372036854775807])
            limit = ["LIMIT", str(offset), str(count)]
            options.append(limit)
        for _ in range(rng.choice([0, 0, 1, 1, 2, 3])):
            options.append(["GET", rng.choice(GET_PATTERNS)])
        if rng.random() < 0.5:
            options.append([rng.choice(["ASC", "DESC", "asc", "desc"])])
        if rng.random() < 0.5:
            options.append(["ALPHA"])
        store = None
        if rng.random() < 0.3:
            store = rng.choice(["dst", "dst", self.list, "w_1"])
            options.append(["STORE", store])
        rng.shuffle(options)

        by = [o[1] for o in options if o[0] == "BY"]
        dont_sort = any("*" not in pattern for pattern in by)
        alpha = ["ALPHA"] in options
        kind = self.kinds.get(source)
        ordered = True
        if kind == "set" and dont_sort and store is None:
            ordered = False
        if kind in ("set", "zset") and not dont_sort and alpha and by and "*" in by[-1]:
            ordered = False
        if not ordered and limit is not None:
            options.remove(limit)
        if read_only and store is not None:
            ordered = True  # a syntax error, which stores nothing
            store = None
        if not ordered and store is not None and store != "dst":
            # Keys that are sorted or looked up later must have the same order on both.
            options[options.index(["STORE", store])] = ["STORE", "dst"]
            store = "dst"
        args = ["SORT_RO" if read_only else "SORT", source] + [word for option in options for word in option]
        # Each sorted element gives one reply element per GET (itself without GET): an
        # unordered reply is a multiset of such groups.
        group = max(1, sum(1 for option in options if option[0] == "GET"))
        return args, ordered, store, group

    def probe(self):
        """A read of the results; "dst" may hold a list stored in unspecified order."""
        return self.rng.choice([(["OBJECT", "ENCODING", self.zset], True), (["LRANGE", "dst", "0", "-1"], False),
                                (["TYPE", "dst"], True), (["LRANGE", self.list, "0", "-1"], True),
                                (["EXISTS", "dst"], True)])


def same(raw_ours, value_ours, raw_theirs, value_theirs):
    return raw_ours == raw_theirs


def grouped_form(raw, value, group):
    """A reply in unspecified order as a multiset of its consecutive groups of `group`
    typed elements (the GET results of one sorted element stay together)."""
    kind, body = parse_typed(raw)
    if not isinstance(body, list):
        return (kind, body)
    if len(body) % group:
        return ("ragged", kind, body)
    return (kind, tuple(sorted(repr(body[i:i + group]) for i in range(0, len(body), group))))


def same_multiset(group):
    return lambda raw_ours, value_ours, raw_theirs, value_theirs: \
        grouped_form(raw_ours, value_ours, group) == grouped_form(raw_theirs, value_theirs, group)


def run_seed(seed, corvid_port, redis_port, protocol):
    gen = Generator(seed)
    with ServerPair(corvid_port, redis_port, seed) as pair:
        if protocol == 3:
            pair.both(["HELLO", "3"])
        pair.both(["FLUSHALL"])
        for args in (["SET", gen.string, "x"], ["HSET", gen.hash, "f", "1"], ["RPUSH", gen.list, "3", "1", "2"]):
            pair.both(args)
        dst_ordered = True  # whether "dst" holds a list in a specified order
        dst_group = 1  # and if not, the size of the groups it is a multiset of
        for step in range(STEPS):
            roll = gen.rng.random()
            if roll < 0.35:
                pair.compare(step, gen.mutation(), same)
                continue
            if roll < 0.4:
                args, ordered = gen.probe()
                pair.compare(step, args, same if ordered or dst_ordered else same_multiset(dst_group))
                continue
            args, ordered, store, group = gen.sort()
            replies = []
            judge = same if ordered else same_multiset(group)
            pair.compare(step, args, lambda ro, vo, rt, vt: replies.append(ro) is None and judge(ro, vo, rt, vt))
            if store is not None and replies[0][:1] == b":":
                if store == "dst":
                    dst_ordered, dst_group = ordered, group
                pair.compare(step, ["LRANGE", store, "0", "-1"], judge)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_sort(seed, corvid_server, redis_server):
    run_seed(seed, corvid_server.port, redis_server.port, protocol=2)


def test_random_sort_resp3(corvid_server, redis_server):
    run_seed(29, corvid_server.port, redis_server.port, protocol=3)


# Values and patterns with NUL bytes, which Redis reads as C strings in places: ALPHA
# compares up to the NUL (ties keep their order) except with STORE, strtod() stops there,
# and the "#", '*' and "->" of patterns are searched for before it.
BINARY_COMMANDS = [
    [b"RPUSH", b"bl", b"a\x00c", b"a\x00b", b"a", b"a\x00a", b"b\x00", b"\x00z", b"\xff", b"\xc3\xa9"],
    [b"SORT", b"bl", b"ALPHA"],
    [b"SORT", b"bl", b"ALPHA", b"DESC"],
    [b"SORT", b"bl", b"ALPHA", b"STORE", b"bdst"],
    [b"LRANGE", b"bdst", b"0", b"-1"],
    [b"SORT", b"bl"],
    [b"RPUSH", b"bn", b"1\x00x", b"2", b"\x003", b"0"],
    [b"SORT", b"bn"],
    [b"SORT", b"bn", b"DESC"],
    [b"MSET", b"w_a\x00c", b"3", b"w_a\x00b", b"1", b"w_a", b"2", b"o_a\x00b", b"ob"],
    [b"SORT", b"bl", b"BY", b"w_*"],
    [b"SORT", b"bl", b"BY", b"w_*", b"GET", b"o_*", b"GET", b"#"],
    [b"SORT", b"bl", b"GET", b"#\x00", b"GET", b"#\x00x"],
    [b"SORT", b"bl", b"GET", b"w\x00_*"],
    [b"SORT", b"bl", b"BY", b"no\x00*", b"GET", b"#"],
    [b"HSET", b"h_a", b"f\x00g", b"1", b"f", b"2"],
    [b"SORT", b"bl", b"GET", b"h_*->f\x00g", b"GET", b"h_*->\x00", b"GET", b"h_*\x00->f"],
    [b"MSET", b"x_a", b"xa", b"x_\x00", b"x0"],
    [b"SORT", b"bl", b"ALPHA", b"BY", b"x_*", b"LIMIT", b"0", b"3"],
    [b"SORT", b"bl", b"ALPHA", b"BY", b"w_*", b"LIMIT", b"1", b"3", b"STORE", b"bdst"],
    [b"LRANGE", b"bdst", b"0", b"-1"],
]


def test_sort_binary_values(corvid_server, redis_server):
    with ServerPair(corvid_server.port, redis_server.port, 0) as pair:
        pair.both(["FLUSHALL"])
        for step, args in enumerate(BINARY_COMMANDS):
            pair.compare(step, args, same)
