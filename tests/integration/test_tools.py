"""Tools people point at a Redis server work against ours: redis-cli --stat and the
Prometheus exporter, both reading INFO."""

import re
import shutil
import socket
import subprocess
import time
import urllib.request

import pytest

# Ports set aside for the exporter's web listener in these tests.
EXPORTER_PORTS = range(17330, 17340)


def test_redis_cli_stat(r, corvid_server):
    r.mset({"a": 1, "b": 2, "c": 3})
    proc = subprocess.run(["timeout", "1.5", "stdbuf", "-o0", "redis-cli", "-p", str(corvid_server.port), "--stat",
                           "-i", "0.2"], capture_output=True, text=True)
    assert proc.returncode == 124, proc.stderr  # stopped by timeout, not by an error
    lines = proc.stdout.splitlines()
    assert "keys" in lines[1] and "mem" in lines[1] and "clients" in lines[1] and "requests" in lines[1]
    rows = [line.split() for line in lines[2:] if line.strip()]
    assert len(rows) >= 3
    for row in rows:
        assert row[0] == "3"  # keys
        assert re.fullmatch(r"\d+(\.\d+)?[BKMG]", row[1])  # mem
        assert int(row[2]) >= 1  # clients
        assert int(row[3]) == 0  # blocked
    assert "Error" not in proc.stdout and "ERR" not in proc.stdout


def free_exporter_port():
    for port in EXPORTER_PORTS:
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
                return port
            except OSError:
                continue
    pytest.skip("no free exporter port in 17330-17339")


def fetch_metrics(port, deadline):
    last_error = None
    while time.time() < deadline:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as response:
                return response.read().decode()
        except OSError as error:
            last_error = error
            time.sleep(0.1)
    raise AssertionError("exporter did not answer: %s" % last_error)


def metric(text, name):
    match = re.search(r"^%s (\S+)$" % re.escape(name), text, re.MULTILINE)
    assert match, "metric %s missing" % name
    return float(match.group(1))


def test_prometheus_exporter(r, corvid_server):
    exporter = shutil.which("prometheus-redis-exporter")
    if exporter is None:
        pytest.fail("prometheus-redis-exporter is not installed (scripts/install-deps.sh test installs it)")
    r.mset({"k1": 1, "k2": 2, "k3": 3, "k4": 4})
    r.set("volatile", 1, ex=1000)
    r.select(2)
    r.set("other", 1)
    r.select(0)
    port = free_exporter_port()
    proc = subprocess.Popen([exporter, "--redis.addr=redis://127.0.0.1:%d" % corvid_server.port,
                             "--web.listen-address=127.0.0.1:%d" % port], stdout=subprocess.PIPE,
                            stderr=subprocess.STDOUT)
    try:
        text = fetch_metrics(port, time.time() + 15)
        assert metric(text, "redis_up") == 1
        # The exporter's own connection may or may not still be open.
        clients = r.info("clients")["connected_clients"]
        assert clients <= metric(text, "redis_connected_clients") <= clients + 1
        assert metric(text, 'redis_db_keys{db="db0"}') == 5
        assert metric(text, 'redis_db_keys_expiring{db="db0"}') == 1
        assert metric(text, 'redis_db_keys{db="db2"}') == 1
        assert metric(text, "redis_memory_used_bytes") > 0
        assert metric(text, "redis_uptime_in_seconds") >= 0
        # The exporter names itself; it shows up among the clients while it scrapes.
        r.set("k5", 5)
        text = fetch_metrics(port, time.time() + 15)
        assert metric(text, 'redis_db_keys{db="db0"}') == 6
    finally:
        proc.terminate()
        try:
            output = proc.communicate(timeout=10)[0].decode(errors="replace")
        except subprocess.TimeoutExpired:
            proc.kill()
            output = proc.communicate()[0].decode(errors="replace")
    # Commands a later part of the server will bring (LATENCY...) are reported as unknown;
    # anything else the exporter complains about is ours to fix.
    errors = [line for line in output.splitlines() if "level=error" in line and "unknown command" not in line]
    assert errors == [], output
