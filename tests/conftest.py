import os
import sys

import pytest
import redis

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

from support.servers import server_pair, start_corvid, start_redis  # noqa: E402


def _stop_checked(server):
    server.stop()
    report = server.sanitizer_report()
    assert report is None, "sanitizer report from %s:\n%s" % (server.log_path, report)


@pytest.fixture
def own_servers():
    """A list for the servers a test starts itself: each is stopped when the test ends, and a
    sanitizer report in its log fails the test."""
    started = []
    yield started
    for server in started:
        _stop_checked(server)


@pytest.fixture(scope="session")
def corvid_server():
    server = start_corvid()
    yield server
    _stop_checked(server)


@pytest.fixture(scope="session")
def redis_server():
    server = start_redis()
    yield server
    server.stop()


@pytest.fixture
def r(corvid_server):
    """A redis-py client on a shared corvid-server, with an empty keyspace."""
    client = redis.Redis(host="127.0.0.1", port=corvid_server.port, decode_responses=True)
    client.flushall()
    yield client
    # Leave nothing behind for tests that share the server without flushing it.
    client.flushall()
    client.close()


@pytest.fixture(params=["corvid_server", "redis_server"])
def server(request):
    """Runs the test twice, on corvid-server and on redis-server 7.0.15, each flushed first.

    Scenarios that need several connections cannot be differential scripts; written
    against this fixture, their expectations are checked on the oracle too."""
    srv = request.getfixturevalue(request.param)
    conn = redis.Redis(host="127.0.0.1", port=srv.port)
    conn.flushall()
    conn.close()
    return srv


@pytest.fixture(scope="module")
def debug_servers():
    """A private corvid-server and redis-server for one module, started with
    enable-debug-command yes (DEBUG SLEEP, SET-ACTIVE-EXPIRE), so that the module may change
    their configuration freely."""
    with server_pair("--enable-debug-command", "yes") as pair:
        yield pair


@pytest.fixture(params=[0, 1], ids=["corvid", "redis"])
def debug_server(request, debug_servers):
    """Each server of debug_servers in turn."""
    return debug_servers[request.param]


@pytest.fixture
def fresh_corvid(request):
    """A private corvid-server for tests that change configuration or kill clients.

    Extra arguments come from the test's `corvid_args` marker."""
    marker = request.node.get_closest_marker("corvid_args")
    args = marker.args if marker else ()
    server = start_corvid(*args)
    yield server
    _stop_checked(server)


def pytest_configure(config):
    config.addinivalue_line("markers", "corvid_args(*args): extra command-line arguments for fresh_corvid")
