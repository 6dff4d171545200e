"""Pub/Sub across several connections.

Each scenario runs against corvid-server and against redis-server 7.0.15 with the same
expected outcome: the expectations are Redis's behaviour, checked on the oracle.
Single-connection behaviour is in tests/differential/cases/pubsub.txt.
"""

import socket
import threading
import time

import pytest
import redis

from support.resp import Push, RespConnection
from support.servers import server_pair
from support.waiting import wait_until


def stats(port):
    admin = redis.Redis(host="127.0.0.1", port=port)
    try:
        return admin.info("stats")
    finally:
        admin.close()


def no_subscriptions(port):
    s = stats(port)
    return s["pubsub_channels"] == 0 and s["pubsub_patterns"] == 0 and s["pubsubshard_channels"] == 0


@pytest.fixture
def server(server):
    """conftest's `server` (each of corvid-server and redis-server, flushed), with a
    connect() that closes what it opened and waits for the subscriptions to go."""
    srv = server
    opened = []

    def connect(protocol=2):
        conn = RespConnection("127.0.0.1", srv.port)
        if protocol == 3:
            conn.call("HELLO", "3")
        opened.append(conn)
        return conn

    srv.connect = connect
    yield srv
    for conn in opened:
        conn.close()
    # The servers are shared with other tests (the differential scripts count channels).
    wait_until(lambda: no_subscriptions(srv.port), "subscriptions to go away")


def send(conn, *args):
    conn.send_raw(RespConnection.encode(list(args)))


def bulk(value):
    if isinstance(value, str):
        value = value.encode()
    return b"$%d\r\n%s\r\n" % (len(value), value)


def frame(kind, *items, resp3=False):
    return (b">%d\r\n" if resp3 else b"*%d\r\n") % (len(items) + 1) + bulk(kind) + b"".join(bulk(i) for i in items)


def subscribe(conn, command, *names):
    """Subscribes and reads the confirmations; returns their counts."""
    send(conn, command, *names)
    counts = []
    for name in names:
        value = conn.read_reply()[1]
        assert value[0] == command.lower().encode() and value[1] == name.encode()
        counts.append(value[2])
    return counts


def test_message_pmessage_smessage(server):
    channel_sub = server.connect()
    pattern_sub = server.connect()
    shard_sub = server.connect(protocol=3)
    publisher = server.connect()
    assert subscribe(channel_sub, "SUBSCRIBE", "news", "sports") == [1, 2]
    assert subscribe(pattern_sub, "PSUBSCRIBE", "n*", "*s") == [1, 2]
    assert subscribe(shard_sub, "SSUBSCRIBE", "news") == [1]

    assert publisher.call("PUBLISH", "news", "hello")[0] == b":3\r\n"
    assert channel_sub.read_reply()[0] == frame("message", "news", "hello")
    pmessages = {pattern_sub.read_reply()[0], pattern_sub.read_reply()[0]}
    assert pmessages == {frame("pmessage", "n*", "news", "hello"), frame("pmessage", "*s", "news", "hello")}

    # Shard channels are their own namespace; patterns never match them.
    assert publisher.call("SPUBLISH", "news", "shard")[0] == b":1\r\n"
    reply = shard_sub.read_reply()
    assert reply[0] == frame("smessage", "news", "shard", resp3=True)
    assert isinstance(reply[1], Push)

    assert publisher.call("PUBLISH", "sports", "goal")[0] == b":2\r\n"
    assert channel_sub.read_reply()[0] == frame("message", "sports", "goal")
    assert pattern_sub.read_reply()[0] == frame("pmessage", "*s", "sports", "goal")
    assert publisher.call("PUBLISH", "zzz", "x")[0] == b":0\r\n"
    # Nothing more arrived anywhere: a PING answers next.
    assert channel_sub.call("PING")[0] == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    assert pattern_sub.call("PING")[0] == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"
    assert shard_sub.call("PING")[0] == b"+PONG\r\n"


def test_each_subscriber_gets_every_message_in_order(server):
    subscribers = [server.connect(protocol=2 + i % 2) for i in range(6)]
    for conn in subscribers:
        subscribe(conn, "SUBSCRIBE", "feed")
    publisher = server.connect()
    for i in range(200):
        send(publisher, "PUBLISH", "feed", "m%d" % i)
    for i in range(200):
        assert publisher.read_reply()[0] == b":6\r\n"
    for n, conn in enumerate(subscribers):
        for i in range(200):
            assert conn.read_reply()[0] == frame("message", "feed", "m%d" % i, resp3=n % 2 == 1)


