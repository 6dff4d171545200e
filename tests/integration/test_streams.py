"""Streams across restarts and between servers: RDB files written by Corvid and loaded by
redis-server 7.0.15 and the other way round, an AOF (with and without the RDB preamble)
rewritten by Corvid and loaded by Redis, with several nodes, deleted entries, trimmed
streams, an emptied stream and XSETID's counters. Single-connection replies are in
tests/differential/cases/streams.txt."""

import pytest

from support.datasets import client_for
from support.resp import RespConnection
from support.servers import dump_moved, start_corvid, start_redis
from support.waiting import rewrite_aof

DEBUG = ("--enable-debug-command", "yes")


def fill(conn):
    conn.config_set("stream-node-max-entries", 5)
    for i in range(1, 41):
        conn.execute_command("XADD", "events", "%d-%d" % (1000 + i // 3, i % 3), "n", i, "payload", "x" * (i % 7))
    conn.execute_command("XDEL", "events", "1001-1", "1005-0", "1013-1")
    conn.execute_command("XTRIM", "events", "MAXLEN", "~", "30")
    for i in range(1, 4):
        conn.execute_command("XADD", "emptied", "%d-0" % i, "f", "v")
    conn.execute_command("XDEL", "emptied", "1-0", "2-0", "3-0")
    conn.execute_command("XADD", "other", "7-7", "only", "entry")
    conn.execute_command("XSETID", "other", "9-0", "ENTRIESADDED", "12", "MAXDELETEDID", "8-0")
    conn.set("plain", "key")


def contents(conn):
    out = {}
    for key in ("events", "emptied", "other"):
        out[key] = (conn.type(key), conn.xlen(key), conn.xrange(key), conn.execute_command("DEBUG", "DIGEST-VALUE", key))
    out["digest"] = conn.execute_command("DEBUG", "DIGEST")
    return out


@pytest.mark.parametrize("writer,reader", [("corvid", "redis"), ("redis", "corvid")])
def test_streams_in_rdb_files_move_both_ways(own_servers, writer, reader):
    other = dump_moved(own_servers, writer, reader, fill, contents)
    # The loaded stream carries on where it was: IDs, counters and node boundaries.
    other.config_set("stream-node-max-entries", 5)
    assert other.execute_command("XADD", "other", "9-*", "f", "v") == b"9-1"
    assert other.execute_command("XADD", "emptied", "3-*", "f", "v") == b"3-1"
    assert other.execute_command("XTRIM", "events", "MAXLEN", "~", "10") > 0


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_streams_in_a_rewritten_aof_load_into_redis(own_servers, preamble):
    ours = start_corvid(*DEBUG, "--appendonly", "yes", "--save", "", "--aof-use-rdb-preamble", preamble)
    own_servers.append(ours)
    conn = client_for(ours)
    fill(conn)
    rewrite_aof(conn)
    conn.execute_command("XADD", "events", "2000-0", "after", "rewrite")
    conn.execute_command("XADD", "events", "MAXLEN", "~", "5", "2001-0", "trimmed", "approximately")
    expected = contents(conn)
    ours.kill()
    theirs = start_redis(*DEBUG, "--appendonly", "yes", workdir=ours.workdir, persistent=True)
    own_servers.append(theirs)
    assert contents(client_for(theirs)) == expected
    theirs.kill()
    again = start_corvid(*DEBUG, "--appendonly", "yes", workdir=ours.workdir)
    own_servers.append(again)
    assert contents(client_for(again)) == expected


def test_blocked_xread_clients_are_all_served_in_order(server):
    """XREAD BLOCK with $ waits for what arrives after it blocked; every reader of the key
    gets the new entry (a stream is not a queue), and a timeout replies a null array."""
    from support.busy import client, start_in_thread
    from support.waiting import wait_until

    conn = client(server)
    conn.delete("feed")
    conn.execute_command("XADD", "feed", "1-0", "old", "entry")
    readers = [start_in_thread(server, "XREAD", "BLOCK", "0", "STREAMS", "feed", "$") for _ in range(3)]
    counted = start_in_thread(server, "XREAD", "COUNT", "1", "BLOCK", "0", "STREAMS", "other", "feed", "0", "$")
    wait_until(lambda: conn.info("clients")["blocked_clients"] == 4, "four readers blocked")
    conn.execute_command("XADD", "feed", "2-0", "new", "1")
    for thread, outcome in readers + [counted]:
        thread.join(30)
        assert outcome["reply"] == [[b"feed", [(b"2-0", {b"new": b"1"})]]] or \
            outcome["reply"] == [[b"feed", [[b"2-0", [b"new", b"1"]]]]]
    raw = RespConnection("127.0.0.1", server.port)
    assert raw.call("XREAD", "BLOCK", "50", "STREAMS", "feed", "$")[0] == b"*-1\r\n"  # timed out
    raw.close()
    conn.delete("feed")
    conn.close()
