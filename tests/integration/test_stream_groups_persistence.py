"""Stream consumer groups across persistence, against redis-server 7.0.15.

Streams with groups are built in redis-server (several groups, consumers with and without
pending entries, entries read unknown, pending entries whose stream entries were deleted,
NOACK reads, an empty stream kept by its group, names long enough to be compressed and
names that are integers), then:
- DUMP payloads go through Corvid (RESTORE, DUMP) byte for byte, and back into a fresh
  redis-server, whose XINFO STREAM FULL then equals the original's;
- Redis's RDB file loads in Corvid (and survives DEBUG RELOAD), and Corvid's loads in
  Redis, with the same DUMP payloads;
- Corvid's AOF rewrite (aof-use-rdb-preamble no) writes the commands Redis writes for the
  same keys, and both servers load it back to the same groups.
The tests that load rewritten AOFs or make groups in Corvid need its XGROUP, XREADGROUP,
XCLAIM and XINFO commands."""

import glob
import os
import shutil
import tempfile

import redis

from support.datasets import client_for
from support.servers import dump_moved, start_corvid, start_redis
from support.waiting import rewrite_aof

DEBUG = ("--enable-debug-command", "yes")
LONG_GROUP = "group-" + "n" * 40
LONG_CONSUMER = "consumer-" + "c" * 40
KEYS = ("orders", "mk", "gone", "names", "plain")


