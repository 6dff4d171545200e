"""SCAN over keyspaces too large for one call: the order and the cursors differ between
corvid-server and redis-server (different hash tables), so a whole iteration, cursor 0
back to cursor 0, is compared as a set of keys."""

import pytest

from support.resp import RespConnection

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


def full_scan(conn, *options):
    """Iterates to cursor 0; returns (set of keys, number of calls, raw replies seen)."""
    seen = set()
    cursor = b"0"
    calls = 0
    while True:
        raw, reply = conn.call("SCAN", cursor, *options)
        assert isinstance(reply, list), raw[:200]
        cursor, batch = reply
        seen.update(batch)
        calls += 1
        assert calls < 100000, "SCAN does not terminate"
        if cursor == b"0":
            return seen, calls


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
    got, calls = full_scan(ours, *options)
    expected, _ = full_scan(theirs, *options)
    assert got == expected
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
                _, (cursor, batch) = conn.call("SCAN", cursor, "COUNT", "20")
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
