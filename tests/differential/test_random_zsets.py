"""Seeded random sequences of sorted-set commands, replayed on corvid-server and redis-server.

Each seed drives a few hundred commands over keys that are sometimes small (listpack),
sometimes pushed past 128 members or given a long member (skiplist), one string key for
WRONGTYPE and one plain set as a ZUNION/ZINTER input. Member-interval commands only target
a key whose scores are all equal, where Redis defines their result. Replies must be
byte-identical, except ZSCAN, compared as the set of typed member/score pairs a full cursor
walk returns, and ZRANDMEMBER, where chance decides: each server's draw is checked against
the sorted set both held before it (ZRANGE 0 -1 WITHSCORES, byte-identical): a single draw
is a member, a positive count gives min(count, size) distinct members, a negative count
exactly |count| members, and WITHSCORES pairs each member with its own score, typed as
ZRANGE types it. Errors and missing keys are byte-identical.
"""

import random

import pytest

from differential import draws
from differential.harness import Mismatch, ServerPair
from support.resp import parse_typed

SEEDS = [3, 19, 47]
STEPS = 400

MEMBERS = ["a", "b", "c", "d", "e", "f", "0", "-1", "10", "", "m" * 65, "x y"]
SCORES = ["0", "1", "-1", "2", "2.5", "-0.5", "10", "1e3", "-0", "+inf", "-inf", "3", "7", "(1"]
BAD_SCORES = ["abc", "nan", "", "1x"]
BOUNDS = ["-inf", "+inf", "0", "1", "(1", "2.5", "(2.5", "10", "-1", "(-inf", "abc", "(nan"]
LEX_BOUNDS = ["-", "+", "[a", "(a", "[c", "(c", "[f", "[", "(", "a", "[m"]
INDEXES = ["0", "1", "-1", "2", "-2", "5", "-100", "100", "a"]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        p = "rz%d:" % seed
        self.zkeys = [p + "a", p + "b", p + "c"]
        self.lex = p + "lex"
        self.str = p + "str"
        self.set = p + "set"
        self.dst = p + "dst"
        self.keys = self.zkeys + [self.lex, self.str, self.set, self.dst]

    def member(self):
        return self.rng.choice(MEMBERS)

    def score(self):
        if self.rng.random() < 0.05:
            return self.rng.choice(BAD_SCORES)
        if self.rng.random() < 0.3:
            return str(self.rng.randint(-20, 20))
        return self.rng.choice([s for s in SCORES if not s.startswith("(")])

    def any_key(self):
        # Not the member-interval key: its scores must stay equal.
        return self.rng.choice(self.zkeys + self.zkeys + [self.str, self.set, self.dst])

    def sources(self):
        n = self.rng.randint(1, 3)
        return [str(n)] + [self.rng.choice(self.zkeys + [self.set, self.lex, self.str, "nokey"]) for _ in range(n)]

    def setop_options(self, n, store, op):
        rng = self.rng
        opts = []
        if op != "DIFF" and rng.random() < 0.4:
            opts += ["WEIGHTS"] + [rng.choice(["1", "2", "-1", "0.5", "0", "x"]) for _ in range(n)]
        if op != "DIFF" and rng.random() < 0.4:
            opts += ["AGGREGATE", rng.choice(["SUM", "MIN", "MAX", "avg"])]
        if not store and rng.random() < 0.6:
            opts.append("WITHSCORES")
        return opts

    def command(self):
        rng = self.rng
        k = self.any_key()
        name = rng.choice([
            "ZADD", "ZADD", "ZADD", "ZADD", "ZADDBULK", "ZINCRBY", "ZSCORE", "ZMSCORE", "ZCARD", "ZCOUNT", "ZRANK",
            "ZREVRANK", "ZRANGE", "ZRANGE", "ZRANGEBYSCORE", "ZREVRANGEBYSCORE", "ZREVRANGE", "ZRANGESTORE", "ZREM",
            "ZREMRANGEBYRANK", "ZREMRANGEBYSCORE", "ZPOPMIN", "ZPOPMAX", "ZMPOP", "LEX", "LEX", "SETOP", "SETOP",
            "ZRANDMEMBER", "SET", "SADD", "TYPE", "ENCODING",
        ])
        if name == "ZADD":
            flags = [f for f in ["NX", "XX", "GT", "LT", "CH", "INCR"] if rng.random() < 0.12]
            pairs = 1 if "INCR" in flags and rng.random() < 0.9 else rng.randint(1, 4)
            args = ["ZADD", k] + flags
            for _ in range(pairs):
                args += [self.score(), self.member()]
            return args
        if name == "ZADDBULK":
            base = rng.randint(0, 1000)
            args = ["ZADD", rng.choice(self.zkeys)]
            for i in range(rng.randint(100, 140)):
                args += [str(rng.randint(-50, 50)), "n%d" % (base + i)]
            return args
        if name == "ZINCRBY":
            return ["ZINCRBY", k, self.score(), self.member()]
        if name in ("ZSCORE", "ZRANK", "ZREVRANK"):
            return [name, k, self.member()]
        if name == "ZMSCORE":
            return [name, k] + [self.member() for _ in range(rng.randint(1, 4))]
        if name in ("ZCARD", "TYPE"):
            return [name, k]
        if name == "ZCOUNT":
            return [name, k, rng.choice(BOUNDS), rng.choice(BOUNDS)]
        if name == "ZRANGE":
            by = rng.choice(["", "", "BYSCORE"])
            lo, hi = (rng.choice(BOUNDS), rng.choice(BOUNDS)) if by else (rng.choice(INDEXES), rng.choice(INDEXES))
            args = ["ZRANGE", k, lo, hi]
            if by:
                args.append(by)
            if rng.random() < 0.4:
                args.append("REV")
            if by and rng.random() < 0.4:
                args += ["LIMIT", rng.choice(["0", "1", "2", "-1"]), rng.choice(["1", "3", "-1", "0"])]
            if rng.random() < 0.5:
                args.append("WITHSCORES")
            return args
        if name in ("ZRANGEBYSCORE", "ZREVRANGEBYSCORE"):
            args = [name, k, rng.choice(BOUNDS), rng.choice(BOUNDS)]
            if rng.random() < 0.5:
                args.append("WITHSCORES")
            if rng.random() < 0.3:
                args += ["LIMIT", rng.choice(["0", "1", "-1"]), rng.choice(["2", "-1", "0"])]
            return args
        if name == "ZREVRANGE":
            return [name, k, rng.choice(INDEXES), rng.choice(INDEXES)] + (["WITHSCORES"] if rng.random() < 0.5 else [])
        if name == "ZRANGESTORE":
            src = rng.choice(self.zkeys + [self.str, "nokey"])
            if rng.random() < 0.5:
                return ["ZRANGESTORE", self.dst, src, rng.choice(INDEXES), rng.choice(INDEXES)]
            return ["ZRANGESTORE", self.dst, src, rng.choice(BOUNDS), rng.choice(BOUNDS), "BYSCORE"]
        if name == "ZREM":
            return [name, k] + [self.member() for _ in range(rng.randint(1, 3))]
        if name == "ZREMRANGEBYRANK":
            return [name, k, rng.choice(INDEXES), rng.choice(INDEXES)]
        if name == "ZREMRANGEBYSCORE":
            return [name, k, rng.choice(BOUNDS), rng.choice(BOUNDS)]
        if name in ("ZPOPMIN", "ZPOPMAX"):
            return [name, k] + ([rng.choice(["0", "1", "2", "5", "-1"])] if rng.random() < 0.6 else [])
        if name == "ZMPOP":
            keys = [rng.choice(self.zkeys + [self.str, "nokey"]) for _ in range(rng.randint(1, 2))]
            args = ["ZMPOP", str(len(keys))] + keys + [rng.choice(["MIN", "MAX"])]
            if rng.random() < 0.5:
                args += ["COUNT", rng.choice(["1", "3", "0"])]
            return args
        if name == "LEX":
            sub = rng.choice(["ZADD", "ZADD", "ZRANGEBYLEX", "ZREVRANGEBYLEX", "ZLEXCOUNT", "ZREMRANGEBYLEX", "ZRANGE"])
            if sub == "ZADD":
                return ["ZADD", self.lex] + sum([["0", self.member()] for _ in range(rng.randint(1, 3))], [])
            lo, hi = rng.choice(LEX_BOUNDS), rng.choice(LEX_BOUNDS)
            if sub == "ZRANGE":
                return ["ZRANGE", self.lex, lo, hi, "BYLEX"] + (["REV"] if rng.random() < 0.5 else [])
            args = [sub, self.lex, lo, hi]
            if sub in ("ZRANGEBYLEX", "ZREVRANGEBYLEX") and rng.random() < 0.3:
                args += ["LIMIT", rng.choice(["0", "1"]), rng.choice(["2", "-1"])]
            return args
        if name == "SETOP":
            op = rng.choice(["UNION", "INTER", "DIFF"])
            store = rng.random() < 0.4
            srcs = self.sources()
            n = int(srcs[0])
            if rng.random() < 0.15:
                return ["ZINTERCARD"] + srcs + (["LIMIT", rng.choice(["0", "1", "2"])] if rng.random() < 0.5 else [])
            opts = self.setop_options(n, store, op)
            if store:
                return ["Z%sSTORE" % op, self.dst] + srcs + opts
            return ["Z%s" % op] + srcs + opts
        if name == "ZRANDMEMBER":
            return ["ZRANDMEMBER", k] + rng.choice([[], ["2"], ["-3"], ["3", "WITHSCORES"], ["-2", "WITHSCORES"]])
        if name == "SET":
            return ["SET", self.str, "v"]
        if name == "SADD":
            return ["SADD", self.set] + [self.member() for _ in range(rng.randint(1, 3))]
        # Only sorted sets: the set type's encodings are not this test's business.
        return ["OBJECT", "ENCODING", rng.choice(self.zkeys + [self.lex, self.dst])]


