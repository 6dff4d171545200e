"""Starting and stopping corvid-server and the reference redis-server for tests."""

import contextlib
import ctypes
import errno
import os
import resource
import socket
import subprocess
import tempfile
import time

REPO = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def corvid_binary():
    path = os.environ.get("CORVID_SERVER", os.path.join(REPO, "build", "asan", "corvid-server"))
    if not os.path.exists(path):
        raise RuntimeError("corvid-server not found at %s (set CORVID_SERVER)" % path)
    return path


def _xdist_worker_slot():
    """(index, count) of this pytest-xdist worker; (0, 1) when the tests run in one process.
    Each worker takes only its own share of the ports, so two workers
    never hand out the same port in the moment between probing it and the server binding it."""
    name = os.environ.get("PYTEST_XDIST_WORKER", "")
    count = int(os.environ.get("PYTEST_XDIST_WORKER_COUNT", "1") or 1)
    if not name.startswith("gw") or count < 2:
        return 0, 1
    return int(name[2:]) % count, count


# Ports this process handed out lately. A port is only probed, not held, so asking twice
# before the first server binds (a TLS port, then the server's plain port) could otherwise
# get the same answer twice.
_RECENT_PORTS = []
_RECENT_PORTS_KEPT = 64


def free_port():
    """A port free on 127.0.0.1 and on 127.0.0.2 (some tests bind both; a client socket
    bound to 127.0.0.2 by an earlier test may hold that address's ephemeral port), and not
    one of the last ports this process handed out."""
    slot, slots = _xdist_worker_slot()
    for _ in range(100 * slots):
        with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
            s.bind(("127.0.0.1", 0))
            port = s.getsockname()[1]
            # Linux hands bind() even ports (odd ones go to connect()), hence the halving.
            if (port // 2) % slots != slot:
                continue
            with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as other:
                try:
                    other.bind(("127.0.0.2", port))
                except OSError:
                    continue
            if port in _RECENT_PORTS:
                continue
            _RECENT_PORTS.append(port)
            del _RECENT_PORTS[:-_RECENT_PORTS_KEPT]
            return port
    raise RuntimeError("no port free on both 127.0.0.1 and 127.0.0.2")


def wait_for_port(port, proc, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if proc.poll() is not None:
            raise RuntimeError("server exited early with code %s" % proc.returncode)
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                s.sendall(b"PING\r\n")
                if s.recv(64).startswith(b"+PONG"):
                    return
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("server on port %d did not come up" % port)


class ServerProcess:
    """A server listening on 127.0.0.1:<port>, with its log captured to a file."""

    def __init__(self, argv, port, workdir, wait=True, preexec_fn=None):
        self.port = port
        self.workdir = workdir
        self.log_path = os.path.join(workdir, "server.log")
        self.log = open(self.log_path, "ab")
        self.proc = subprocess.Popen(argv, cwd=workdir, stdout=self.log, stderr=subprocess.STDOUT,
                                     preexec_fn=preexec_fn)
        if not wait:
            return
        try:
            wait_for_port(port, self.proc)
        except Exception:
            self.stop()
            raise RuntimeError("could not start %s:\n%s" % (argv, self.read_log()))

    def read_log(self):
        with open(self.log_path, "rb") as f:
            return f.read().decode(errors="replace")

    def stop(self, timeout=20):
        """Stops the server (SIGTERM); returns its exit code. A sanitizer report makes a test fail."""
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def kill(self):
        """SIGKILL: the process gets no chance to save or clean up."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()
        self.log.close()
        return self.proc.returncode

    def wait_exit(self, timeout=30):
        """Waits for the server to exit by itself (SHUTDOWN); returns its exit code."""
        code = self.proc.wait(timeout=timeout)
        self.log.close()
        return code

    def path(self, name):
        return os.path.join(self.workdir, name)

    def sanitizer_report(self):
        text = self.read_log()
        for marker in ("ERROR: AddressSanitizer", "ERROR: LeakSanitizer", "runtime error:"):
            if marker in text:
                return text
        return None


def open_files_limit(soft, hard):
    """A preexec_fn starting a server with RLIMIT_NOFILE (soft, hard) that it cannot raise
    past `hard`, as an unprivileged server could not: CAP_SYS_RESOURCE is dropped from the
    bounding set before exec (which removes it from root's permitted set too)."""
    def limit():
        pr_capbset_drop, cap_sys_resource = 24, 24
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(pr_capbset_drop, cap_sys_resource, 0, 0, 0) != 0 and ctypes.get_errno() != errno.EPERM:
            raise OSError(ctypes.get_errno(), "prctl(PR_CAPBSET_DROP)")
        resource.setrlimit(resource.RLIMIT_NOFILE, (soft, hard))
    return limit


def start_corvid(*extra_args, port=None, workdir=None, wait=True, preexec_fn=None):
    """corvid-server in `workdir` (a new temporary directory by default), which is where it
    keeps dump.rdb. With wait=False the caller waits for it (a server still loading its
    dump answers LOADING, not PONG). `preexec_fn` runs in the child before the server
    starts (to set resource limits, say)."""
    port = port or free_port()
    workdir = workdir or tempfile.mkdtemp(prefix="corvid-test-")
    argv = [corvid_binary(), "--port", str(port), "--bind", "127.0.0.1"] + [str(a) for a in extra_args]
    return ServerProcess(argv, port, workdir, wait=wait, preexec_fn=preexec_fn)


def start_redis(*extra_args, port=None, workdir=None, persistent=False, wait=True, preexec_fn=None):
    """redis-server 7.0.15 in `workdir`. Unless `persistent`, with snapshots and AOF off
    (the oracle for everything that is not about persistence)."""
    port = port or free_port()
    workdir = workdir or tempfile.mkdtemp(prefix="redis-oracle-")
    off = [] if persistent else ["--save", "", "--appendonly", "no"]
    argv = ["redis-server", "--port", str(port), "--bind", "127.0.0.1"] + off + ["--dir", workdir] + \
        [str(a) for a in extra_args]
    return ServerProcess(argv, port, workdir, wait=wait, preexec_fn=preexec_fn)


@contextlib.contextmanager
def server_pair(*args):
    """A private corvid-server and redis-server started with the same options."""
    corvid = start_corvid(*args)
    try:
        redis_server = start_redis(*args)
    except Exception:
        corvid.stop()
        raise
    try:
        yield corvid, redis_server
    finally:
        redis_server.stop()
        corvid.stop()
        report = corvid.sanitizer_report()
        assert report is None, "sanitizer report from %s:\n%s" % (corvid.log_path, report)


def start_either(kind, *args, workdir=None):
    """"corvid" or "redis" (with its persistence settings left to `args`), with DEBUG
    enabled: for tests that write files with one server and read them with the other."""
    if kind == "corvid":
        return start_corvid("--enable-debug-command", "yes", *args, workdir=workdir)
    return start_redis("--enable-debug-command", "yes", *args, workdir=workdir, persistent=True)


def dump_moved(own_servers, writer, reader, fill, contents):
    """Fills a `writer` server ("corvid" or "redis"), SAVEs, and starts a `reader` server on
    its dump.rdb; checks that `contents(client)` reads the same on both. Returns a client
    of the reader."""
    import redis  # the servers module is also used without redis-py installed

    first = start_either(writer, "--save", "")
    own_servers.append(first)
    conn = redis.Redis(host="127.0.0.1", port=first.port)
    fill(conn)
    expected = contents(conn)
    assert conn.save()
    conn.close()
    first.stop()
    second = start_either(reader, "--save", "", workdir=first.workdir)
    own_servers.append(second)
    other = redis.Redis(host="127.0.0.1", port=second.port)
    assert contents(other) == expected
    return other
