"""Client eviction (maxmemory-clients, CLIENT NO-EVICT), each scenario run the same way on
Corvid and on redis-server 7.0.15 with the same outcome: which clients are closed, INFO
evicted_clients, the "Evicting client:" log line. Clients are made big by sending most of
a large SET argument and stalling (query buffer), by not reading replies (output buffer),
or by queuing commands in MULTI.

Memory figures differ between the servers (Redis reserves an announced argument whole,
Corvid as it arrives; their buffers differ), so the sizes here are far apart enough for
both to pick the same client.
"""

import pytest

from support.resp import RespConnection
from support.servers import start_corvid, start_redis
from support.sockets import connect, send_until_closed, wait_closed
from support.waiting import wait_until

KB = 1024
MB = 1024 * KB


@pytest.fixture(params=["corvid", "redis"])
def server(request):
    start = start_corvid if request.param == "corvid" else start_redis
    srv = start("--loglevel", "notice")
    yield srv
    srv.stop()
    if request.param == "corvid":
        report = srv.sanitizer_report()
        assert report is None, report


def address(sock):
    return "127.0.0.1:%d" % sock.getsockname()[1]


def client_entries(conn):
    listing = conn.call("CLIENT", "LIST")[1].decode()
    return {e["addr"]: e for e in (dict(f.split("=", 1) for f in line.split(" ")) for line in listing.splitlines())}


def info_field(conn, section, name):
    text = conn.call("INFO", section)[1].decode()
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)[name]


def call_ok(sock, request):
    sock.sendall(request)
    assert sock.recv(100) == b"+OK\r\n"


def stalled_set(srv, conn, size, key="k", no_evict=False):
    """A client that sends all of SET's `size`-byte value but its last byte and waits; returns
    once the server holds the partial argument (or has closed the client)."""
    sock = connect(srv)
    if no_evict:
        call_ok(sock, b"CLIENT NO-EVICT on\r\n")
    sock.sendall(b"*3\r\n$3\r\nSET\r\n$%d\r\n%s\r\n$%d\r\n" % (len(key), key.encode(), size) + b"x" * (size - 1))
    addr = address(sock)

    def held_or_gone():
        entry = client_entries(conn).get(addr)
        return entry is None or int(entry["qbuf"]) >= size - 1
    wait_until(held_or_gone, "the server to read the partial argument", timeout=20)
    return sock


def finish_set(sock):
    sock.sendall(b"x\r\n")
    sock.settimeout(10)
    return sock.recv(100)


def evicted_lines(srv):
    return [line for line in srv.read_log().splitlines() if "Evicting client: " in line]


def test_largest_client_goes_first_and_others_stay(server):
    conn = RespConnection("127.0.0.1", server.port)
    assert conn.call("CONFIG", "SET", "maxmemory-clients", "1mb")[0] == b"+OK\r\n"
    small = stalled_set(server, conn, 200 * KB, key="small")
    big = stalled_set(server, conn, 900 * KB, key="big")
    assert wait_closed(big, 10)
    assert info_field(conn, "stats", "evicted_clients") == "1"
    wait_until(lambda: len(evicted_lines(server)) == 1, "the eviction to be logged")
    line = evicted_lines(server)[0]
    assert " addr=%s " % address(big) in line
    assert " cmd=NULL " in line
    # The smaller client was left alone: its SET completes.
    assert finish_set(small) == b"+OK\r\n"
    assert len(conn.call("GET", "small")[1]) == 200 * KB
    assert conn.call("EXISTS", "big")[0] == b":0\r\n"
    # Under the limit again: nobody else goes.
    assert conn.call("PING")[0] == b"+PONG\r\n"
    assert info_field(conn, "stats", "evicted_clients") == "1"
    # CONFIG RESETSTAT clears the count.
    conn.call("CONFIG", "RESETSTAT")
    assert info_field(conn, "stats", "evicted_clients") == "0"
    small.close()
    conn.close()


def test_no_evict_client_counts_but_stays(server):
    conn = RespConnection("127.0.0.1", server.port)
    assert conn.call("CONFIG", "SET", "maxmemory-clients", "1mb")[0] == b"+OK\r\n"
    other = stalled_set(server, conn, 200 * KB, key="other")
    # The exempt client holds the most; the limit is on everyone's total, so another one
    # goes instead.
    exempt = stalled_set(server, conn, 800 * KB, key="exempt", no_evict=True)
    assert wait_closed(other, 10)
    assert " addr=%s " % address(other) in evicted_lines(server)[0]
    entry = client_entries(conn)[address(exempt)]
    assert "e" in entry["flags"]
    assert finish_set(exempt) == b"+OK\r\n"
    # NO-EVICT off: it can be chosen again.
    call_ok(exempt, b"CLIENT NO-EVICT off\r\n")
    # Redis reserves the announced 1.2MB at the header and may close it while it sends.
    send_until_closed(exempt, b"*3\r\n$3\r\nSET\r\n$6\r\nagain!\r\n$%d\r\n" % (1200 * KB) + b"x" * (1200 * KB - 1))
    assert wait_closed(exempt, 10)
    assert info_field(conn, "stats", "evicted_clients") == "2"
    conn.close()


