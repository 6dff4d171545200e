"""SCAN over keyspaces too large for one call: the order and the cursors differ between
corvid-server and redis-server (different hash tables), so a whole iteration, cursor 0
back to cursor 0, is compared as a set of keys (and a walk both servers answer in one
reply as that reply's typed multiset); every page must be [bulk cursor, array of bulk keys]."""

import pytest

from support.resp import RespConnection, comparable, parse_typed

KEY_COUNT = 3000


def keyspace():
    keys = []
    for i in range(KEY_COUNT):
        prefix = ("key", "user", "session")[i % 3]
        keys.append("%s:%d" % (prefix, i))
    keys.extend(["", "with space", "h[e]llo", "hello", "hallo"])
    return keys


def load(conn, keys, db=0):
    conn.call("SELECT", str(db))
    conn.call("FLUSHALL")
    # Pipelined: one write, then the replies.
    conn.send_raw(b"".join(conn.encode(["SET", k, str(i)]) for i, k in enumerate(keys)))
    for _ in keys:
        conn.read_reply()


def scan_page(raw):
    """(cursor, keys) of one SCAN reply, which must be [bulk cursor, array of bulk keys]."""
    kind, body = parse_typed(raw)
    assert kind == b"*" and isinstance(body, list) and len(body) == 2, raw[:200]
    (cursor_kind, cursor), (page_kind, batch) = body
    assert cursor_kind == b"$" and page_kind == b"*" and isinstance(batch, list), raw[:200]
    assert all(k[0] == b"$" for k in batch), raw[:200]
    return cursor, [k[1] for k in batch]


def full_scan(conn, *options):
    """Iterates to cursor 0; returns (set of keys, number of calls, raw replies seen)."""
    seen = set()
    cursor = b"0"
    raws = []
    while True:
        raw, _ = conn.call("SCAN", cursor, *options)
        raws.append(raw)
        cursor, batch = scan_page(raw)
        seen.update(batch)
        assert len(raws) < 100000, "SCAN does not terminate"
        if cursor == b"0":
            return seen, len(raws), raws


@pytest.fixture(scope="module")
def loaded(corvid_server, redis_server):
    ours = RespConnection("127.0.0.1", corvid_server.port)
    theirs = RespConnection("127.0.0.1", redis_server.port)
    keys = keyspace()
    for conn in (ours, theirs):
        load(conn, keys)
    yield ours, theirs, keys
    for conn in (ours, theirs):
        conn.call("FLUSHALL")
        conn.close()


OPTIONS = [
    (),
    ("COUNT", "1"),
    ("COUNT", "7"),
    ("COUNT", "1000"),
    ("COUNT", "100000"),
    ("MATCH", "*"),
    ("MATCH", "key:*"),
    ("MATCH", "*1*", "COUNT", "50"),
    ("MATCH", "user:1??"),
    ("MATCH", "h[ae]llo"),
    ("MATCH", ""),
    ("MATCH", "nothing*"),
    ("TYPE", "string"),
    ("TYPE", "STRING", "MATCH", "session:*"),
    ("TYPE", "list"),
    ("TYPE", "none"),
    ("COUNT", "3", "MATCH", "*5", "TYPE", "string"),
]


@pytest.mark.parametrize("options", OPTIONS, ids=[" ".join(o) or "plain" for o in OPTIONS])
def test_full_iteration_matches(loaded, options):
    ours, theirs, keys = loaded
    got, calls, raws = full_scan(ours, *options)
    expected, expected_calls, expected_raws = full_scan(theirs, *options)
    assert got == expected
    if calls == expected_calls == 1:
        # Both answered in one reply: the same cursor and the same typed keys, in any order.
        assert comparable(raws[0], "scan") == comparable(expected_raws[0], "scan")
    if options in ((), ("COUNT", "1")):
        assert got == {k.encode() for k in keys}
        # COUNT is honoured as a hint: many calls, not one giant reply.
        assert calls > KEY_COUNT // (10 if options == () else 1) // 4


def test_keys_present_throughout_are_seen_despite_resizes(corvid_server, redis_server):
    """Growing and shrinking the table between SCAN calls must not hide stable keys."""
    for port in (corvid_server.port, redis_server.port):
        conn = RespConnection("127.0.0.1", port)
        try:
            conn.call("SELECT", "5")
            conn.call("FLUSHDB")
            stable = ["stable:%d" % i for i in range(500)]
            conn.send_raw(b"".join(conn.encode(["SET", k, "v"]) for k in stable))
            for _ in stable:
                conn.read_reply()
            seen = set()
            cursor = b"0"
            step = 0
            while True:
                cursor, batch = scan_page(conn.call("SCAN", cursor, "COUNT", "20")[0])
                seen.update(batch)
                if cursor == b"0":
                    break
                step += 1
                # Alternate bursts of growth (forcing rehashes) and mass deletion (shrinks).
                churn = ["churn:%d:%d" % (step, i) for i in range(300)]
                if step % 2:
                    cmds = [conn.encode(["SET", k, "v"]) for k in churn]
                else:
                    cmds = [conn.encode(["DEL"] + ["churn:%d:%d" % (step - 1, i) for i in range(300)])]
                conn.send_raw(b"".join(cmds))
                for _ in cmds:
                    conn.read_reply()
            missing = {k.encode() for k in stable} - seen
            assert not missing, "port %d: %d stable keys never returned" % (port, len(missing))
            conn.call("FLUSHDB")
        finally:
            conn.close()
