"""loglevel verbose and debug write what Redis 7.0 writes at those levels, checked on
corvid-server and redis-server alike: "Accepted <addr>" and "Client closed connection
<CLIENT LIST line>" for each client at verbose, every five seconds the non-empty
databases ("DB 0: 2 keys (1 volatile) in N slots HT.") at verbose and the client count
("N clients connected (0 replicas), N bytes in use") at debug; and none of them at
notice."""

import re
import time

import pytest

from support.resp import RespConnection
from support.servers import start_corvid, start_redis
from support.waiting import wait_until


def started_with_a_write(own_servers, kind, level):
    """A server of `kind` at `level` that a client has set "plain" on: (server, client)."""
    server = start_corvid("--loglevel", level, "--save", "") if kind == "corvid" else \
        start_redis("--loglevel", level)
    own_servers.append(server)
    conn = RespConnection("127.0.0.1", server.port)
    conn.call("SET", "plain", "v")
    return server, conn


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_verbose_and_debug_lines(own_servers, kind):
    server, conn = started_with_a_write(own_servers, kind, "debug")
    conn.call("SET", "volatile", "v", "EX", "1000")
    conn.call("CLIENT", "SETNAME", "leaving")
    conn.close()
    # The report comes every five seconds.
    wait_until(lambda: re.search(r" - DB 0: 2 keys \(1 volatile\) in \d+ slots HT\.", server.read_log()),
               "the databases report", timeout=30)
    log = server.read_log()
    assert re.search(r" - Accepted 127\.0\.0\.1:\d+\n", log)
    closed = re.findall(r" - Client closed connection (id=\d+ addr=127\.0\.0\.1:\d+ .*)\n", log)
    # The start-up probe's, and ours.
    assert any(" name=leaving " in line and " cmd=client|setname " in line for line in closed), closed
    assert re.search(r" \. \d+ clients connected \(0 replicas\), \d+ bytes in use\n", log)


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_notice_leaves_them_out(own_servers, kind):
    server, conn = started_with_a_write(own_servers, kind, "notice")
    conn.close()
    time.sleep(0.2)
    log = server.read_log()
    assert "Accepted" not in log and "Client closed connection" not in log