def test_introspection_sees_every_client(server):
    a = server.connect()
    b = server.connect()
    subscribe(a, "SUBSCRIBE", "c1", "c2")
    subscribe(a, "PSUBSCRIBE", "p*")
    subscribe(a, "SSUBSCRIBE", "s1")
    subscribe(b, "SUBSCRIBE", "c1")
    subscribe(b, "PSUBSCRIBE", "p*", "q*")
    admin = server.connect()
    assert admin.call("PUBSUB", "NUMSUB", "c1", "c2", "c3")[1] == [b"c1", 2, b"c2", 1, b"c3", 0]
    assert admin.call("PUBSUB", "NUMPAT")[1] == 2
    assert sorted(admin.call("PUBSUB", "CHANNELS")[1]) == [b"c1", b"c2"]
    assert admin.call("PUBSUB", "CHANNELS", "*2")[1] == [b"c2"]
    assert admin.call("PUBSUB", "SHARDCHANNELS")[1] == [b"s1"]
    assert admin.call("PUBSUB", "SHARDNUMSUB", "s1", "c1")[1] == [b"s1", 1, b"c1", 0]
    s = stats(server.port)
    assert (s["pubsub_channels"], s["pubsub_patterns"], s["pubsubshard_channels"]) == (2, 2, 1)

    a_id = a.call("PING")  # still allowed in pub/sub mode
    listing = admin.call("CLIENT", "LIST", "TYPE", "pubsub")[1].decode()
    lines = sorted(listing.splitlines())
    assert len(lines) == 2
    fields = [dict(f.split("=", 1) for f in line.split(" ")) for line in lines]
    counts = sorted((f["sub"], f["psub"], f["ssub"], f["flags"]) for f in fields)
    assert counts == [("1", "2", "0", "P"), ("2", "1", "1", "P")]
    assert "flags=P" not in admin.call("CLIENT", "LIST", "TYPE", "normal")[1].decode()
    assert a_id[0] == b"*2\r\n$4\r\npong\r\n$0\r\n\r\n"

    # Leaving everything but the shard channel keeps the pub/sub mode (and the P flag).
    send(a, "UNSUBSCRIBE")
    a.read_reply()
    a.read_reply()
    assert a.call("PUNSUBSCRIBE")[1] == [b"punsubscribe", b"p*", 0]
    assert a.call("GET", "k")[0].startswith(b"-ERR Can't execute 'get'")
    assert admin.call("PUBSUB", "NUMSUB", "c1", "c2")[1] == [b"c1", 1, b"c2", 0]
    assert admin.call("PUBSUB", "NUMPAT")[1] == 2
    assert a.call("SUNSUBSCRIBE")[1] == [b"sunsubscribe", b"s1", 0]
    assert a.call("GET", "k")[0] == b"$-1\r\n"
    assert len(admin.call("CLIENT", "LIST", "TYPE", "pubsub")[1].decode().splitlines()) == 1

    # CLIENT KILL TYPE pubsub closes the remaining subscriber, and its subscriptions go.
    assert admin.call("CLIENT", "KILL", "TYPE", "pubsub")[0] == b":1\r\n"
    wait_until(lambda: no_subscriptions(server.port), "the killed client's subscriptions to go")
    assert admin.call("PUBLISH", "c1", "x")[0] == b":0\r\n"


def test_a_killed_subscriber_stops_counting_at_once(server):
    subscriber = server.connect()
    subscriber.call("SUBSCRIBE", "news")
    admin = server.connect()
    line = admin.call("CLIENT", "LIST", "TYPE", "pubsub")[1].decode()
    sid = line.split("id=")[1].split(" ")[0]
    # In one pipeline: the kill takes the subscription with it before PUBLISH runs.
    admin.send_raw(RespConnection.encode(["CLIENT", "KILL", "ID", sid]) + RespConnection.encode(["PUBLISH", "news", "x"]))
    assert admin.read_reply()[0] == b":1\r\n"
    assert admin.read_reply()[0] == b":0\r\n"
    assert admin.call("PUBSUB", "NUMSUB", "news")[1] == [b"news", 0]


