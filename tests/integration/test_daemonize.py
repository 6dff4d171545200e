"""daemonize and pidfile, as init scripts and supervisors rely on them, checked on
corvid-server and redis-server 7.0.15 alike: with daemonize yes the started process exits
at once with status 0 and the server goes on in the background, its PID in the pidfile;
the pidfile is written without daemonize too, and removed at shutdown."""

import os
import subprocess
import tempfile
import time

import pytest

from support.resp import RespConnection
from support.servers import corvid_binary, free_port, wait_for_port
from support.waiting import wait_until


def server_argv(kind, *extra):
    """The command line of a throwaway server of `kind` in its own directory, with a pid
    file there: (argv, port, pidfile)."""
    workdir = tempfile.mkdtemp(prefix="corvid-pidfile-")
    pidfile = os.path.join(workdir, "server.pid")
    port = free_port()
    argv = [corvid_binary() if kind == "corvid" else "redis-server", "--port", str(port), "--bind", "127.0.0.1",
            "--save", "", "--dir", workdir, "--pidfile", pidfile] + [a.replace("<dir>", workdir) for a in extra]
    return argv, port, pidfile


def alive(pid):
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True


def shut_down(port, pid):
    conn = RespConnection("127.0.0.1", port)
    conn.send_raw(conn.encode(["SHUTDOWN", "NOSAVE"]))
    conn.close()
    wait_until(lambda: not alive(pid), "the server to exit")


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_daemonize_returns_at_once_and_writes_the_pid_file(kind):
    argv, port, pidfile = server_argv(kind, "--daemonize", "yes", "--logfile", "<dir>/server.log")
    started = subprocess.run(argv, timeout=30)
    assert started.returncode == 0
    wait_until(lambda: os.path.exists(pidfile) and os.path.getsize(pidfile) > 0, "the pid file")
    with open(pidfile) as f:
        pid = int(f.read().strip())
    assert alive(pid)
    wait_until(lambda: _answers(port), "the daemon to answer")
    conn = RespConnection("127.0.0.1", port)
    assert conn.call("CONFIG", "GET", "daemonize")[1] == [b"daemonize", b"yes"]
    assert conn.call("CONFIG", "GET", "pidfile")[1] == [b"pidfile", pidfile.encode()]
    conn.close()
    shut_down(port, pid)
    assert not os.path.exists(pidfile)


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_pid_file_without_daemonize(kind):
    argv, port, pidfile = server_argv(kind)
    proc = subprocess.Popen(argv, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        wait_for_port(port, proc)
        wait_until(lambda: os.path.exists(pidfile), "the pid file")
        with open(pidfile) as f:
            assert int(f.read().strip()) == proc.pid
        conn = RespConnection("127.0.0.1", port)
        conn.send_raw(conn.encode(["SHUTDOWN", "NOSAVE"]))
        conn.close()
        assert proc.wait(timeout=30) == 0
        assert not os.path.exists(pidfile)
    finally:
        if proc.poll() is None:
            proc.kill()


def _answers(port):
    try:
        conn = RespConnection("127.0.0.1", port, timeout=1)
    except OSError:
        time.sleep(0.02)
        return False
    try:
        return conn.call("PING")[0] == b"+PONG\r\n"
    finally:
        conn.close()
