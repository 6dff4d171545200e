"""Seeded random sequences of set commands, replayed on corvid-server and redis-server.

Each seed drives a few hundred commands over four set keys and one string key (for
WRONGTYPE), with members that are integers of every width, integer-looking strings that
are not canonical ("01", "-0"), words and members long enough to force the hashtable
encoding. Replies must be byte-identical except where Redis leaves the order open
(SMEMBERS, SINTER, SUNION, SDIFF compare as multisets of typed elements; SSCAN as the union
of a full iteration) or chance decides: SPOP and SRANDMEMBER.

Each draw is checked, on both servers, against the set they held before it (an SMEMBERS
that must agree): a single draw is a member; a positive count gives min(count, size)
distinct members; a negative count gives exactly |count| members. Errors, empty sets and a
zero count are byte-identical. After an SPOP, each server must hold its set minus exactly
what it popped; then Redis is brought to Corvid's state by the same removal (its own picks
put back, Corvid's removed with SREM, which must find them all), so that later replies
still compare two servers that reached their state by themselves.

OBJECT ENCODING must agree, except that Corvid's listpack (Redis 7.2's encoding of small
sets with non-integer members) is a hashtable in Redis 7.0, and that after SPOP with a
count Redis 7.0 may rebuild a hashtable as an intset where Corvid (like 7.2) makes a
listpack.
"""

import random

import pytest

from differential import draws
from differential.harness import Mismatch, ServerPair
from support.resp import canonical_unordered, comparable, parse_typed

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
    """A full SSCAN on one server: (error reply, members) with members as a sorted list of
    typed elements (a bulk string is never equal to a simple one)."""
    cursor = b"0"
    seen = set()
    while True:
        raw, _ = conn.call("SSCAN", key, cursor, "COUNT", "7")
        kind, body = parse_typed(raw)
        if kind != b"*" or len(body) != 2 or body[0][0] != b"$" or not isinstance(body[1][1], list):
            return raw, None
        cursor = body[0][1]
        seen.update(body[1][1])
        if cursor == b"0":
            return None, sorted(seen)


def members_of(node):
    """The members of a typed set reply (SMEMBERS, a draw): a list of bytes, or a string
    saying why the reply is not an aggregate of bulk strings."""
    kind, body = node
    if kind not in (b"*", b"~") or not isinstance(body, list):
        return "not an array: %r" % (node,)
    for child in body:
        if child[0] != b"$":
            return "not a bulk string: %r" % (child,)
    return [child[1] for child in body]


def wrong_draw(node, before, count):
    """Why `node`, a reply to SPOP/SRANDMEMBER on a set holding `before` (a set of bytes, not
    empty), is not a possible draw, or None. `count` is None (one member) or a non-zero int."""
    if count is None:
        return draws.single_pick(node, before, "member")
    picks = draws.bulk_picks(node, before, "member")
    if isinstance(picks, str):
        return picks
    return draws.count_problem(picks, count, len(before), "member")


