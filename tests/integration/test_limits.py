"""Limits on clients, checked against redis-server 7.0 where Redis has the same limit:
proto-max-bulk-len, client-query-buffer-limit, client-output-buffer-limit (normal class),
maxclients and timeout. Plus Corvid's own back-pressure: a client that pipelines without
reading its replies cannot grow the server's memory without bound.
"""

import re
import select
import threading
import time

from support.resp import RespConnection
from support.servers import server_pair
from support.sockets import (config_set, connect, info, read_until_closed, send_until_closed, wait_closed,
                             wait_for_client_entry, wait_for_clients)

MB = 1024 * 1024


def echo_request(size):
    return b"*2\r\n$4\r\nECHO\r\n$%d\r\n" % size + b"e" * size + b"\r\n"


# --- proto-max-bulk-len ------------------------------------------------------------------

def test_proto_max_bulk_len_at_start_up_and_config_set():
    with server_pair("--proto-max-bulk-len", "1mb") as (corvid, redis_server):
        for server in (corvid, redis_server):
            admin = RespConnection("127.0.0.1", server.port)
            assert admin.call("CONFIG", "GET", "proto-max-bulk-len")[0] == \
                b"*2\r\n$18\r\nproto-max-bulk-len\r\n$7\r\n1048576\r\n"
            # Exactly the limit is accepted.
            conn = RespConnection("127.0.0.1", server.port)
            conn.send_raw(echo_request(MB))
            raw, value = conn.read_reply()
            assert raw[:12] == b"$1048576\r\nee" and len(value) == MB
            conn.close()
            # One more byte: the header alone is refused, and the connection closed.
            with connect(server) as sock:
                sock.sendall(b"*2\r\n$4\r\nECHO\r\n$1048577\r\n")
                assert sock.recv(100) == b"-ERR Protocol error: invalid bulk length\r\n"
                assert wait_closed(sock, 5)
            # The limit applies to the command name too.
            with connect(server) as sock:
                sock.sendall(b"*1\r\n$1048577\r\n")
                assert sock.recv(100) == b"-ERR Protocol error: invalid bulk length\r\n"
            # CONFIG SET: below the minimum, not a number, then a larger limit.
            for bad in ("1000", "abc", "-1", "1gbx"):
                ours = admin.call("CONFIG", "SET", "proto-max-bulk-len", bad)[0]
                assert ours.startswith(b"-ERR CONFIG SET failed (possibly related to argument 'proto-max-bulk-len')")
            config_set(admin, "proto-max-bulk-len", "2mb")
            conn = RespConnection("127.0.0.1", server.port)
            conn.send_raw(echo_request(MB + 1))
            assert len(conn.read_reply()[1]) == MB + 1
            # Back down: the client's next request uses the new limit.
            config_set(admin, "proto-max-bulk-len", "1mb")
            conn.send_raw(b"*2\r\n$4\r\nECHO\r\n$1048577\r\n")
            assert conn.read_reply()[0] == b"-ERR Protocol error: invalid bulk length\r\n"
            conn.close()
            admin.close()
        # Error texts of CONFIG SET are the same.
        replies = []
        for server in (corvid, redis_server):
            admin = RespConnection("127.0.0.1", server.port)
            replies.append([admin.call("CONFIG", "SET", "proto-max-bulk-len", bad)[0]
                            for bad in ("1000", "abc", "-1", "1gbx", "1048575")])
            admin.close()
        assert replies[0] == replies[1]


# --- client-query-buffer-limit -----------------------------------------------------------

