"""Raw sockets and INFO polling for tests about client limits (test_limits.py,
test_abusive_clients.py): clients that read slowly or not at all, and waiting for the
server to notice that they went away."""

import socket
import time


def connect(server, rcvbuf=None):
    """A plain blocking socket to `server` (anything with a .port)."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    if rcvbuf is not None:
        # Small, so that replies the client does not read stay in the server's memory.
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
    sock.settimeout(10)
    sock.connect(("127.0.0.1", server.port))
    return sock


def wait_closed(sock, timeout):
    """Reads and discards until the server closes the connection; False on timeout."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        sock.settimeout(max(0.01, deadline - time.time()))
        try:
            if not sock.recv(1 << 20):
                return True
        except ConnectionResetError:
            return True
        except socket.timeout:
            return False
    return False


def read_until_closed(sock, timeout=30):
    """Everything the server sends until it closes the connection (a reset ends it too)."""
    received = b""
    sock.settimeout(timeout)
    while True:
        try:
            chunk = sock.recv(4096)
        except ConnectionResetError:
            break
        if not chunk:
            break
        received += chunk
    return received


def send_until_closed(sock, data):
    """Sends; False (instead of an error) if the server has closed the connection."""
    try:
        sock.sendall(data)
        return True
    except (BrokenPipeError, ConnectionResetError):
        return False


def info(conn, section):
    """INFO `section` on a RespConnection, as a dict of strings."""
    text = conn.call("INFO", section)[1].decode()
    return dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)


def wait_for_clients(conn, count, timeout=10.0):
    """Waits until the server has noticed closed connections: `count` clients remain."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        if int(info(conn, "clients")["connected_clients"]) == count:
            return
        time.sleep(0.02)
    raise AssertionError("connected_clients never reached %d" % count)


def wait_for_client_entry(conn, sock, condition, timeout=10.0):
    """Waits until CLIENT LIST shows the client of `sock` in a state `condition` accepts;
    fails at once if the server has dropped that client."""
    addr = "127.0.0.1:%d" % sock.getsockname()[1]
    deadline = time.monotonic() + timeout
    while True:
        listing = conn.call("CLIENT", "LIST")[1].decode()
        entries = [dict(item.split("=", 1) for item in line.split(" ")) for line in listing.splitlines()]
        mine = [e for e in entries if e["addr"] == addr]
        assert len(mine) == 1, "client %s is gone:\n%s" % (addr, listing)
        if condition(mine[0]):
            return mine[0]
        assert time.monotonic() < deadline, mine[0]
        time.sleep(0.02)


def config_set(conn, *args):
    reply = conn.call("CONFIG", "SET", *args)[0]
    assert reply == b"+OK\r\n", reply
