"""maxclients and the descriptor limit, on corvid-server and redis-server 7.0.15: each
raises its RLIMIT_NOFILE to maxclients + 32 when it may, and when the system allows less
lowers maxclients at start-up (and refuses CONFIG SET maxclients) with the same words.

Servers are started with a low limit that they may not raise past its hard limit (without
CAP_SYS_RESOURCE, as an unprivileged server; support.servers.open_files_limit)."""

import re

import tempfile

import pytest

from support.resp import RespConnection
from support.servers import ServerProcess, corvid_binary, free_port
from support.servers import open_files_limit as limit_open_files


def start(kind, soft, hard, *args):
    port = free_port()
    workdir = tempfile.mkdtemp(prefix="nofile-")
    binary = corvid_binary() if kind == "corvid" else "redis-server"
    argv = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", ""] + list(args)
    return ServerProcess(argv, port, workdir, preexec_fn=limit_open_files(soft, hard))


def open_files_of(pid):
    with open("/proc/%d/limits" % pid) as f:
        for line in f:
            if line.startswith("Max open files"):
                return int(line.split()[3]), int(line.split()[4])
    raise AssertionError("no open files line")


def limit_lines(server):
    """The log lines about the descriptor limit, without their time stamps."""
    wanted = ("open files", "maxclients", "max file descriptors")
    return [re.sub(r"^\d+:\w \d+ \w+ \d+ [\d:.]+ . ", "", line)
            for line in server.read_log().splitlines() if any(w in line for w in wanted)]


def info_maxclients(conn):
    text = conn.call("INFO", "clients")[1].decode()
    return int(dict(line.split(":", 1) for line in text.split("\r\n") if ":" in line)["maxclients"])


@pytest.fixture
def servers():
    started = []
    yield started
    for server in started:
        server.stop()


def test_the_limit_is_raised_to_fit_maxclients(servers):
    outcomes = []
    for kind in ("corvid", "redis"):
        # The soft limit rises up to the hard one (anyone may do that).
        server = start(kind, 256, 4096, "--maxclients", "1000")
        servers.append(server)
        conn = RespConnection("127.0.0.1", server.port)
        before = info_maxclients(conn)
        limits = open_files_of(server.proc.pid)
        # Fewer clients: nothing to do.
        set_reply = conn.call("CONFIG", "SET", "maxclients", "900")[0]
        outcomes.append((before, limits, limit_lines(server), set_reply, info_maxclients(conn),
                         open_files_of(server.proc.pid)))
        conn.close()
    corvid, redis_server = outcomes
    assert corvid == redis_server
    assert corvid[0] == 1000 and corvid[1] == (1032, 1032)
    assert corvid[2] == ["Increased maximum number of open files to 1032 (it was originally set to 256)."]
    assert corvid[3] == b"+OK\r\n" and corvid[4] == 900 and corvid[5] == (1032, 1032)


def test_maxclients_is_lowered_when_the_limit_cannot_be_raised(servers):
    outcomes = []
    for kind in ("corvid", "redis"):
        server = start(kind, 200, 300, "--maxclients", "1000")
        servers.append(server)
        conn = RespConnection("127.0.0.1", server.port)
        maxclients = info_maxclients(conn)
        refused = conn.call("CONFIG", "SET", "maxclients", "2000")[0]
        after = info_maxclients(conn)
        fits = conn.call("CONFIG", "SET", "maxclients", "100")[0]
        outcomes.append((maxclients, limit_lines(server), refused, after, fits, info_maxclients(conn)))
        conn.close()
    corvid, redis_server = outcomes
    assert corvid == redis_server
    # Asked for 1032, then 16 fewer each time until the system agrees: 296 (a hard limit
    # may be lowered); maxclients is what fits beside the 32 reserved descriptors.
    assert corvid[0] == 296 - 32
    assert corvid[2] == (b"-ERR CONFIG SET failed (possibly related to argument 'maxclients') - The operating "
                         b"system is not able to handle the specified number of clients, try with 264\r\n")
    assert corvid[3] == 264 and corvid[4] == b"+OK\r\n" and corvid[5] == 100