def score_pairs(node, protocol):
    """(member, score) typed nodes of a WITHSCORES reply: a flat array in RESP2, an array of
    two-element arrays in RESP3. A string instead says why the reply has another shape."""
    kind, body = node
    if kind != b"*" or not isinstance(body, list):
        return "not an array: %r" % (node,)
    if protocol == 2:
        if len(body) % 2:
            return "odd length %d" % len(body)
        pairs = [(body[i], body[i + 1]) for i in range(0, len(body), 2)]
    else:
        if any(child[0] != b"*" or not isinstance(child[1], list) or len(child[1]) != 2 for child in body):
            return "not an array of pairs: %r" % (node,)
        pairs = [tuple(child[1]) for child in body]
    for member, _ in pairs:
        if member[0] != b"$" or member[1] is None:
            return "a member is not a bulk string: %r" % (member,)
    return pairs


def wrong_draw(node, before, count, withscores, protocol):
    """Why `node`, a reply to ZRANDMEMBER on a key holding `before` (member -> typed score
    node, not empty), is not a possible draw, or None. `count` is None or a non-zero int."""
    if count is None:
        return draws.single_pick(node, before, "member")
    if withscores:
        pairs = score_pairs(node, protocol)
        if isinstance(pairs, str):
            return pairs
        picks = draws.paired_picks(pairs, before, "member", "score")
    else:
        picks = draws.bulk_picks(node, before, "member")
    if isinstance(picks, str):
        return picks
    return draws.count_problem(picks, count, len(before), "member")


