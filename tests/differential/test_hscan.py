"""HSCAN walked from cursor 0 back to 0 and HRANDFIELD picks, on corvid-server and
redis-server. Cursors, orders and random picks differ between the two, so only the field
sets of a whole walk, and the shape of the picks, are compared."""

import pytest

from support.resp import RespConnection

SIZES = [5, 2000]  # listpack encoding, then hashtable encoding


def fields(size):
    names = ["f:%d" % i for i in range(size)]
    return names + ["", "with space", "hello", "hallo"]


@pytest.fixture(scope="module")
def conns(corvid_server, redis_server):
    ours = RespConnection("127.0.0.1", corvid_server.port)
    theirs = RespConnection("127.0.0.1", redis_server.port)
    for conn in (ours, theirs):
        conn.call("FLUSHALL")
        for size in SIZES:
            names = fields(size)
            conn.send_raw(b"".join(conn.encode(["HSET", "h%d" % size, f, "v" + f]) for f in names))
            for _ in names:
                conn.read_reply()
    yield ours, theirs
    for conn in (ours, theirs):
        conn.call("FLUSHALL")
        conn.close()


def full_hscan(conn, key, *options):
    seen = {}
    cursor = b"0"
    calls = 0
    while True:
        raw, reply = conn.call("HSCAN", key, cursor, *options)
        assert isinstance(reply, list), raw[:200]
        cursor, batch = reply
        assert len(batch) % 2 == 0
        for i in range(0, len(batch), 2):
            seen[batch[i]] = batch[i + 1]
        calls += 1
        assert calls < 100000, "HSCAN does not terminate"
        if cursor == b"0":
            return seen, calls


OPTIONS = [(), ("COUNT", "1"), ("COUNT", "100"), ("MATCH", "f:1*"), ("MATCH", "*"), ("MATCH", "h?llo", "COUNT", "7"),
           ("MATCH", "nothing")]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("options", OPTIONS)
def test_hscan_full_iteration(conns, size, options):
    ours, theirs = conns
    mine, calls = full_hscan(ours, "h%d" % size, *options)
    expected, _ = full_hscan(theirs, "h%d" % size, *options)
    assert mine == expected
    if size < 100:
        assert calls == 1  # a listpack is answered whole


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("count", [1, 3, 5, 10, 600, 1999, 2004, 5000])
def test_hrandfield_distinct(conns, size, count):
    ours, _ = conns
    members = set(f.encode() for f in fields(size))
    _, picks = ours.call("HRANDFIELD", "h%d" % size, str(count))
    assert len(picks) == min(count, len(members))
    assert len(set(picks)) == len(picks)
    assert set(picks) <= members
    _, pairs = ours.call("HRANDFIELD", "h%d" % size, str(count), "WITHVALUES")
    assert len(pairs) == 2 * min(count, len(members))
    names = pairs[0::2]
    assert len(set(names)) == len(names) and set(names) <= members
    assert all(v == b"v" + f for f, v in zip(pairs[0::2], pairs[1::2]))


@pytest.mark.parametrize("size", SIZES)
def test_hrandfield_repeats_and_single(conns, size):
    ours, _ = conns
    members = set(f.encode() for f in fields(size))
    _, picks = ours.call("HRANDFIELD", "h%d" % size, "-3000")
    assert len(picks) == 3000 and set(picks) <= members
    _, pairs = ours.call("HRANDFIELD", "h%d" % size, "-50", "WITHVALUES")
    assert len(pairs) == 100
    assert all(f in members and v == b"v" + f for f, v in zip(pairs[0::2], pairs[1::2]))
    _, one = ours.call("HRANDFIELD", "h%d" % size)
    assert one in members
