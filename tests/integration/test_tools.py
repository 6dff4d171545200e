"""Tools people point at a Redis server work against ours: redis-cli --stat and the
Prometheus exporter, both reading INFO."""

import re
import shutil
import subprocess
import time

import pytest

from support.exporter import fetch_metrics, start_exporter, stop
from support.resp import connect


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
    errors_before = r.info("stats")["total_error_replies"]
    proc, port, text = start_exporter(exporter, corvid_server.port)
    try:
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
        text = fetch_metrics(port, proc, time.time() + 15)
        assert metric(text, 'redis_db_keys{db="db0"}') == 6
    finally:
        output = stop(proc)
    # Every command the exporter sent is one Corvid knows and answered without an error.
    # Some failures (an unknown CONFIG command, say) the exporter only logs at debug
    # level, so the server's own count of error replies is what tells; nothing else sent
    # commands meanwhile.
    sent = re.findall(r"running command: (\S+) \[([^\]\s]*)", output)
    assert ("INFO", "ALL") in sent, output
    table = connect(corvid_server)
    try:
        for name, first_argument in sent:
            [info] = table.call("COMMAND", "INFO", name)[1]
            assert info is not None, ("unknown command", name, output)
            subcommands = info[9]
            if subcommands:
                [sub] = table.call("COMMAND", "INFO", "%s|%s" % (name, first_argument))[1]
                assert sub is not None, ("unknown subcommand", name, first_argument, output)
    finally:
        table.close()
    assert r.info("stats")["total_error_replies"] == errors_before, (r.info("errorstats"), output)
    errors = [line for line in output.splitlines() if "level=error" in line]
    assert errors == [], output
