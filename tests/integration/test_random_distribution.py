"""Random picks are uniform: RANDOMKEY, SRANDMEMBER, HRANDFIELD and ZRANDMEMBER (negative
counts, which pick with repeats, and positive ones, which pick distinct members by other
algorithms depending on the share asked for), and SPOP, on the compact encodings
(listpack, intset) and the hash-table ones, where picking a random bucket and then a member
of its chain would favour members of short chains. Each pick count is
checked with a chi-square bound, as Redis's own tests check them: with ten candidates (nine
degrees of freedom) a uniform picker exceeds 40 with probability 1e-5. Runs on corvid-server
and redis-server 7.0.15 (the `server` fixture), so the bound is the oracle's too."""

import collections

import pytest

from support.resp import RespConnection

PICKS = 20000
BOUND = 40


def chi_square(counts, candidates):
    expected = PICKS / len(candidates)
    return sum((counts.get(c, 0) - expected) ** 2 / expected for c in candidates)


def picks_of(raw, args, pairs=False):
    reply = raw.call(*args)[1]
    return reply[::2] if pairs else reply


# Ten members, one of them long, so that the value is a hash table / skiplist.
MEMBERS = [b"m%d" % i for i in range(9)] + [b"x" * 100]


@pytest.mark.parametrize("command", ["SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER", "HRANDFIELD WITHVALUES"])
def test_random_picks_with_repeats_are_uniform(server, command):
    raw = RespConnection("127.0.0.1", server.port)
    raw.call("DEL", "k")
    name = command.split()[0]
    if name == "SRANDMEMBER":
        raw.call("SADD", "k", *MEMBERS)
    elif name == "HRANDFIELD":
        raw.call("HSET", "k", *[x for m in MEMBERS for x in (m, b"v")])
    else:
        raw.call("ZADD", "k", *[x for i, m in enumerate(MEMBERS) for x in (str(i), m)])
    assert raw.call("OBJECT", "ENCODING", "k")[1] in (b"hashtable", b"skiplist")
    with_values = command.endswith("WITHVALUES")
    args = [name, "k", str(-PICKS)] + (["WITHVALUES"] if with_values else [])
    counts = collections.Counter(picks_of(raw, args, pairs=with_values))
    assert sum(counts.values()) == PICKS and set(counts) == set(MEMBERS)
    assert chi_square(counts, MEMBERS) < BOUND, counts
    raw.call("DEL", "k")
    raw.close()


def fill(raw, name, compact):
    """Ten members in `name`'s type: integers in a small value (intset, listpack) or one long
    member among them (hashtable, skiplist)."""
    members = [b"%d" % i for i in range(10)] if compact else MEMBERS
    raw.call("DEL", "k")
    if name in ("SRANDMEMBER", "SPOP"):
        raw.call("SADD", "k", *members)
    elif name == "HRANDFIELD":
        raw.call("HSET", "k", *[x for m in members for x in (m, b"v")])
    else:
        raw.call("ZADD", "k", *[x for i, m in enumerate(members) for x in (str(i), m)])
    encoding = raw.call("OBJECT", "ENCODING", "k")[1]
    assert encoding in ((b"intset", b"listpack") if compact else (b"hashtable", b"skiplist")), encoding
    return members


@pytest.mark.parametrize("compact", [True, False], ids=["compact", "hashtable"])
@pytest.mark.parametrize("name", ["SRANDMEMBER", "HRANDFIELD", "ZRANDMEMBER"])
@pytest.mark.parametrize("count", [3, 8])
def test_distinct_picks_are_uniform(server, name, compact, count):
    """A positive count asks for distinct members: each member's share over many calls must
    be count/10 (Redis picks differently for a small share and a large one)."""
    raw = RespConnection("127.0.0.1", server.port)
    members = fill(raw, name, compact)
    calls = PICKS // count
    raw.sock.sendall(("%s k %d\r\n" % (name, count)).encode() * calls)
    counts = collections.Counter()
    for _ in range(calls):
        reply = raw.read_reply()[1]
        assert len(reply) == count and len(set(reply)) == count
        counts.update(reply)
    expected = calls * count / len(members)
    assert sum((counts[m] - expected) ** 2 / expected for m in members) < BOUND, counts
    raw.call("DEL", "k")
    raw.close()


@pytest.mark.parametrize("compact", [True, False], ids=["intset", "hashtable"])
def test_spop_is_uniform(server, compact):
    raw = RespConnection("127.0.0.1", server.port)
    members = fill(raw, "SPOP", compact)
    counts = collections.Counter()
    rounds = PICKS // 4
    for start in range(0, rounds, 500):
        batch = min(500, rounds - start)
        commands = b""
        for _ in range(batch):
            commands += b"SPOP k\r\nSADD k " + b" ".join(members) + b"\r\n"
        raw.sock.sendall(commands)
        for _ in range(batch):
            counts[raw.read_reply()[1]] += 1
            raw.read_reply()
    expected = rounds / len(members)
    assert sum((counts[m] - expected) ** 2 / expected for m in members) < BOUND, counts
    raw.call("DEL", "k")
    raw.close()


def test_randomkey_is_uniform(server):
    raw = RespConnection("127.0.0.1", server.port)
    raw.call("FLUSHALL")
    keys = [b"key:%d" % i for i in range(10)]
    for k in keys:
        raw.call("SET", k, "v")
    raw.sock.sendall(b"RANDOMKEY\r\n" * PICKS)
    counts = collections.Counter(raw.read_reply()[1] for _ in range(PICKS))
    assert set(counts) == set(keys)
    assert chi_square(counts, keys) < BOUND, counts
    raw.call("FLUSHALL")
    raw.close()