class Checker:
    def __init__(self, pair, gen):
        self.pair = pair
        self.gen = gen
        # Keys an SPOP with a count may have rebuilt (see the module docstring).
        self.rebuilt = set()

    def contents(self, step, key):
        """SMEMBERS of `key`, which must agree on both servers: a set of bytes, or None for
        an error (a wrong type)."""
        def check(raw_ours, value_ours, raw_theirs, value_theirs):
            if comparable(raw_ours, "unordered") != comparable(raw_theirs, "unordered"):
                return "the two servers hold different sets"
            if raw_ours[:1] == b"-":
                return None
            members = members_of(parse_typed(raw_ours))
            if isinstance(members, str):
                return members
            if len(set(members)) != len(members):
                return "SMEMBERS repeats a member"
            return None

        (raw, value), _ = self.pair.compare_checked(step, ["SMEMBERS", key], check)
        return None if raw[:1] == b"-" else set(members_of(parse_typed(raw)))

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
        if name in ("SPOP", "SRANDMEMBER") and len(args) in (2, 3):
            self.run_draw(step, args)
            return
        if name == "OBJECT":
            pair.compare(step, args, lambda ro, vo, rt, vt: self.same_encoding(args[2], ro, rt))
            return
        if name == "DEL":
            self.rebuilt.discard(args[1])
        if name in UNORDERED:
            pair.compare(step, args, lambda ro, vo, rt, vt: comparable(ro, "unordered") == comparable(rt, "unordered"))
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

    def run_draw(self, step, args):
        """SPOP or SRANDMEMBER, with or without a count. Each server's draw is checked against
        the set both held before it (read with SMEMBERS); where chance plays no part (errors,
        an empty set, a zero count) the replies must be byte-identical."""
        name, key = args[0], args[1]
        before = self.contents(step, key)
        count = None
        if len(args) == 3:
            try:
                count = int(args[2])
            except ValueError:
                count = "bad"
        if name == "SPOP" and isinstance(count, int) and count > 0:
            self.rebuilt.add(key)
        determined = not before or count in (0, "bad")

        def check(raw_ours, value_ours, raw_theirs, value_theirs):
            if determined or raw_ours[:1] == b"-" or raw_theirs[:1] == b"-":
                return None if raw_ours == raw_theirs else "a reply chance plays no part in differs"
            if raw_ours[:1] != raw_theirs[:1]:
                return "reply types differ"
            for server, raw, value in (("corvid", raw_ours, value_ours), ("redis", raw_theirs, value_theirs)):
                why = wrong_draw(parse_typed(raw), before, count)
                if why:
                    return "%s: %s" % (server, why)
            return None

        ours, theirs = self.pair.compare_checked(step, args, check)
        if name == "SPOP" and not determined and ours[0][:1] != b"-":
            self.agree_after_pop(step, key, before, ours, theirs)

    def agree_after_pop(self, step, key, before, ours, theirs):
        """Each server popped its own random members. Checks that exactly those are gone,
        then applies Corvid's removal to Redis instead of Redis's own (puts back what Redis
        popped and Corvid did not, removes what Corvid popped and Redis did not), so that the
        two keep holding the same set, each one reached by its own commands."""
        pair = self.pair

        def popped(reply):
            node = parse_typed(reply[0])
            return {node[1]} if node[0] == b"$" else set(members_of(node))

        popped_ours, popped_theirs = popped(ours), popped(theirs)
        for server, conn, gone in (("corvid", pair.ours, popped_ours), ("redis", pair.theirs, popped_theirs)):
            self.expect_members(step, server, conn, key, before - gone)
        put_back = sorted(popped_theirs - popped_ours)
        take_out = sorted(popped_ours - popped_theirs)
        for args, expected in ((["SADD", key] + put_back, len(put_back)), (["SREM", key] + take_out, len(take_out))):
            if not expected:
                continue
            pair.history.append(["(redis only)"] + args)
            raw, _ = pair.theirs.call(*args)
            if raw != b":%d\r\n" % expected:
                raise Mismatch("seed %d step %d: %r on redis answered %r, not %d" %
                               (pair.seed, step, args, raw, expected))
        self.expect_members(step, "redis", pair.theirs, key, before - popped_ours)

    def expect_members(self, step, server, conn, key, expected):
        pair = self.pair
        members = members_of(parse_typed(conn.call("SMEMBERS", key)[0]))
        if isinstance(members, str) or len(set(members)) != len(members) or set(members) != expected:
            recent = "\n".join("    " + " ".join(repr(a) for a in h) for h in pair.history[-15:])
            raise Mismatch("seed %d step %d: after the pop %s holds %r, expected %r\nlast commands:\n%s" %
                           (pair.seed, step, server, members, sorted(expected), recent))


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
            (ours, _), (theirs, _) = pair.both(["SMEMBERS", k])
            assert canonical_unordered(ours) == canonical_unordered(theirs), "seed %d final contents of %s" % (seed, k)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_sets(seed, corvid_server, redis_server):
    run_seed(seed, corvid_server.port, redis_server.port, protocol=2)


def test_random_sets_resp3(corvid_server, redis_server):
    run_seed(83, corvid_server.port, redis_server.port, protocol=3)