def fill(conn):
    """The streams every test works on; only commands both servers have."""
    x = conn.execute_command
    conn.config_set("stream-node-max-entries", 5)
    for i in range(1, 31):
        x("XADD", "orders", "%d-%d" % (100 + i // 4, i % 4), "n", i, "body", "x" * (i % 9))
    # workers: alice reads 6 (acks 2, is re-delivered the rest), bob 4, one of which carol
    # claims with a set time and count; dave has nothing pending; two pending entries are
    # then deleted from the stream.
    x("XGROUP", "CREATE", "orders", "workers", "0")
    x("XREADGROUP", "GROUP", "workers", "alice", "COUNT", "6", "STREAMS", "orders", ">")
    x("XREADGROUP", "GROUP", "workers", "bob", "COUNT", "4", "STREAMS", "orders", ">")
    x("XACK", "orders", "workers", "100-1", "100-2")
    x("XCLAIM", "orders", "workers", "carol", "0", "102-0", "TIME", "1700000000000", "RETRYCOUNT", "7")
    x("XREADGROUP", "GROUP", "workers", "alice", "STREAMS", "orders", "0")
    x("XGROUP", "CREATECONSUMER", "orders", "workers", "dave")
    x("XDEL", "orders", "101-0", "102-0")
    # audit reads with NOACK: a consumer, entries read, and no PEL.
    x("XGROUP", "CREATE", "orders", "audit", "0")
    x("XREADGROUP", "GROUP", "audit", "eve", "COUNT", "10", "NOACK", "STREAMS", "orders", ">")
    # Entries read unknown (-1): one group left so, one that reads on from there.
    x("XGROUP", "CREATE", "orders", "unknown", "0")
    x("XGROUP", "SETID", "orders", "unknown", "104-2", "ENTRIESREAD", "-1")
    x("XGROUP", "CREATE", "orders", "reads-on", "0")
    x("XGROUP", "SETID", "orders", "reads-on", "104-2", "ENTRIESREAD", "-1")
    x("XREADGROUP", "GROUP", "reads-on", "frank", "COUNT", "2", "STREAMS", "orders", ">")
    x("XGROUP", "CREATE", "orders", "42", "$")  # an integer name (integer-encoded string)
    # A group keeps an empty stream alive.
    x("XGROUP", "CREATE", "mk", "g", "$", "MKSTREAM")
    # Every pending entry deleted, and the stream with them.
    for i in range(1, 4):
        x("XADD", "gone", "%d-0" % i, "f", "v")
    x("XGROUP", "CREATE", "gone", "g", "0")
    x("XREADGROUP", "GROUP", "g", "c", "STREAMS", "gone", ">")
    x("XDEL", "gone", "1-0", "2-0", "3-0")
    # Names long enough for LZF.
    x("XADD", "names", "1-0", "f", "v")
    x("XADD", "names", "2-0", "f", "v")
    x("XGROUP", "CREATE", "names", LONG_GROUP, "0")
    x("XREADGROUP", "GROUP", LONG_GROUP, LONG_CONSUMER, "COUNT", "1", "STREAMS", "names", ">")
    x("XGROUP", "CREATECONSUMER", "names", LONG_GROUP, LONG_CONSUMER + "-idle")
    # No groups at all.
    x("XADD", "plain", "5-5", "a", "b")


def dumps(conn):
    out = {key: conn.dump(key) for key in KEYS}
    assert None not in out.values(), out
    return out


def xinfo(conn, key, mask_seen=False):
    """XINFO STREAM key FULL as nested lists (with every consumer's seen-time replaced when
    `mask_seen`: replayed commands set it to when they ran)."""
    reply = conn.execute_command("XINFO", "STREAM", key, "FULL")

    def walk(node):
        if isinstance(node, dict):
            node = [item for pair in node.items() for item in pair]
        if isinstance(node, (list, tuple)):
            out = [walk(n) for n in node]
            if mask_seen:
                for i in range(len(out) - 1):
                    if out[i] in (b"seen-time", "seen-time"):
                        out[i + 1] = "<seen>"
            return out
        return node

    return walk(reply)


def redis_filled(own_servers):
    theirs = start_redis(*DEBUG)
    own_servers.append(theirs)
    conn = client_for(theirs)
    fill(conn)
    return theirs, conn


def test_dump_payloads_go_through_corvid_byte_for_byte(own_servers):
    _, theirs = redis_filled(own_servers)
    ours = start_corvid(*DEBUG, "--save", "")
    own_servers.append(ours)
    conn = client_for(ours)
    expected = dumps(theirs)
    for key, payload in expected.items():
        assert conn.restore(key, 0, payload)
    assert dumps(conn) == expected
    # A group does not change a stream's digest (DEBUG DIGEST-VALUE covers the entries).
    for key in ("orders", "names"):
        assert conn.execute_command("DEBUG", "DIGEST-VALUE", key) == \
            theirs.execute_command("DEBUG", "DIGEST-VALUE", key), key


def test_corvid_payloads_restore_in_redis_to_the_same_groups(own_servers):
    _, theirs = redis_filled(own_servers)
    ours = start_corvid("--save", "")
    own_servers.append(ours)
    fresh = start_redis()
    own_servers.append(fresh)
    conn, again = client_for(ours), client_for(fresh)
    for key, payload in dumps(theirs).items():
        assert conn.restore(key, 0, payload)
        assert again.restore(key, 0, conn.dump(key))
        assert xinfo(again, key) == xinfo(theirs, key), key


def test_redis_rdb_file_loads_in_corvid(own_servers):
    theirs_server = start_redis(*DEBUG, "--save", "", persistent=True)
    own_servers.append(theirs_server)
    theirs = client_for(theirs_server)
    fill(theirs)
    expected = dumps(theirs)
    assert theirs.save()
    theirs.close()
    theirs_server.stop()
    ours = start_corvid(*DEBUG, "--save", "", workdir=theirs_server.workdir)
    own_servers.append(ours)
    conn = client_for(ours)
    assert dumps(conn) == expected
    # Corvid's own file of the same keys, loaded back.
    assert conn.execute_command("DEBUG", "RELOAD") == b"OK"
    assert dumps(conn) == expected


def test_corvid_rdb_file_loads_in_redis(own_servers):
    _, theirs = redis_filled(own_servers)
    expected = dumps(theirs)

    def restore_all(conn):
        for key, payload in expected.items():
            conn.restore(key, 0, payload)

    other = dump_moved(own_servers, "corvid", "redis", restore_all, dumps)
    assert dumps(other) == expected
    for key in KEYS:
        assert xinfo(other, key) == xinfo(theirs, key), key


# --- AOF rewrite

def aof_commands(server):
    """The commands of a server's AOF base file, by key, each key's in file order (keys
    come in hash-table order, which differs between servers)."""
    (path,) = glob.glob(os.path.join(server.workdir, "appendonlydir", "*.base.aof"))
    with open(path, "rb") as f:
        data = f.read()
    by_key = {}
    pos = 0
    while pos < len(data):
        assert data[pos:pos + 1] == b"*", data[pos:pos + 40]
        end = data.index(b"\r\n", pos)
        argc = int(data[pos + 1:end])
        pos = end + 2
        args = []
        for _ in range(argc):
            end = data.index(b"\r\n", pos)
            size = int(data[pos + 1:end])
            args.append(data[end + 2:end + 2 + size])
            pos = end + 2 + size + 2
        if args[0].upper() == b"SELECT":
            continue
        key = args[2] if args[0].upper() == b"XGROUP" else args[1]
        by_key.setdefault(key, []).append(args)
    return by_key


AOF_NO_PREAMBLE = ("--appendonly", "yes", "--aof-use-rdb-preamble", "no", "--save", "")


def rewritten_pair(own_servers):
    """Redis's streams RESTOREd into a Corvid and a Redis that both rewrite their AOF
    without preamble; returns (corvid, redis, original redis client)."""
    _, original = redis_filled(own_servers)
    ours = start_corvid(*DEBUG, *AOF_NO_PREAMBLE)
    own_servers.append(ours)
    theirs = start_redis(*DEBUG, *AOF_NO_PREAMBLE, persistent=True)
    own_servers.append(theirs)
    for server in (ours, theirs):
        conn = client_for(server)
        for key, payload in dumps(original).items():
            conn.restore(key, 0, payload)
        rewrite_aof(conn)
        conn.close()
    return ours, theirs, original


def test_aof_rewrite_writes_the_commands_redis_writes(own_servers):
    ours, theirs, _ = rewritten_pair(own_servers)
    ours_commands, theirs_commands = aof_commands(ours), aof_commands(theirs)
    assert sorted(ours_commands) == sorted(theirs_commands)
    for key in theirs_commands:
        assert ours_commands[key] == theirs_commands[key], key


def test_rewritten_aof_loads_back_in_both_servers(own_servers):
    """Needs Corvid's XGROUP CREATE/CREATECONSUMER and XCLAIM (replay) and XINFO."""
    ours, _, original = rewritten_pair(own_servers)
    ours.stop()
    copy = tempfile.mkdtemp(prefix="redis-oracle-")
    shutil.copytree(os.path.join(ours.workdir, "appendonlydir"), os.path.join(copy, "appendonlydir"))
    again = start_corvid(*DEBUG, *AOF_NO_PREAMBLE, workdir=ours.workdir)
    own_servers.append(again)
    loaded = start_redis(*DEBUG, *AOF_NO_PREAMBLE, workdir=copy, persistent=True)
    own_servers.append(loaded)
    conn, reference = client_for(again), client_for(loaded)
    for key in KEYS:
        assert xinfo(conn, key, mask_seen=True) == xinfo(reference, key, mask_seen=True), key
    # What a replay keeps of the original: all but seen times and the pending entries whose
    # stream entries were deleted (XCLAIM drops those, in Redis too).
    assert xinfo(conn, "names", mask_seen=True) == xinfo(original, "names", mask_seen=True)
    workers = [g for g in xinfo(conn, "orders")[-1] if g[1] == b"workers"][0]
    # 100-3 101-1 101-2 (alice), 101-3 102-1 102-2 (bob); 101-0 and carol's 102-0 are gone.
    assert workers[workers.index(b"pel-count") + 1] == 6


def test_groups_made_in_corvid_survive_an_aof_rewrite(own_servers):
    """Needs Corvid's consumer-group commands: groups made by commands, rewritten without
    preamble, restarted, read back as they were (seen times apart)."""
    ours = start_corvid(*DEBUG, *AOF_NO_PREAMBLE)
    own_servers.append(ours)
    conn = client_for(ours)
    x = conn.execute_command
    for i in range(1, 8):
        x("XADD", "s", "%d-0" % i, "f", i)
    x("XGROUP", "CREATE", "s", "g", "0")
    x("XREADGROUP", "GROUP", "g", "a", "COUNT", "3", "STREAMS", "s", ">")
    x("XREADGROUP", "GROUP", "g", "b", "COUNT", "2", "STREAMS", "s", ">")
    x("XACK", "s", "g", "2-0")
    x("XCLAIM", "s", "g", "c", "0", "4-0", "TIME", "1700000000000", "RETRYCOUNT", "9")
    x("XGROUP", "CREATECONSUMER", "s", "g", "idle")
    x("XGROUP", "CREATE", "s", "unknown", "3-0", "ENTRIESREAD", "-1")
    x("XGROUP", "CREATE", "s", "late", "$")
    before = xinfo(conn, "s", mask_seen=True)
    rewrite_aof(conn)
    conn.close()
    ours.stop()
    again = start_corvid(*DEBUG, *AOF_NO_PREAMBLE, workdir=ours.workdir)
    own_servers.append(again)
    assert xinfo(client_for(again), "s", mask_seen=True) == before


def test_groups_made_in_corvid_move_to_redis_in_an_rdb_file(own_servers):
    """Needs Corvid's consumer-group commands: the same commands in Corvid, SAVE, loaded by
    redis-server, which DUMPs the same payloads."""
    dump_moved(own_servers, "corvid", "redis", fill, dumps)


def test_restore_refuses_inconsistent_groups(own_servers):
    """A payload whose consumer claims an ID missing from its group's PEL (with a valid
    CRC) is refused, and the server carries on."""
    import struct

    ours = start_corvid("--save", "")
    own_servers.append(ours)
    conn = client_for(ours)
    # XGROUP CREATE nokey g 0 MKSTREAM from Redis 7.0.15, then a consumer "c" with one
    # pending ID the group's PEL (empty) does not have.
    body = bytes.fromhex("13" "000000000000000000" "01" "0167" "0000" "81ffffffffffffffff" "00" "01") + \
        b"\x01c" + struct.pack("<q", 5) + b"\x01" + bytes(15) + b"\x01"
    payload = body + struct.pack("<H", 10)
    crc = 0
    for b in payload:
        crc ^= b
        for _ in range(8):
            crc = (crc >> 1) ^ 0x95AC9329AC4BC9B5 if crc & 1 else crc >> 1
    payload += struct.pack("<Q", crc)
    try:
        conn.restore("bad", 0, payload)
        raise AssertionError("RESTORE accepted an inconsistent PEL")
    except redis.ResponseError as error:
        assert str(error) == "Bad data format"
    assert conn.exists("bad") == 0
    assert conn.ping()
