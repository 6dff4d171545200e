"""Debian's stock /etc/redis/redis.conf, with its save points and appendonly yes switched on,
starts Corvid unchanged: every directive in it reads back (CONFIG GET) as redis-server 7.0.15
reads it from the same file, the data written survives a restart, and the AOF directory
Corvid wrote starts redis-server with the same file and the same data. Only what cannot be
shared between two servers on one machine (port, dir, pidfile, logfile, daemonize) is given
on the command line, as a service manager would."""

import os
import re
import tempfile

from support.datasets import all_databases, client_for, populate
from support.servers import ServerProcess, corvid_binary, free_port

STOCK = "/etc/redis/redis.conf"
PER_INSTANCE = {"port", "dir", "pidfile", "logfile", "daemonize"}


def stock_config(workdir):
    with open(STOCK) as f:
        text = f.read()
    text, points = re.subn(r"(?m)^# save 3600 1 300 100 60 10000$", "save 3600 1 300 100 60 10000", text)
    text, aof = re.subn(r"(?m)^appendonly no$", "appendonly yes", text)
    assert points == 1 and aof == 1, "the stock redis.conf changed shape"
    path = os.path.join(workdir, "redis.conf")
    with open(path, "w") as f:
        f.write(text)
    directives = sorted({line.split()[0] for line in text.splitlines() if line.strip() and not line.startswith("#")})
    return path, directives


def start(binary, conf, workdir):
    port = free_port()
    argv = [binary, conf, "--port", str(port), "--dir", workdir, "--daemonize", "no", "--logfile", "",
            "--pidfile", os.path.join(workdir, "server.pid")]
    return ServerProcess(argv, port, workdir)


def test_stock_redis_conf_starts_corvid_unchanged():
    base = tempfile.mkdtemp(prefix="corvid-stock-conf-")
    conf, directives = stock_config(base)
    corvid_dir, redis_dir = os.path.join(base, "corvid"), os.path.join(base, "redis")
    os.mkdir(corvid_dir)
    os.mkdir(redis_dir)
    corvid = start(corvid_binary(), conf, corvid_dir)
    redis_server = start("redis-server", conf, redis_dir)
    try:
        ours, theirs = client_for(corvid), client_for(redis_server)
        for name in directives:
            if name not in PER_INSTANCE:
                assert ours.config_get(name) == theirs.config_get(name), name
        assert ours.config_get("save") == {"save": "3600 1 300 100 60 10000"}
        assert ours.config_get("appendonly") == {"appendonly": "yes"}
        populate(ours)
        expected = all_databases(lambda db: client_for(corvid, db))
    finally:
        redis_server.stop()
        corvid.stop()
    assert corvid.sanitizer_report() is None, corvid.read_log()
    assert os.path.exists(os.path.join(corvid_dir, "appendonlydir", "appendonly.aof.manifest"))

    # Restarted with the same file, Corvid has the data; so does redis-server started with
    # that file on Corvid's directory.
    for binary in (corvid_binary(), "redis-server"):
        server = start(binary, conf, corvid_dir)
        try:
            assert all_databases(lambda db: client_for(server, db)) == expected, binary
        finally:
            server.stop()