def test_client_that_does_not_read_its_replies(server):
    """Output-buffer memory counts: a client pipelining big GETs without reading is evicted
    (its output-buffer limit is off, as for normal clients by default)."""
    conn = RespConnection("127.0.0.1", server.port)
    conn.call("SET", "big", "v" * (256 * KB))
    assert conn.call("CONFIG", "SET", "maxmemory-clients", "2mb")[0] == b"+OK\r\n"
    reader = connect(server, rcvbuf=4096)
    try:
        reader.sendall(b"GET big\r\n" * 64)
    except (BrokenPipeError, ConnectionResetError):
        pass
    wait_until(lambda: info_field(conn, "stats", "evicted_clients") == "1", "the client to be evicted")
    assert wait_closed(reader, 10)
    # The client that asked nothing unreasonable is still here.
    assert conn.call("PING")[0] == b"+PONG\r\n"
    conn.close()


def test_subscriber_that_does_not_read(server):
    conn = RespConnection("127.0.0.1", server.port)
    assert conn.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 0 0")[0] == b"+OK\r\n"
    assert conn.call("CONFIG", "SET", "maxmemory-clients", "2mb")[0] == b"+OK\r\n"
    subscriber = connect(server, rcvbuf=4096)
    subscriber.sendall(b"SUBSCRIBE news\r\n")
    wait_until(lambda: "P" in client_entries(conn).get(address(subscriber), {}).get("flags", ""), "the subscription")
    message = "m" * (64 * KB)
    # Redis re-reads a client's memory in its cron (within a second); Corvid as the message
    # is queued. Either way the subscriber goes once its unsent messages pass the limit.
    for _ in range(128):
        conn.call("PUBLISH", "news", message)
    wait_until(lambda: info_field(conn, "stats", "evicted_clients") == "1", "the subscriber to be evicted")
    assert wait_closed(subscriber, 10)
    conn.close()


def test_queued_multi_commands_count(server):
    conn = RespConnection("127.0.0.1", server.port)
    assert conn.call("CONFIG", "SET", "maxmemory-clients", "1mb")[0] == b"+OK\r\n"
    queuer = RespConnection("127.0.0.1", server.port)
    assert queuer.call("MULTI")[0] == b"+OK\r\n"
    value = "q" * (100 * KB)
    closed = False
    for i in range(30):
        try:
            reply = queuer.call("SET", "key%d" % i, value)[0]
        except (ConnectionError, OSError):
            closed = True
            break
        if reply != b"+QUEUED\r\n":
            break
    assert closed, "the client queuing 3MB of commands was never evicted"
    assert info_field(conn, "stats", "evicted_clients") == "1"
    assert conn.call("DBSIZE")[0] == b":0\r\n"
    conn.close()


def test_percentage_of_maxmemory(server):
    """5% of 20mb is 1mb: the same outcome as maxmemory-clients 1mb."""
    conn = RespConnection("127.0.0.1", server.port)
    assert conn.call("CONFIG", "SET", "maxmemory", "20mb", "maxmemory-clients", "5%")[0] == b"+OK\r\n"
    assert conn.call("CONFIG", "GET", "maxmemory-clients")[1] == [b"maxmemory-clients", b"5%"]
    stalled = stalled_set(server, conn, 1200 * KB)
    assert wait_closed(stalled, 10)
    assert info_field(conn, "stats", "evicted_clients") == "1"
    # Without maxmemory a percentage means no limit.
    assert conn.call("CONFIG", "SET", "maxmemory", "0")[0] == b"+OK\r\n"
    stalled = stalled_set(server, conn, 1200 * KB, key="k2")
    assert finish_set(stalled) == b"+OK\r\n"
    assert info_field(conn, "stats", "evicted_clients") == "1"
    conn.close()


def test_turned_off_by_zero(server):
    conn = RespConnection("127.0.0.1", server.port)
    assert conn.call("CONFIG", "SET", "maxmemory-clients", "1mb")[0] == b"+OK\r\n"
    assert conn.call("CONFIG", "SET", "maxmemory-clients", "0")[0] == b"+OK\r\n"
    stalled = stalled_set(server, conn, 1200 * KB)
    assert finish_set(stalled) == b"+OK\r\n"
    assert info_field(conn, "stats", "evicted_clients") == "0"
    # Gone before the limit returns (Redis would still count its idle query buffer).
    gone = address(stalled)
    stalled.close()
    wait_until(lambda: gone not in client_entries(conn), "the server to see the client go")
    # Turned on again while a big client is connected: it is counted at once.
    held = stalled_set(server, conn, 1200 * KB, key="k2")
    assert conn.call("CONFIG", "SET", "maxmemory-clients", "1mb")[0] == b"+OK\r\n"
    assert wait_closed(held, 10)
    assert info_field(conn, "stats", "evicted_clients") == "1"
    conn.close()