def test_client_query_buffer_limit_closes_the_client_only():
    with server_pair("--client-query-buffer-limit", "1mb") as (corvid, redis_server):
        for server in (corvid, redis_server):
            admin = RespConnection("127.0.0.1", server.port)
            assert admin.call("CONFIG", "GET", "client-query-buffer-limit")[0] == \
                b"*2\r\n$25\r\nclient-query-buffer-limit\r\n$7\r\n1048576\r\n"
            # Under the limit: fine, also as a pipeline of requests each under it.
            conn = RespConnection("127.0.0.1", server.port)
            conn.send_raw(RespConnection.encode(["SET", "k", "v" * 900000]) * 2)
            assert conn.read_reply()[0] == b"+OK\r\n" and conn.read_reply()[0] == b"+OK\r\n"
            conn.close()
            # An argument that cannot fit: the client is closed without a reply.
            with connect(server) as sock:
                send_until_closed(sock, b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$2000000\r\n" + b"a" * 1100000)
                sock.settimeout(10)
                try:
                    assert sock.recv(100) == b""
                except ConnectionResetError:
                    pass
            # An unterminated inline request over the limit has hit the 64KB inline limit long before.
            assert admin.call("STRLEN", "k")[0] == b":900000\r\n"
            assert admin.call("PING")[0] == b"+PONG\r\n"
            wait_for_clients(admin, 1)
            # CONFIG SET raises it again.
            config_set(admin, "client-query-buffer-limit", "4mb")
            conn = RespConnection("127.0.0.1", server.port)
            conn.send_raw(RespConnection.encode(["SET", "k", "w" * 2000000]))
            assert conn.read_reply()[0] == b"+OK\r\n"
            conn.close()
            assert admin.call("STRLEN", "k")[0] == b":2000000\r\n"
            config_set(admin, "client-query-buffer-limit", "1mb")
            admin.close()


# --- client-output-buffer-limit ----------------------------------------------------------

def test_output_buffer_hard_limit():
    with server_pair() as (corvid, redis_server):
        for server in (corvid, redis_server):
            admin = RespConnection("127.0.0.1", server.port)
            config_set(admin, "client-output-buffer-limit", "normal 1mb 0 0")
            assert admin.call("CONFIG", "GET", "client-output-buffer-limit")[0] == (
                b"*2\r\n$26\r\nclient-output-buffer-limit\r\n$73\r\n"
                b"normal 1048576 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60\r\n")
            admin.call("SET", "big", "b" * 100000)
            # 20MB of replies to a client that never reads them: more than the kernel buffers hold.
            with connect(server, rcvbuf=4096) as hog:
                send_until_closed(hog, b"GET big\r\n" * 200)
                assert wait_closed(hog, 10)
            # A client that reads as it goes is not affected.
            conn = RespConnection("127.0.0.1", server.port)
            for _ in range(30):
                assert len(conn.call("GET", "big")[1]) == 100000
            conn.close()
            assert admin.call("PING")[0] == b"+PONG\r\n"
            wait_for_clients(admin, 1)
            config_set(admin, "client-output-buffer-limit", "normal 0 0 0")
            admin.close()


def test_output_buffer_soft_limit_after_seconds():
    with server_pair() as (corvid, redis_server):
        for server in (corvid, redis_server):
            admin = RespConnection("127.0.0.1", server.port)
            config_set(admin, "client-output-buffer-limit", "normal 0 1mb 1")
            admin.call("SET", "big", "b" * 100000)
            # Over the soft limit only briefly: never closed.
            conn = RespConnection("127.0.0.1", server.port)
            for _ in range(10):
                conn.send_raw(b"GET big\r\n" * 12)
                for _ in range(12):
                    conn.read_reply()
            assert conn.call("PING")[0] == b"+PONG\r\n"
            # Over it for longer than a second while it keeps sending (and never reads): closed.
            # Redis checks the soft limit when it adds to the buffer, hence the trickle. The
            # burst is a few large replies, not many small ones, so that however slowly the
            # server runs the commands it is done long before the limit's second is up.
            admin.call("SET", "huge", "h" * (2 * MB))
            with connect(server, rcvbuf=4096) as hog:
                hog.sendall(b"PING\r\n")
                assert hog.recv(100) == b"+PONG\r\n"  # accepted, so listed from now on until closed
                assert send_until_closed(hog, b"GET huge\r\n" * 10)
                # Going over the soft limit does not close it: the server shows it with all
                # 10 requests done and more than 1mb waiting, and keeps it while it sends
                # nothing more.
                entry = wait_for_client_entry(admin, hog, lambda e: e["qbuf"] == "0" and int(e["omem"]) >= MB)
                assert entry["cmd"] == "get", entry
                open_ = True
                deadline = time.monotonic() + 10
                while open_ and time.monotonic() < deadline:
                    time.sleep(0.1)
                    open_ = send_until_closed(hog, b"GET huge\r\n")
                assert not open_
            assert conn.call("PING")[0] == b"+PONG\r\n"
            conn.close()
            config_set(admin, "client-output-buffer-limit", "normal 0 0 0")
            admin.close()


def test_input_after_quit_is_not_buffered(fresh_corvid):
    """Corvid only: Redis keeps buffering what a client sends after QUIT while the replies
    before it wait to be read, up to client-query-buffer-limit."""
    admin = RespConnection("127.0.0.1", fresh_corvid.port)
    admin.call("SET", "big", "b" * MB)
    with connect(fresh_corvid, rcvbuf=4096) as sock:
        sock.sendall(b"GET big\r\n" * 20 + b"QUIT\r\n")
        sock.setblocking(False)
        sent = 0
        started = time.time()
        while sent < 50 * MB and time.time() - started < 10:
            try:
                sent += sock.send(b"x" * 65536)
            except BlockingIOError:
                select.select([], [sock], [], 0.1)
        assert sent >= 50 * MB
        listing = admin.call("CLIENT", "LIST")[1].decode()
        qbufs = [int(re.search(r" qbuf=(\d+) ", line).group(1)) for line in listing.splitlines()]
        assert max(qbufs) < MB, listing
        # Every reply before QUIT still arrives, then the connection closes.
        sock.setblocking(True)
        sock.settimeout(10)
        received = bytearray()
        while True:
            chunk = sock.recv(1 << 20)
            if not chunk:
                break
            received += chunk
        assert received == (b"$1048576\r\n" + b"b" * MB + b"\r\n") * 20 + b"+OK\r\n"
    admin.close()


# --- maxclients ---------------------------------------------------------------------------

def test_maxclients():
    with server_pair("--maxclients", "3") as (corvid, redis_server):
        results = []
        for server in (corvid, redis_server):
            first = RespConnection("127.0.0.1", server.port)
            wait_for_clients(first, 1)  # the start-up probe has gone
            before = info(first, "stats")
            others = [RespConnection("127.0.0.1", server.port) for _ in range(2)]
            for conn in others:
                assert conn.call("PING")[0] == b"+PONG\r\n"
            # The fourth gets Redis's error and is closed.
            with connect(server) as sock:
                results.append(read_until_closed(sock, timeout=10))
            # The others keep working; one leaves, and a new client fits again.
            assert first.call("PING")[0] == b"+PONG\r\n"
            others.pop().close()
            wait_for_clients(first, 2)
            again = RespConnection("127.0.0.1", server.port)
            assert again.call("PING")[0] == b"+PONG\r\n"
            after = info(first, "stats")
            counts = (int(after["total_connections_received"]) - int(before["total_connections_received"]),
                      int(after["rejected_connections"]) - int(before["rejected_connections"]))
            # CONFIG SET maxclients lowers the limit for new connections only.
            assert first.call("CONFIG", "SET", "maxclients", "2")[0] == b"+OK\r\n"
            assert first.call("CONFIG", "GET", "maxclients")[0] == b"*2\r\n$10\r\nmaxclients\r\n$1\r\n2\r\n"
            with connect(server) as sock:
                sock.settimeout(10)
                assert sock.recv(100) == b"-ERR max number of clients reached\r\n"
            assert again.call("PING")[0] == b"+PONG\r\n"
            results.append(counts)
            for conn in [first, again] + others:
                conn.close()
        assert results[0] == b"-ERR max number of clients reached\r\n"
        assert results[0:2] == results[2:4]


# --- timeout -------------------------------------------------------------------------------

def test_idle_clients_are_closed_after_timeout():
    with server_pair("--timeout", "1") as (corvid, redis_server):
        servers = (corvid, redis_server)
        idle = [RespConnection("127.0.0.1", s.port) for s in servers]
        busy = [RespConnection("127.0.0.1", s.port) for s in servers]
        for conn in idle + busy:
            assert conn.call("PING")[0] == b"+PONG\r\n"
        # The idle clients go; the busy ones, never a second without a command, stay (a
        # PING that finds its connection closed fails the test).
        closed = [False, False]
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and not all(closed):
            for i, conn in enumerate(idle):
                closed[i] = closed[i] or wait_closed(conn.sock, 0.05)
            for conn in busy:
                assert conn.call("PING")[0] == b"+PONG\r\n"
            time.sleep(0.2)
        assert all(closed), closed
        for conn in busy:
            assert conn.call("CONFIG", "GET", "timeout")[0] == b"*2\r\n$7\r\ntimeout\r\n$1\r\n1\r\n"
            assert conn.call("CONFIG", "SET", "timeout", "0")[0] == b"+OK\r\n"
            conn.close()


# --- back-pressure: Corvid only --------------------------------------------------------------

def rss_bytes(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    raise AssertionError("no VmRSS")


def test_pipelining_without_reading_does_not_grow_memory_without_bound(fresh_corvid):
    admin = RespConnection("127.0.0.1", fresh_corvid.port)
    admin.call("SET", "k", "v" * MB)
    pid = fresh_corvid.proc.pid
    base = rss_bytes(pid)
    # 200MB of GETs of a 1MB value would be about 9TB of replies.
    chunk = b"*2\r\n$3\r\nGET\r\n$1\r\nk\r\n" * 3000
    budget = 200 * MB
    sent = 0
    peak = base
    with connect(fresh_corvid, rcvbuf=4096) as hog:
        hog.setblocking(False)
        last_progress = time.time()
        while sent < budget and time.time() - last_progress < 1.5:
            try:
                sent += hog.send(chunk)
                last_progress = time.time()
            except BlockingIOError:
                select.select([], [hog], [], 0.1)
            peak = max(peak, rss_bytes(pid))
        # The server stopped reading: the requests wait in the kernel's buffers.
        assert sent < budget
        # Output pauses reading at 64MB; allow for buffer growth and the sanitizer's quarantine.
        assert peak - base < 600 * MB, (base, peak)
        # Other clients are served meanwhile.
        assert admin.call("PING")[0] == b"+PONG\r\n"
        assert int(info(admin, "clients")["connected_clients"]) == 2
    wait_for_clients(admin, 1)
    assert admin.call("STRLEN", "k")[0] == b":1048576\r\n"
    admin.close()


def test_back_pressure_resumes_when_the_client_reads(fresh_corvid):
    admin = RespConnection("127.0.0.1", fresh_corvid.port)
    admin.call("SET", "k", "v" * MB)
    admin.call("SET", "n", "0")
    count = 150  # 150MB of replies: reading pauses at 64MB, then resumes
    conn = RespConnection("127.0.0.1", fresh_corvid.port)
    conn_id = str(conn.call("CLIENT", "ID")[1])
    sender = threading.Thread(target=conn.send_raw, args=(b"GET k\r\nINCR n\r\n" * count,))
    sender.start()
    time.sleep(1.0)
    # Paused at 64MB of unsent replies (some of which the kernel holds), the rest of the
    # requests still unread.
    listing = admin.call("CLIENT", "LIST", "ID", conn_id)[1].decode()
    fields = dict(item.split("=", 1) for item in listing.strip().split(" "))
    assert 32 * MB <= int(fields["omem"]) <= 80 * MB, listing
    assert int(fields["qbuf"]) > 0, listing
    assert int(admin.call("GET", "n")[1]) < 80
    for i in range(count):
        assert len(conn.read_reply()[1]) == MB
        assert conn.read_reply()[1] == i + 1
    sender.join()
    assert admin.call("GET", "n")[1] == b"%d" % count
    conn.close()
    admin.close()
