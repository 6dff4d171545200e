"""Seeded random sequences mixing all four collection types, strings and expiry.

A handful of keys change type over time: each step writes or reads a random key with a
command of a random type, so WRONGTYPE errors, type-changing deletes, RENAME/COPY across
types and TTLs (set, cleared, read, and short ones that run out between steps) all meet.
Replies must match redis-server 7.0.15 byte for byte, except where Redis leaves the
order unspecified (compared as multisets of typed elements; HGETALL as field/value
pairs). OBJECT ENCODING is left out: small sets of strings are listpacks in Corvid
(Redis 7.2's rule) and hash tables in 7.0.
"""

import random
import time

import pytest

from differential.harness import ServerPair
from support.resp import comparable

SEEDS = [3, 11, 23, 47]
STEPS = 400

MEMBERS = ["a", "b", "c", "1", "2", "-3", "10", "x" * 70, ""]
SCORES = ["0", "1", "-1", "2.5", "1e3", "-inf", "+inf", "nan", "abc"]

# Replies whose order Redis leaves unspecified, and how they compare: a multiset of typed
# elements, or (HGETALL) a multiset of field/value pairs.
UNORDERED = {"SMEMBERS": "unordered", "HGETALL": "pairs", "HKEYS": "unordered", "HVALS": "unordered",
             "SINTER": "unordered", "SUNION": "unordered", "SDIFF": "unordered", "KEYS": "unordered"}


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.keys = ["mx%d:%d" % (seed, i) for i in range(5)]

    def key(self):
        return self.rng.choice(self.keys)

    def member(self):
        return self.rng.choice(MEMBERS)

    def members(self, most=4):
        return [self.member() for _ in range(self.rng.randint(1, most))]

    def command(self):
        rng = self.rng
        k = self.key()
        choices = [
            lambda: ["HSET", k] + [x for m in self.members() for x in (m, rng.choice(MEMBERS))],
            lambda: ["HGET", k, self.member()],
            lambda: ["HDEL", k] + self.members(),
            lambda: ["HGETALL", k],
            lambda: ["HINCRBY", k, self.member(), str(rng.randint(-5, 5))],
            lambda: [rng.choice(["LPUSH", "RPUSH"]), k] + self.members(),
            lambda: [rng.choice(["LPOP", "RPOP"]), k] + ([str(rng.randint(0, 3))] if rng.random() < 0.5 else []),
            lambda: ["LRANGE", k, str(rng.randint(-5, 2)), str(rng.randint(-3, 5))],
            lambda: ["LMOVE", k, self.key(), rng.choice(["LEFT", "RIGHT"]), rng.choice(["LEFT", "RIGHT"])],
            lambda: ["LLEN", k],
            lambda: ["SADD", k] + self.members(),
            lambda: ["SREM", k] + self.members(),
            lambda: ["SMEMBERS", k],
            lambda: ["SISMEMBER", k, self.member()],
            lambda: [rng.choice(["SINTER", "SUNION", "SDIFF"]), k, self.key()],
            lambda: [rng.choice(["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"]), self.key(), k, self.key()],
            lambda: ["ZADD", k] + [x for m in self.members() for x in (rng.choice(SCORES), m)],
            lambda: ["ZINCRBY", k, rng.choice(SCORES), self.member()],
            lambda: ["ZRANGE", k, "0", "-1", "WITHSCORES"],
            lambda: ["ZREM", k] + self.members(),
            lambda: ["ZSCORE", k, self.member()],
            lambda: [rng.choice(["ZUNIONSTORE", "ZINTERSTORE"]), self.key(), "2", k, self.key()],
            lambda: ["SET", k, rng.choice(MEMBERS)],
            lambda: ["GET", k],
            lambda: ["APPEND", k, "z"],
            lambda: ["TYPE", k],
            lambda: ["EXISTS", k],
            lambda: ["DEL", k],
            lambda: ["RENAME", k, self.key()],
            lambda: ["COPY", k, self.key()] + (["REPLACE"] if rng.random() < 0.5 else []),
            lambda: ["EXPIRE", k, str(rng.choice([100, 1000]))],
            lambda: ["PEXPIRE", k, "1"],
            lambda: ["PERSIST", k],
            lambda: ["TTL", k],
        ]
        return rng.choice(choices)()


def same(args, raw_ours, value_ours, raw_theirs, value_theirs):
    mode = UNORDERED.get(args[0])
    if mode:
        return comparable(raw_ours, mode) == comparable(raw_theirs, mode)
    return raw_ours == raw_theirs


def run_seed(seed, corvid_port, redis_port):
    gen = Generator(seed)
    with ServerPair(corvid_port, redis_port, seed) as pair:
        pair.both(["DEL"] + gen.keys)
        for step in range(STEPS):
            args = gen.command()
            pair.compare(step, args, lambda ro, vo, rt, vt: same(args, ro, vo, rt, vt))
            if args[0] == "PEXPIRE":
                # Let the 1 ms TTL run out on both servers before the next command.
                time.sleep(0.003)
        for k in gen.keys:
            pair.compare(STEPS, ["TYPE", k], lambda ro, vo, rt, vt: ro == rt)


@pytest.mark.parametrize("seed", SEEDS)
def test_random_mixed_types(seed, corvid_server, redis_server):
    run_seed(seed, corvid_server.port, redis_server.port)