def test_disconnect_and_reset_leave_everything(server):
    leaver = server.connect()
    resetter = server.connect(protocol=3)
    stayer = server.connect()
    for conn in (leaver, resetter, stayer):
        subscribe(conn, "SUBSCRIBE", "room")
        subscribe(conn, "PSUBSCRIBE", "ro*")
        subscribe(conn, "SSUBSCRIBE", "shard")
    admin = server.connect()
    assert admin.call("PUBLISH", "room", "x")[0] == b":6\r\n"
    leaver.close()
    assert resetter.read_reply()[1] == [b"message", b"room", b"x"]
    assert resetter.read_reply()[1] == [b"pmessage", b"ro*", b"room", b"x"]
    assert resetter.call("RESET")[0] == b"+RESET\r\n"
    wait_until(lambda: admin.call("PUBSUB", "NUMSUB", "room")[1] == [b"room", 1], "the leaver to be gone")
    assert admin.call("PUBSUB", "SHARDNUMSUB", "shard")[1] == [b"shard", 1]
    assert admin.call("PUBSUB", "NUMPAT")[1] == 1
    assert admin.call("PUBLISH", "room", "y")[0] == b":2\r\n"
    assert admin.call("SPUBLISH", "shard", "z")[0] == b":1\r\n"
    # The reset client is an ordinary RESP2 client again and heard nothing more.
    assert resetter.call("GET", "k")[0] == b"$-1\r\n"
    assert stayer.read_reply()[0] == frame("message", "room", "x")
    assert stayer.read_reply()[0] == frame("pmessage", "ro*", "room", "x")
    assert stayer.read_reply()[0] == frame("message", "room", "y")
    assert stayer.read_reply()[0] == frame("pmessage", "ro*", "room", "y")
    assert stayer.read_reply()[0] == frame("smessage", "shard", "z")


def test_client_reply_off_does_not_silence_pushes(server):
    conn = server.connect(protocol=3)
    other = server.connect()
    requests = [["CLIENT", "REPLY", "OFF"], ["SUBSCRIBE", "x"], ["PUBLISH", "x", "m"], ["PING"],
                ["CLIENT", "REPLY", "SKIP"], ["PUBLISH", "x", "n"], ["CLIENT", "REPLY", "ON"], ["PING"]]
    conn.send_raw(b"".join(RespConnection.encode(r) for r in requests))
    assert conn.read_reply()[0] == b">3\r\n$9\r\nsubscribe\r\n$1\r\nx\r\n:1\r\n"
    assert conn.read_reply()[0] == frame("message", "x", "m", resp3=True)
    assert conn.read_reply()[0] == frame("message", "x", "n", resp3=True)
    assert conn.read_reply()[0] == b"+OK\r\n"
    assert conn.read_reply()[0] == b"+PONG\r\n"
    # Messages from others reach a silenced RESP2 subscriber too.
    plain = server.connect()
    plain.send_raw(RespConnection.encode(["CLIENT", "REPLY", "OFF"]) + RespConnection.encode(["SUBSCRIBE", "y"]))
    assert plain.read_reply()[0] == b"*3\r\n$9\r\nsubscribe\r\n$1\r\ny\r\n:1\r\n"
    wait_until(lambda: other.call("PUBSUB", "NUMSUB", "y")[1][1] == 1, "the subscription")
    assert other.call("PUBLISH", "y", "z")[0] == b":1\r\n"
    assert plain.read_reply()[0] == frame("message", "y", "z")


def test_publish_to_a_thousand_subscribers(server):
    subscribers = [server.connect() for _ in range(1000)]
    for conn in subscribers:
        send(conn, "SUBSCRIBE", "crowd")
    for conn in subscribers:
        assert conn.read_reply()[1] == [b"subscribe", b"crowd", 1]
    publisher = server.connect()
    assert publisher.call("PUBSUB", "NUMSUB", "crowd")[1] == [b"crowd", 1000]
    assert publisher.call("PUBLISH", "crowd", "to everyone")[0] == b":1000\r\n"
    received = sum(conn.read_reply()[0] == frame("message", "crowd", "to everyone") for conn in subscribers)
    assert received == 1000


