"""Seeded random stream sequences, replayed on corvid-server and redis-server 7.0.15.

Each seed keeps two streams busy with small nodes (stream-node-max-entries 4, so node
boundaries, the radix-tree figures and approximate trimming all move): XADD with explicit
and partial IDs and trimming, XDEL, XTRIM, XSETID, reads (XRANGE, XREVRANGE, XREAD), and
consumer groups (XGROUP CREATE / SETID / CREATECONSUMER / DELCONSUMER / DESTROY,
XREADGROUP new and history with COUNT and NOACK, XACK, XCLAIM with a fixed TIME, XAUTOCLAIM,
XPENDING's summary, XINFO STREAM / GROUPS). Every reply must be byte-identical; replies
that carry the time of day (idle times, seen times, delivery times set to now) are not
asked for.
"""

import random

import pytest

from differential.harness import ServerPair

SEEDS = [3, 11, 42, 1999]
STEPS = 400
KEYS = ["s1", "s2"]
GROUPS = ["ga", "gb", "gc"]
CONSUMERS = ["alice", "bob", "carol", "dan"]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.ms = {k: 1 for k in KEYS}

    def key(self):
        return self.rng.choice(KEYS)

    def id_near(self, key):
        """An ID around what the stream has held: often one that exists or did."""
        rng = self.rng
        return "%d-%d" % (rng.randint(0, self.ms[key] + 1), rng.randint(0, 3))

    def xadd(self):
        rng = self.rng
        key = self.key()
        args = ["XADD", key]
        if rng.random() < 0.15:
            args += ["MAXLEN" if rng.random() < 0.5 else "MINID", rng.choice(["=", "~"]),
                     str(rng.randint(0, 30)) if args[-1:] != ["MINID"] else self.id_near(key)]
            if args[2] == "MINID":
                args[4] = self.id_near(key)
        self.ms[key] += rng.choice([0, 1, 1, 2, 300])
        form = rng.random()
        if form < 0.5:
            args.append("%d-*" % self.ms[key])
        else:
            args.append("%d-%d" % (self.ms[key], rng.randint(0, 2)))
        for _ in range(rng.choice([1, 1, 2, 3])):
            args += [rng.choice(["f", "g", "h", "payload"]), rng.choice(["1", "two", "x" * rng.randint(0, 40)])]
        return args

    def group_command(self):
        rng = self.rng
        key, group, consumer = self.key(), rng.choice(GROUPS), rng.choice(CONSUMERS)
        choice = rng.random()
        if choice < 0.30:
            args = ["XREADGROUP", "GROUP", group, consumer]
            if rng.random() < 0.6:
                args += ["COUNT", str(rng.randint(1, 6))]
            if rng.random() < 0.2:
                args.append("NOACK")
            start = ">" if rng.random() < 0.7 else rng.choice(["0", self.id_near(key)])
            return args + ["STREAMS", key, start]
        if choice < 0.42:
            return ["XACK", key, group] + [self.id_near(key) for _ in range(rng.randint(1, 4))]
        if choice < 0.52:
            args = ["XCLAIM", key, group, consumer, "0"] + [self.id_near(key) for _ in range(rng.randint(1, 3))]
            args += ["TIME", str(rng.randint(1000, 5000))]
            if rng.random() < 0.3:
                args += ["RETRYCOUNT", str(rng.randint(0, 9))]
            if rng.random() < 0.3:
                args.append("FORCE")
            if rng.random() < 0.3:
                args.append("JUSTID")
            if rng.random() < 0.1:
                args += ["LASTID", self.id_near(key)]
            return args
        if choice < 0.60:
            args = ["XAUTOCLAIM", key, group, consumer, "0", rng.choice(["0", "-", self.id_near(key)])]
            if rng.random() < 0.5:
                args += ["COUNT", str(rng.randint(1, 5))]
            # Only the IDs: the entries claimed now are delivered now, which XINFO shows.
            return args + ["JUSTID"]
        if choice < 0.74:
            args = ["XGROUP", "CREATE", key, group, rng.choice(["0", "$", self.id_near(key)])]
            if rng.random() < 0.3:
                args.append("MKSTREAM")
            if rng.random() < 0.2:
                args += ["ENTRIESREAD", str(rng.choice([-1, 0, 3, 10]))]
            return args
        if choice < 0.78:
            args = ["XGROUP", "SETID", key, group, rng.choice(["0", "$", self.id_near(key)])]
            if rng.random() < 0.3:
                args += ["ENTRIESREAD", str(rng.choice([-1, 0, 3, 10]))]
            return args
        if choice < 0.83:
            return ["XGROUP", rng.choice(["CREATECONSUMER", "DELCONSUMER"]), key, group, consumer]
        if choice < 0.84:
            return ["XGROUP", "DESTROY", key, group]
        if choice < 0.93:
            return ["XPENDING", key, group]
        return ["XINFO", "GROUPS", key]

    def command(self):
        rng = self.rng
        choice = rng.random()
        key = self.key()
        if choice < 0.30:
            return self.xadd()
        if choice < 0.36:
            return ["XDEL", key] + [self.id_near(key) for _ in range(rng.randint(1, 3))]
        if choice < 0.39:
            strategy = rng.choice(["MAXLEN", "MINID"])
            threshold = str(rng.randint(0, 25)) if strategy == "MAXLEN" else self.id_near(key)
            return ["XTRIM", key, strategy, rng.choice(["=", "~"]), threshold]
        if choice < 0.46:
            args = ["XRANGE" if rng.random() < 0.5 else "XREVRANGE", key]
            bounds = [rng.choice(["-", self.id_near(key), "(" + self.id_near(key)]),
                      rng.choice(["+", self.id_near(key)])]
            if args[0] == "XREVRANGE":
                bounds.reverse()
            args += bounds
            if rng.random() < 0.5:
                args += ["COUNT", str(rng.randint(0, 5))]
            return args
        if choice < 0.49:
            return ["XREAD", "COUNT", str(rng.randint(1, 5)), "STREAMS", key, self.id_near(key)]
        if choice < 0.55:
            return ["XINFO", "STREAM", key]
        if choice < 0.57:
            return ["XLEN", key]
        if choice < 0.565:
            return ["DEL", key]
        return self.group_command()


@pytest.mark.parametrize("seed", SEEDS)
def test_random_streams(seed, corvid_server, redis_server):
    gen = Generator(seed)
    with ServerPair(corvid_server.port, redis_server.port, seed) as pair:
        for args in (["FLUSHALL"], ["CONFIG", "SET", "stream-node-max-entries", "4"]):
            pair.both(args)
        try:
            for step in range(STEPS):
                pair.compare(step, gen.command(), lambda ro, vo, rt, vt: ro == rt)
        finally:
            pair.both(["CONFIG", "SET", "stream-node-max-entries", "100"])
