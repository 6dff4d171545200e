"""Plain list nodes and compressed lists, on corvid-server and redis-server 7.0.15 side by
side (DEBUG enabled). With DEBUG QUICKLIST-PACKED-THRESHOLD lowered, elements at least
that long get nodes of their own: the node counts DEBUG OBJECT shows, the serialized
length, the DUMP payload (Redis's PLAIN containers) and every list command's replies must
be the same on both servers. DEBUG QUICKLIST / LISTPACK answer as Redis does (their
printout on standard output is each server's own)."""

import re

import pytest
import redis

X200 = "x" * 200
Y300 = "y" * 300
Z300 = "z" * 300


@pytest.fixture
def pair(debug_servers):
    clients = [redis.Redis(host="127.0.0.1", port=s.port) for s in debug_servers]
    for c in clients:
        c.flushall()
        c.execute_command("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "100")
    yield clients
    for c in clients:
        c.execute_command("DEBUG", "QUICKLIST-PACKED-THRESHOLD", "0")
        c.config_set("list-compress-depth", "0")
        c.flushall()
        c.close()


def both(clients, *args):
    replies = []
    for c in clients:
        try:
            replies.append(c.execute_command(*args))
        except redis.ResponseError as error:
            replies.append(("error", str(error)))
    return replies


def shape(client, key):
    """DEBUG OBJECT's figures that do not depend on addresses or clocks."""
    text = client.execute_command("DEBUG", "OBJECT", key).decode()
    return {name: value for name, value in re.findall(r"(\w+):(\S+)", text)
            if name in ("encoding", "serializedlength", "ql_nodes", "ql_avg_node", "ql_listpack_max", "ql_compressed")}


STEPS = [
    ("RPUSH", "l", "a", "b", X200, "c"),
    ("LINSERT", "l", "BEFORE", "c", Y300),
    ("LSET", "l", "0", Z300),
    ("LSET", "l", "0", "small"),
    ("LSET", "l", "2", "tiny"),
    ("LSET", "l", "2", X200),
    ("LINSERT", "l", "AFTER", X200, "between"),
    ("LPUSH", "l", Y300, "front"),
    ("RPUSH", "l", "back", Z300),
    ("LREM", "l", "1", Y300),
    ("LPOS", "l", X200),
    ("LINDEX", "l", "3"),
    ("LRANGE", "l", "0", "-1"),
    ("LTRIM", "l", "1", "-2"),
    ("RPOPLPUSH", "l", "l"),
    ("LMOVE", "l", "l", "LEFT", "RIGHT"),
    ("LPOP", "l", "2"),
    ("RPOP", "l"),
]


@pytest.mark.parametrize("depth", ["0", "1"])
def test_plain_nodes_match_redis(pair, depth):
    for c in pair:
        c.config_set("list-compress-depth", depth)
    for step in STEPS:
        ours, theirs = both(pair, *step)
        assert ours == theirs, step
        ours, theirs = (shape(c, "l") for c in pair)
        assert ours == theirs, step
        ours, theirs = both(pair, "LRANGE", "l", "0", "-1")
        assert ours == theirs, step
    # The same bytes in a DUMP payload (plain containers included), and each server
    # restores the other's.
    ours, theirs = both(pair, "DUMP", "l")
    assert ours == theirs
    for c, payload in zip(pair, [theirs, ours]):
        c.restore("copy", 0, payload)
    assert both(pair, "LRANGE", "copy", "0", "-1") == both(pair, "LRANGE", "l", "0", "-1")


def test_debug_encoding_subcommands_reply_as_redis(pair):
    for c in pair:
        c.rpush("list", "a", X200)
        c.hset("hash", "f", "v")
        c.set("str", "v")
    for args in [("QUICKLIST", "list"), ("QUICKLIST", "list", "1"), ("QUICKLIST", "list", "x"),
                 ("QUICKLIST", "str"), ("QUICKLIST", "nokey"), ("QUICKLIST", "list", "1", "2"),
                 ("LISTPACK", "hash"), ("LISTPACK", "list"), ("LISTPACK", "str"), ("LISTPACK", "nokey"),
                 ("LISTPACK", "hash", "x"), ("QUICKLIST-PACKED-THRESHOLD",), ("QUICKLIST-PACKED-THRESHOLD", "1", "2"),
                 ("QUICKLIST-PACKED-THRESHOLD", "abc"), ("QUICKLIST-PACKED-THRESHOLD", "-1"),
                 ("QUICKLIST-PACKED-THRESHOLD", "5G"), ("QUICKLIST-PACKED-THRESHOLD", "4293918720"),
                 ("QUICKLIST-PACKED-THRESHOLD", "4293918721"), ("QUICKLIST-PACKED-THRESHOLD", "1k"),
                 ("QUICKLIST-PACKED-THRESHOLD", ""), ("QUICKLIST-PACKED-THRESHOLD", "0")]:
        ours, theirs = both(pair, "DEBUG", *args)
        assert ours == theirs, args