def raw_subscriber(port, channel):
    """A subscriber that never reads: a small receive buffer keeps the kernel from
    absorbing much of what the server sends it."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16384)
    sock.connect(("127.0.0.1", port))
    sock.sendall(RespConnection.encode(["SUBSCRIBE", channel]))
    return sock


def reader_thread(port, channel, count, size, failures, progress, slot):
    """A subscriber that reads everything; progress[slot] counts the messages it has."""
    conn = RespConnection("127.0.0.1", port, timeout=60)
    subscribe(conn, "SUBSCRIBE", channel)
    ready = threading.Event()

    def run():
        try:
            ready.set()
            for i in range(count):
                value = conn.read_reply()[1]
                if value != [b"message", channel.encode(), (b"%06d" % i).ljust(size, b".")]:
                    failures.append("message %d: %r" % (i, value[:2]))
                    return
                progress[slot] = i + 1
        except Exception as e:  # reported by the test: a thread's exception would be lost
            failures.append(repr(e))
        finally:
            conn.close()

    thread = threading.Thread(target=run)
    thread.start()
    ready.wait()
    return thread


def used_memory(admin):
    return admin.info("memory")["used_memory"]


def connected_clients(admin):
    return admin.info("clients")["connected_clients"]


@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_slow_subscriber_is_dropped_at_the_pubsub_hard_limit(which):
    count, size = 200, 100_000
    with server_pair() as (corvid, oracle):
        port = (corvid if which == "corvid" else oracle).port
        admin = redis.Redis(host="127.0.0.1", port=port)
        admin.config_set("client-output-buffer-limit", "pubsub 1mb 0 0")
        failures = []
        progress = [0, 0]
        readers = [reader_thread(port, "firehose", count, size, failures, progress, n) for n in range(2)]
        baseline = used_memory(admin)
        slow = raw_subscriber(port, "firehose")
        wait_until(lambda: admin.pubsub_numsub("firehose")[0][1] == 3, "the slow subscriber to subscribe")

        publisher = RespConnection("127.0.0.1", port, timeout=60)
        receivers = []
        for i in range(count):
            receivers.append(publisher.call("PUBLISH", "firehose", (b"%06d" % i).ljust(size, b"."))[1])
            # The readers are pubsub clients too: keep them well within the limit.
            wait_until(lambda: failures or min(progress) >= i - 2, "the readers to keep up", timeout=60)
        for thread in readers:
            thread.join(timeout=120)
        assert not failures, failures
        assert not any(t.is_alive() for t in readers)
        # Everyone heard the first messages; the slow one stopped being counted once closed.
        assert receivers[0] == 3 and receivers[-1] == 2
        assert receivers == sorted(receivers, reverse=True)
        # The readers are done and gone; the admin and the publisher are left.
        wait_until(lambda: connected_clients(admin) == 2, "the slow subscriber to be closed")
        assert admin.pubsub_numsub("firehose")[0][1] == 0
        publisher.close()
        # Its queued output is freed with it.
        wait_until(lambda: used_memory(admin) < baseline + 512 * 1024, "memory to come back near its baseline")
        slow.close()
        admin.close()


@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_pubsub_soft_limit_and_normal_class(which):
    with server_pair() as (corvid, oracle):
        port = (corvid if which == "corvid" else oracle).port
        admin = redis.Redis(host="127.0.0.1", port=port)
        # The normal class has no limit: a big reply to an ordinary client is fine even
        # though it is over the pubsub class's limits.
        admin.config_set("client-output-buffer-limit", "normal 0 0 0 pubsub 0 256kb 1")
        admin.set("big", "x" * (2 << 20))
        normal = RespConnection("127.0.0.1", port)
        assert len(normal.call("GET", "big")[1]) == 2 << 20

        slow = raw_subscriber(port, "soft")
        wait_until(lambda: admin.pubsub_numsub("soft")[0][1] == 1, "the slow subscriber to subscribe")
        clients = connected_clients(admin)
        payload = "y" * 100_000
        # Over the soft limit but not for long enough: still connected.
        for _ in range(60):
            admin.publish("soft", payload)
        assert admin.pubsub_numsub("soft")[0][1] == 1
        # Redis measures the time over the limit in whole seconds and wants more than one.
        time.sleep(2.2)
        admin.publish("soft", payload)
        wait_until(lambda: connected_clients(admin) == clients - 1, "the slow subscriber to be closed")
        assert admin.pubsub_numsub("soft")[0][1] == 0
        assert normal.call("PING")[0] == b"+PONG\r\n"
        normal.close()
        slow.close()
        admin.close()
