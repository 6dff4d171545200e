"""HSCAN walked from cursor 0 back to 0 and HRANDFIELD picks, on corvid-server and
redis-server. Cursors, orders and random picks differ between the two, so a whole walk is
compared as the fields and values it returned (a small hash's single reply as a multiset of
typed field/value pairs), and each server's picks are checked against the hash: fields of
it, distinct for a positive count, |count| of them for a negative one, each with its own
value; a draw of the whole hash must be the same on both."""

import pytest

from support.resp import RespConnection, comparable, parse_typed

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
    """Walks cursor 0 back to 0: (field -> value, calls, raw replies). Every page must be
    [bulk cursor, array of bulk field/value pairs], and a field seen twice must come back
    with the same value."""
    seen = {}
    cursor = b"0"
    raws = []
    while True:
        raw, _ = conn.call("HSCAN", key, cursor, *options)
        raws.append(raw)
        kind, body = parse_typed(raw)
        assert kind == b"*" and isinstance(body, list) and len(body) == 2, raw[:200]
        (cursor_kind, cursor), (page_kind, batch) = body
        assert cursor_kind == b"$" and page_kind == b"*" and isinstance(batch, list), raw[:200]
        assert len(batch) % 2 == 0, raw[:200]
        for i in range(0, len(batch), 2):
            field, value = batch[i], batch[i + 1]
            assert field[0] == b"$" and value[0] == b"$", raw[:200]
            assert seen.setdefault(field[1], value[1]) == value[1], "field %r came back with another value" % field[1]
        assert len(raws) < 100000, "HSCAN does not terminate"
        if cursor == b"0":
            return seen, len(raws), raws


OPTIONS = [(), ("COUNT", "1"), ("COUNT", "100"), ("MATCH", "f:1*"), ("MATCH", "*"), ("MATCH", "h?llo", "COUNT", "7"),
           ("MATCH", "nothing")]


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("options", OPTIONS)
def test_hscan_full_iteration(conns, size, options):
    ours, theirs = conns
    mine, calls, raws = full_hscan(ours, "h%d" % size, *options)
    expected, expected_calls, expected_raws = full_hscan(theirs, "h%d" % size, *options)
    assert mine == expected
    if size < 100:
        # A listpack is answered whole, on both: one reply, the same pairs in any order.
        assert calls == expected_calls == 1
        assert comparable(raws[0], "scanpairs") == comparable(expected_raws[0], "scanpairs")


def pairs_of(flat):
    assert len(flat) % 2 == 0, flat
    return list(zip(flat[0::2], flat[1::2]))


def check_distinct_draw(conn, key, count, hash_fields):
    """HRANDFIELD with a positive count: min(count, size) distinct fields, and WITHVALUES
    pairs each with its own value. Returns both raw replies."""
    raw, picks = conn.call("HRANDFIELD", key, str(count))
    assert raw[:1] == b"*" and all(isinstance(p, bytes) for p in picks), raw[:200]
    assert parse_typed(raw)[1] == [(b"$", p) for p in picks], raw[:200]  # bulk strings only
    assert len(picks) == min(count, len(hash_fields))
    assert len(set(picks)) == len(picks)
    assert set(picks) <= hash_fields
    raw_pairs, flat = conn.call("HRANDFIELD", key, str(count), "WITHVALUES")
    assert raw_pairs[:1] == b"*" and all(isinstance(p, bytes) for p in flat), raw_pairs[:200]
    assert parse_typed(raw_pairs)[1] == [(b"$", p) for p in flat], raw_pairs[:200]
    pairs = pairs_of(flat)
    assert len(pairs) == min(count, len(hash_fields))
    names = [f for f, _ in pairs]
    assert len(set(names)) == len(names) and set(names) <= hash_fields
    assert all(v == b"v" + f for f, v in pairs)
    return raw, raw_pairs


@pytest.mark.parametrize("size", SIZES)
@pytest.mark.parametrize("count", [1, 3, 5, 10, 600, 1999, 2004, 5000])
def test_hrandfield_distinct(conns, size, count):
    hash_fields = set(f.encode() for f in fields(size))
    key = "h%d" % size
    (raw_ours, pairs_ours), (raw_theirs, pairs_theirs) = [check_distinct_draw(conn, key, count, hash_fields)
                                                          for conn in conns]
    if count >= len(hash_fields):
        # The whole hash: no chance left, both servers answer the same pairs.
        assert comparable(raw_ours, "unordered") == comparable(raw_theirs, "unordered")
        assert comparable(pairs_ours, "pairs") == comparable(pairs_theirs, "pairs")


@pytest.mark.parametrize("size", SIZES)
def test_hrandfield_repeats_and_single(conns, size):
    hash_fields = set(f.encode() for f in fields(size))
    key = "h%d" % size
    for conn in conns:
        raw, picks = conn.call("HRANDFIELD", key, "-3000")
        assert parse_typed(raw) == (b"*", [(b"$", p) for p in picks]), raw[:200]
        assert len(picks) == 3000 and set(picks) <= hash_fields
        raw, flat = conn.call("HRANDFIELD", key, "-50", "WITHVALUES")
        assert parse_typed(raw) == (b"*", [(b"$", p) for p in flat]), raw[:200]
        pairs = pairs_of(flat)
        assert len(pairs) == 50
        assert all(f in hash_fields and v == b"v" + f for f, v in pairs)
        raw, one = conn.call("HRANDFIELD", key)
        assert raw[:1] == b"$" and isinstance(one, bytes) and one in hash_fields, raw[:200]
