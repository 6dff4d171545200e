"""Seeded random GEO sequences, replayed on corvid-server and redis-server 7.0.15.

Each seed scatters members over a few clusters (cities a few kilometres wide, one near a
pole, one astride the antimeridian, one on the equator) and keeps adding, moving and
removing them while it asks GEOPOS / GEODIST / GEOHASH and searches with random centres,
radii, boxes, units and options (GEOSEARCH, GEOSEARCHSTORE, GEORADIUS, GEORADIUSBYMEMBER,
their _RO forms).

Replies must be byte-identical when they are sorted (ASC / DESC, or COUNT without ANY);
an unsorted search comes back in the order cells are scanned, which Redis does not
promise, and compares as a multiset of typed results. Positions are random doubles, so
two members at the same distance (a tie the sort may order either way) do not occur.
"""

import random

import pytest

from differential.harness import ServerPair
from support.resp import parse_typed

SEEDS = [5, 17, 64, 2024]
STEPS = 300

CLUSTERS = [(13.36, 38.11), (-0.12, 51.5), (139.7, 35.68), (179.95, 0.5), (-179.95, -0.5), (0.0, 0.0),
            (25.0, 84.9), (-70.6, -33.4)]
UNITS = ["m", "km", "ft", "mi", "KM", "M"]


class Generator:
    def __init__(self, seed):
        self.rng = random.Random(seed)
        self.members = ["m%d" % i for i in range(60)]

    def point(self):
        lon, lat = self.rng.choice(CLUSTERS)
        spread = self.rng.choice([0.01, 0.05, 0.3, 2.0])
        lon = max(-180.0, min(180.0, lon + self.rng.uniform(-spread, spread)))
        lat = max(-85.05, min(85.05, lat + self.rng.uniform(-spread, spread)))
        return "%.6f" % lon, "%.6f" % lat

    def member(self):
        return self.rng.choice(self.members)

    def mutation(self):
        rng = self.rng
        kind = rng.choice(["add", "add", "add", "option", "rem"])
        if kind == "rem":
            return ["ZREM", "G", self.member()]
        args = ["GEOADD", "G"]
        if kind == "option":
            args += rng.choice([["NX"], ["XX"], ["CH"], ["XX", "CH"], ["NX", "CH"]])
        for _ in range(rng.choice([1, 2, 5, 10])):
            args += [*self.point(), self.member()]
        return args

    def radius(self):
        return "%g" % self.rng.choice([0, 1, 50, 500, 1000, 5000, 20000, 300000, 2000000, 20000000]), "m"

    def in_unit(self, metres):
        unit = self.rng.choice(UNITS)
        factor = {"m": 1, "km": 1000, "ft": 0.3048, "mi": 1609.34}[unit.lower()]
        return "%.6g" % (metres / factor), unit

    def options(self, store_allowed):
        rng = self.rng
        opts, sorted_reply = [], False
        if rng.random() < 0.4:
            opts.append(rng.choice(["ASC", "DESC"]))
            sorted_reply = True
        if rng.random() < 0.4:
            opts += ["COUNT", str(rng.choice([1, 2, 3, 10, 100]))]
            if rng.random() < 0.3:
                opts.append("ANY")
            elif not sorted_reply:
                sorted_reply = True  # COUNT without ANY sorts ascending
        with_options = []
        if not store_allowed or rng.random() < 0.7:
            for flag in ("WITHDIST", "WITHCOORD", "WITHHASH"):
                if rng.random() < 0.4:
                    with_options.append(flag)
        rng.shuffle(opts)
        return opts + with_options, sorted_reply, bool(with_options)

    def search(self):
        rng = self.rng
        kind = rng.choice(["GEOSEARCH", "GEOSEARCH", "GEOSEARCHSTORE", "GEORADIUS", "GEORADIUS_RO",
                           "GEORADIUSBYMEMBER", "GEORADIUSBYMEMBER_RO"])
        metres = float(self.radius()[0])
        store_allowed = kind in ("GEOSEARCHSTORE", "GEORADIUS", "GEORADIUSBYMEMBER")
        opts, sorted_reply, with_options = self.options(store_allowed)
        stored = None
        if kind.startswith("GEOSEARCH"):
            frm = ["FROMMEMBER", self.member()] if rng.random() < 0.4 else ["FROMLONLAT", *self.point()]
            if rng.random() < 0.5:
                by = ["BYRADIUS", *self.in_unit(metres)]
            else:
                width, unit = self.in_unit(metres * rng.choice([0.5, 1, 2]))
                height = "%.6g" % (float(width) * rng.choice([0.25, 1, 3]))
                by = ["BYBOX", width, height, unit]
            if kind == "GEOSEARCHSTORE":
                stored = "D"
                args = ["GEOSEARCHSTORE", "D", "G", *frm, *by, *[o for o in opts if not o.startswith("WITH")]]
                if rng.random() < 0.5:
                    args.append("STOREDIST")
                return args, True, stored
            return ["GEOSEARCH", "G", *frm, *by, *opts], sorted_reply, None
        centre = [self.member()] if "BYMEMBER" in kind else list(self.point())
        args = [kind, "G", *centre, *self.in_unit(metres), *opts]
        if store_allowed and not with_options and rng.random() < 0.5:
            stored = "D"
            args += [rng.choice(["STORE", "STOREDIST"]), "D"]
            return args, True, stored
        return args, sorted_reply, None

    def read(self):
        rng = self.rng
        kind = rng.choice(["GEOPOS", "GEODIST", "GEOHASH"])
        if kind == "GEODIST":
            args = ["GEODIST", "G", self.member(), self.member()]
            if rng.random() < 0.6:
                args.append(rng.choice(UNITS))
            return args
        return [kind, "G"] + [self.member() for _ in range(rng.choice([1, 3, 8]))]


def same(raw_ours, value_ours, raw_theirs, value_theirs):
    return raw_ours == raw_theirs


def same_multiset(raw_ours, value_ours, raw_theirs, value_theirs):
    if raw_ours == raw_theirs:
        return True
    ours, theirs = parse_typed(raw_ours), parse_typed(raw_theirs)
    if ours[0] != theirs[0] or not isinstance(ours[1], list) or not isinstance(theirs[1], list):
        return False
    return sorted(map(repr, ours[1])) == sorted(map(repr, theirs[1]))


@pytest.mark.parametrize("seed", SEEDS)
def test_random_geo(seed, corvid_server, redis_server):
    gen = Generator(seed)
    with ServerPair(corvid_server.port, redis_server.port, seed) as pair:
        pair.both(["DEL", "G", "D"])
        for step in range(STEPS):
            roll = gen.rng.random()
            if roll < 0.35:
                pair.compare(step, gen.mutation(), same)
            elif roll < 0.55:
                pair.compare(step, gen.read(), same)
            else:
                args, sorted_reply, stored = gen.search()
                pair.compare(step, args, same if sorted_reply else same_multiset)
                if stored:
                    pair.compare(step, ["ZRANGE", stored, "0", "-1", "WITHSCORES"], same)
        pair.both(["DEL", "G", "D"])