def run_draw(pair, step, args, protocol):
    """ZRANDMEMBER, checked on both servers against the members and scores they held before
    it (ZRANGE 0 -1 WITHSCORES, which must be identical). Where chance plays no part (errors,
    a missing key) the replies must be byte-identical."""
    key = args[1]

    def same_contents(raw_ours, value_ours, raw_theirs, value_theirs):
        if raw_ours != raw_theirs:
            return "the two servers hold different sorted sets"
        if raw_ours[:1] == b"-":
            return None
        pairs = score_pairs(parse_typed(raw_ours), protocol)
        if isinstance(pairs, str):
            return pairs
        if len({member[1] for member, _ in pairs}) != len(pairs):
            return "ZRANGE repeats a member"
        return None

    ours, _ = pair.compare_checked(step, ["ZRANGE", key, "0", "-1", "WITHSCORES"], same_contents)
    before = None
    if ours[0][:1] != b"-":
        before = {member[1]: score for member, score in score_pairs(parse_typed(ours[0]), protocol)}
    count = int(args[2]) if len(args) > 2 else None
    withscores = "WITHSCORES" in args

    def check(raw_ours, value_ours, raw_theirs, value_theirs):
        if not before or raw_ours[:1] == b"-" or raw_theirs[:1] == b"-":
            return None if raw_ours == raw_theirs else "a reply chance plays no part in differs"
        for server, raw, value in (("corvid", raw_ours, value_ours), ("redis", raw_theirs, value_theirs)):
            why = wrong_draw(parse_typed(raw), before, count, withscores, protocol)
            if why:
                return "%s: %s" % (server, why)
        return None

    pair.compare_checked(step, args, check)


def full_scan(conn, key):
    """A whole ZSCAN walk: the sorted set of typed (member, score) pairs seen, or the typed
    reply that ended it (an error)."""
    cursor = b"0"
    seen = set()
    while True:
        node = parse_typed(conn.call("ZSCAN", key, cursor, "COUNT", "7")[0])
        kind, body = node
        if kind != b"*" or len(body) != 2 or body[0][0] != b"$" or body[1][0] != b"*":
            return node
        cursor, items = body[0][1], body[1][1]
        if len(items) % 2:
            return ("odd page", node)
        seen.update(zip(items[0::2], items[1::2]))
        if cursor == b"0":
            return sorted(seen)


def run_seed(seed, corvid_port, redis_port, protocol):
    gen = Generator(seed)
    with ServerPair(corvid_port, redis_port, seed) as pair:
        if protocol == 3:
            pair.both(["HELLO", "3"])
        pair.both(["DEL"] + gen.keys)
        for step in range(STEPS):
            args = gen.command()
            if args[0] == "ZRANDMEMBER":
                run_draw(pair, step, args, protocol)
                continue
            pair.compare(step, args, lambda ro, vo, rt, vt: ro == rt)
        for k in gen.zkeys + [gen.lex, gen.dst]:
            (raw_ours, _), (raw_theirs, _) = pair.both(["ZRANGE", k, "0", "-1", "WITHSCORES"])
            assert raw_ours == raw_theirs, "seed %d final contents of %s" % (seed, k)
            ours, theirs = full_scan(pair.ours, k), full_scan(pair.theirs, k)
            if ours != theirs:
                raise Mismatch("seed %d: ZSCAN of %s\n  corvid: %r\n  redis:  %r" % (seed, k, ours, theirs))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_zsets(seed, corvid_server, redis_server):
    run_seed(seed, corvid_server.port, redis_server.port, protocol=2)


def test_random_zsets_resp3(corvid_server, redis_server):
    run_seed(83, corvid_server.port, redis_server.port, protocol=3)
