#!/usr/bin/env python3
"""Benchmarks corvid-server beside redis-server in one run, and prints ratios.

Each server is pinned to CPU 0 and the load generator to CPU 1; rounds alternate
between the two servers so that drift on the machine hits both alike.

  /usr/bin/python3 bench/run.py --server build/release/corvid-server [--quick]

Sections: throughput (redis-benchmark), server CPU per request, memory per key,
worst latency while the keyspace grows past 10M keys, and active-expiry latency.
"""

import argparse
import contextlib
import os
import random
import re
import resource
import selectors
import socket
import subprocess
import sys
import tempfile
import threading
import time

TESTS = ["PING_MBULK", "SET", "GET", "INCR", "MSET"]
# Collection rows: a built-in redis-benchmark test name, or a command line of our own
# (redis-benchmark fills __rand_int__ from -r). Each read row follows the row that fills
# the key it reads (HSET fills myhash, SADD myset, ZADD myzset, LPUSH mylist).
COLLECTION_TESTS = [
    ("HSET", None), ("HGET", "HGET myhash element:__rand_int__"),
    ("LPUSH", None), ("RPOP", None), ("LRANGE_100", None),
    ("SADD", None), ("SISMEMBER", "SISMEMBER myset element:__rand_int__"),
    ("ZADD", None), ("ZRANGE top 10", "ZRANGE myzset 0 9"), ("ZRANK", "ZRANK myzset element:__rand_int__"),
]


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Server:
    def __init__(self, name, argv, port, directory=None, start_timeout=10):
        self.name = name
        self.port = port
        self.argv = argv
        self.dir = directory or tempfile.mkdtemp(prefix="bench-%s-" % name)
        self.proc = subprocess.Popen(["taskset", "-c", "0"] + argv, cwd=self.dir, stdout=subprocess.DEVNULL,
                                     stderr=subprocess.DEVNULL)
        deadline = time.time() + start_timeout
        while time.time() < deadline:
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.5) as s:
                    s.sendall(b"PING\r\n")
                    if s.recv(16).startswith(b"+PONG"):
                        return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("%s did not start" % name)

    def cpu_seconds(self):
        with open("/proc/%d/stat" % self.proc.pid) as f:
            fields = f.read().rsplit(")", 1)[1].split()
        ticks = os.sysconf("SC_CLK_TCK")
        return (int(fields[11]) + int(fields[12])) / ticks

    def rss_bytes(self):
        with open("/proc/%d/statm" % self.proc.pid) as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")

    def call(self, *args):
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            s.sendall(encode(args))
            return read_reply(s)

    def stop(self):
        self.proc.terminate()
        self.proc.wait()


def encode(args):
    out = [b"*%d\r\n" % len(args)]
    for a in args:
        a = a if isinstance(a, bytes) else str(a).encode()
        out.append(b"$%d\r\n%s\r\n" % (len(a), a))
    return b"".join(out)


def read_reply(sock):
    data = b""
    while b"\r\n" not in data:
        data += sock.recv(65536)
    if data[:1] == b"$":
        n = int(data[1:data.index(b"\r\n")])
        start = data.index(b"\r\n") + 2
        while len(data) < start + n + 2:
            data += sock.recv(65536)
        return data[start:start + n]
    return data


def redis_benchmark(port, test, pipeline, requests, clients=50, command=None, keyspace=100000, connect=()):
    """Requests per second of a built-in test, or of `command` (a command line) when given.
    `connect`: more redis-benchmark connection options (TLS, --user and -a)."""
    what = command.split() if command else ["-t", test.lower()]
    out = subprocess.run(["taskset", "-c", "1", "redis-benchmark", "-p", str(port), "-n", str(requests), "-P",
                          str(pipeline), "-c", str(clients), "-r", str(keyspace), "-q", "--csv"] + list(connect) + what,
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        fields = [f.strip('"') for f in line.split(",")]
        if not fields or fields[0] == "test":
            continue
        if command or fields[0].split(" ")[0] == test.split(" ")[0].upper():
            return float(fields[1])
    raise RuntimeError("no result for %s in %r" % (test, out))


def throughput(servers, rounds, requests, tests=None):
    """`tests`: (name, command line or None for the built-in test of that name)."""
    tests = tests or [(t, None) for t in TESTS]
    rows = []
    for pipeline in (1, 32):
        for test, command in tests:
            n = requests * (10 if pipeline > 1 else 1)
            results = {s.name: [] for s in servers}
            cpu = {s.name: [] for s in servers}
            for _ in range(rounds):
                for s in servers:
                    before = s.cpu_seconds()
                    rps = redis_benchmark(s.port, test, pipeline, n, command=command)
                    results[s.name].append(rps)
                    cpu[s.name].append((s.cpu_seconds() - before) / n * 1e6)
            best = {k: max(v) for k, v in results.items()}
            cpu_per_req = {k: min(v) for k, v in cpu.items()}
            rows.append((test, pipeline, best, cpu_per_req))
            print("  %-13s P=%-2d corvid %10.0f rps  redis %10.0f rps  ratio %.2fx   cpu/req corvid %.2fus redis %.2fus"
                  % (test, pipeline, best["corvid"], best["redis"], best["corvid"] / best["redis"],
                     cpu_per_req["corvid"], cpu_per_req["redis"]), flush=True)
    return rows


def make_test_certs(directory):
    """A throwaway CA, a server certificate for 127.0.0.1 and a client certificate (openssl
    CLI); returns (server TLS options, redis-benchmark TLS options)."""
    def openssl(*args):
        subprocess.run(["openssl", *args], cwd=directory, check=True, capture_output=True)

    openssl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", "ca.key", "-out", "ca.crt", "-days", "2",
            "-subj", "/CN=bench CA")
    with open(os.path.join(directory, "san.ext"), "w") as f:
        f.write("subjectAltName=IP:127.0.0.1\n")
    for name in ("server", "client"):
        openssl("req", "-newkey", "rsa:2048", "-nodes", "-keyout", name + ".key", "-out", name + ".csr",
                "-subj", "/CN=bench " + name)
        openssl("x509", "-req", "-in", name + ".csr", "-CA", "ca.crt", "-CAkey", "ca.key", "-CAcreateserial",
                "-days", "2", "-extfile", "san.ext", "-out", name + ".crt")
    path = lambda name: os.path.join(directory, name)  # noqa: E731
    server = ["--tls-cert-file", path("server.crt"), "--tls-key-file", path("server.key"), "--tls-ca-cert-file",
              path("ca.crt")]
    client = ["--tls", "--cacert", path("ca.crt"), "--cert", path("client.crt"), "--key", path("client.key")]
    return server, client


def tls_throughput(corvid_path, rounds, requests):
    """SET and GET over TLS and over plain TCP from the same servers (both ports open), so the
    rows give TLS's cost on each server (throughput and server CPU per request) beside the
    corvid/redis ratio."""
    with tempfile.TemporaryDirectory(prefix="bench-tls-") as directory:
        server_tls, client_tls = make_test_certs(directory)
        with server_pair(corvid_path, tls=server_tls) as servers:
            rows = []
            for pipeline in (1, 32):
                for test in ("SET", "GET"):
                    n = requests * (10 if pipeline > 1 else 1)
                    best, cpu = {}, {}
                    for transport in ("tcp", "tls"):
                        results = {s.name: [] for s in servers}
                        cpu_us = {s.name: [] for s in servers}
                        for _ in range(rounds):
                            for s in servers:
                                port, extra = (s.tls_port, client_tls) if transport == "tls" else (s.port, ())
                                before = s.cpu_seconds()
                                results[s.name].append(redis_benchmark(port, test, pipeline, n, connect=extra))
                                cpu_us[s.name].append((s.cpu_seconds() - before) / n * 1e6)
                        best[transport] = {k: max(v) for k, v in results.items()}
                        cpu[transport] = {k: min(v) for k, v in cpu_us.items()}
                    tcp, tls = best["tcp"], best["tls"]
                    rows.append((test, pipeline, best, cpu))
                    print("  %-4s P=%-2d TLS corvid %9.0f rps  redis %9.0f rps  ratio %.2fx   TLS/TCP rps corvid %.2f "
                          "redis %.2f   cpu/req TLS (TCP) corvid %.2fus (%.2f) redis %.2fus (%.2f)"
                          % (test, pipeline, tls["corvid"], tls["redis"], tls["corvid"] / tls["redis"],
                             tls["corvid"] / tcp["corvid"], tls["redis"] / tcp["redis"], cpu["tls"]["corvid"],
                             cpu["tcp"]["corvid"], cpu["tls"]["redis"], cpu["tcp"]["redis"]), flush=True)
    return rows


def acl_throughput(servers, rounds, requests):
    """SET and GET as the default user (nothing to check) and as a user whose commands, keys
    and channels are restricted (every command checked against its rules), on the same
    servers: the cost of ACL checks on each, beside the corvid/redis ratio."""
    rules = ["on", ">benchpw", "~key:*", "resetchannels", "-@all", "+set", "+get", "+ping", "+config|get"]
    for s in servers:
        s.call("ACL", "SETUSER", "bench", *rules)
    users = {"default": (), "restricted": ("--user", "bench", "-a", "benchpw")}
    rows = []
    for pipeline in (1, 32):
        for test in ("SET", "GET"):
            n = requests * (10 if pipeline > 1 else 1)
            best = {}
            for user, options in users.items():
                results = {s.name: [] for s in servers}
                for _ in range(rounds):
                    for s in servers:
                        results[s.name].append(redis_benchmark(s.port, test, pipeline, n, connect=options))
                best[user] = {k: max(v) for k, v in results.items()}
            rows.append((test, pipeline, best))
            plain, checked = best["default"], best["restricted"]
            print("  %-4s P=%-2d restricted user corvid %9.0f rps  redis %9.0f rps  ratio %.2fx   restricted/default "
                  "corvid %.2f redis %.2f" % (test, pipeline, checked["corvid"], checked["redis"],
                                              checked["corvid"] / checked["redis"], checked["corvid"] / plain["corvid"],
                                              checked["redis"] / plain["redis"]), flush=True)
    return rows


def load_keys(server, count, key_len=16, value=b"v" * 16, ttl_ms=None, batch=10000):
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        fmt = "key:%0" + str(key_len - 4) + "d"
        for start in range(0, count, batch):
            chunk = []
            for i in range(start, min(count, start + batch)):
                if ttl_ms:
                    chunk.append(encode(["SET", fmt % i, value, "PX", ttl_ms]))
                else:
                    chunk.append(encode(["SET", fmt % i, value]))
            s.sendall(b"".join(chunk))
            expected = len(chunk)
            got = b""
            while got.count(b"\r\n") < expected:
                got += s.recv(1 << 20)


def memory_per_key(servers, count):
    """RSS growth per key on servers that have held nothing before (fresh processes)."""
    rows = {}
    for s in servers:
        before = s.rss_bytes()
        load_keys(s, count)
        time.sleep(0.5)
        rows[s.name] = (s.rss_bytes() - before) / count
    print("  RSS per key (%d keys, 16-byte keys, 16-byte values): corvid %.1f B  redis %.1f B  ratio %.2fx"
          % (count, rows["corvid"], rows["redis"], rows["corvid"] / rows["redis"]), flush=True)
    return rows


def load_pipelined(server, commands, batch=10000):
    """Sends `commands` (argument lists) pipelined in batches, reading every reply."""
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        for start in range(0, len(commands), batch):
            chunk = commands[start:start + batch]
            s.sendall(b"".join(encode(c) for c in chunk))
            got = b""
            while got.count(b"\r\n") < len(chunk):
                got += s.recv(1 << 20)


def collection_memory(servers, hashes, zset_members):
    """RSS growth per item: `hashes` hashes of 10 small fields, and one sorted set."""
    hash_commands = [["HSET", "user:%08d" % i] + [x for f in range(10) for x in ("field%d" % f, "value-%d" % (i + f))]
                     for i in range(hashes)]
    zset_commands = [["ZADD", "board"] + [x for m in range(start, min(zset_members, start + 100))
                                          for x in (str(m * 7 % 1000003), "member:%09d" % m)]
                     for start in range(0, zset_members, 100)]
    rows = {}
    for s in servers:
        before = s.rss_bytes()
        load_pipelined(s, hash_commands)
        time.sleep(0.5)
        middle = s.rss_bytes()
        load_pipelined(s, zset_commands, batch=100)
        time.sleep(0.5)
        rows[s.name] = ((middle - before) / hashes, (s.rss_bytes() - middle) / zset_members)
    c, r = rows["corvid"], rows["redis"]
    print("  RSS per hash (%d hashes of 10 fields): corvid %.1f B  redis %.1f B  ratio %.2fx"
          % (hashes, c[0], r[0], c[0] / r[0]), flush=True)
    print("  RSS per sorted-set member (%d members): corvid %.1f B  redis %.1f B  ratio %.2fx"
          % (zset_members, c[1], r[1], c[1] / r[1]), flush=True)
    return rows


def list_compression_memory(servers, elements):
    """RSS growth of one long list of log-like text lines, pushed with list-compress-depth 0
    and then 1 (each into a fresh list), and LRANGE throughput over its compressed middle."""
    lines = ["2026-12-07 03:%02d:%02d INFO request id=%08d path=/api/v1/items/%d status=200 bytes=%d"
             % (i // 60 % 60, i % 60, i, i % 977, i % 5000) for i in range(elements)]
    commands = [["RPUSH", "log"] + lines[start:start + 100] for start in range(0, elements, 100)]
    rows = {}
    for s in servers:
        figures = []
        for depth in ("0", "1"):
            s.call("CONFIG", "SET", "list-compress-depth", depth)
            before = s.rss_bytes()
            load_pipelined(s, commands, batch=100)
            time.sleep(0.5)
            figures.append((s.rss_bytes() - before) / elements)
            s.call("DEL", "log")
            time.sleep(0.5)
        rows[s.name] = figures
    c, r = rows["corvid"], rows["redis"]
    for i, depth in enumerate(("0", "1")):
        print("  RSS per list element (%d text lines, list-compress-depth %s): corvid %.1f B  redis %.1f B  "
              "ratio %.2fx" % (elements, depth, c[i], r[i], c[i] / r[i]), flush=True)
    return rows


class SubscriberDrain(threading.Thread):
    """`count` connections SUBSCRIBEd to `channel`, read by one thread that only counts
    bytes: the subscribers cost the machine as little as they can."""

    def __init__(self, port, channel, count):
        super().__init__(daemon=True)
        self.selector = selectors.DefaultSelector()
        self.socks = []
        for _ in range(count):
            s = socket.create_connection(("127.0.0.1", port))
            s.sendall(encode(["SUBSCRIBE", channel]))
            got = b""
            while got.count(b"\r\n") < 6:
                got += s.recv(4096)
            s.setblocking(False)
            self.selector.register(s, selectors.EVENT_READ)
            self.socks.append(s)
        self.running = True

    def run(self):
        while self.running:
            for key, _ in self.selector.select(timeout=0.1):
                try:
                    key.fileobj.recv(1 << 20)
                except BlockingIOError:
                    pass

    def stop(self):
        self.running = False
        self.join()
        for s in self.socks:
            s.close()


def publish_throughput(servers, rounds, requests):
    """PUBLISH to 1, 10 and 100 subscribers, pipelined 32 deep from 50 clients.

    Every message is read by the subscribers; fewer publishes go to more subscribers so
    that each row moves about the same number of messages. The pubsub output limit is
    lifted so that a subscriber that falls behind is not dropped mid-row."""
    for s in servers:
        s.call("CONFIG", "SET", "client-output-buffer-limit", "pubsub 0 0 0")
    rows = []
    for subscribers in (1, 10, 100):
        n = max(20000, requests // subscribers)
        results = {s.name: [] for s in servers}
        cpu = {s.name: [] for s in servers}
        drains = {s.name: SubscriberDrain(s.port, "bench", subscribers) for s in servers}
        for d in drains.values():
            d.start()
        for _ in range(rounds):
            for s in servers:
                before = s.cpu_seconds()
                results[s.name].append(redis_benchmark(s.port, "PUBLISH", 32, n, command="PUBLISH bench hello"))
                cpu[s.name].append((s.cpu_seconds() - before) / n * 1e6)
        for d in drains.values():
            d.stop()
        best = {k: max(v) for k, v in results.items()}
        cpu_per_req = {k: min(v) for k, v in cpu.items()}
        rows.append((subscribers, best, cpu_per_req))
        print("  PUBLISH to %3d subscribers P=32  corvid %10.0f rps  redis %10.0f rps  ratio %.2fx   "
              "cpu/req corvid %.2fus redis %.2fus" % (subscribers, best["corvid"], best["redis"],
                                                     best["corvid"] / best["redis"], cpu_per_req["corvid"],
                                                     cpu_per_req["redis"]), flush=True)
    return rows


def transaction_throughput(servers, rounds, transactions, connections=8, batch=200):
    """MULTI / SET / INCR / EXEC, pipelined `batch` transactions deep on each connection.

    redis-benchmark sends one command per request, so this client is ours: the requests
    are encoded once and every reply byte is read; CPU per transaction compares the
    servers, as the client (Python) is the limit on the rate."""
    one = b"".join(encode(c) for c in (["MULTI"], ["SET", "tx:key", "v"], ["INCR", "tx:counter"], ["EXEC"]))
    payload = one * batch
    # +OK, +QUEUED, +QUEUED, then EXEC's *2 / +OK / :n: six lines per transaction.
    lines_per_batch = 6 * batch

    def worker(port, count):
        with socket.create_connection(("127.0.0.1", port)) as s:
            for _ in range(count // batch):
                s.sendall(payload)
                got, tail = 0, b""
                while got < lines_per_batch:
                    # A CRLF may straddle two reads: carry the last byte over.
                    data = tail + s.recv(1 << 20)
                    got += data.count(b"\r\n")
                    tail = data[-1:] if data.endswith(b"\r") else b""

    best, cpu_per_tx = {}, {}
    for _ in range(rounds):
        for s in servers:
            before, started = s.cpu_seconds(), time.time()
            threads = [threading.Thread(target=worker, args=(s.port, transactions // connections))
                       for _ in range(connections)]
            for t in threads:
                t.start()
            for t in threads:
                t.join()
            elapsed = time.time() - started
            best[s.name] = max(best.get(s.name, 0), transactions / elapsed)
            per_tx = (s.cpu_seconds() - before) / transactions * 1e6
            cpu_per_tx[s.name] = min(cpu_per_tx.get(s.name, per_tx), per_tx)
    print("  MULTI/SET/INCR/EXEC  corvid %8.0f tx/s  redis %8.0f tx/s  ratio %.2fx   cpu/tx corvid %.2fus redis %.2fus"
          % (best["corvid"], best["redis"], best["corvid"] / best["redis"], cpu_per_tx["corvid"],
             cpu_per_tx["redis"]), flush=True)
    return best, cpu_per_tx


def eviction_throughput(servers, rounds, requests, headroom=64 << 20):
    """SETs of new 100-byte values into a server held at maxmemory: every write evicts.

    Each server gets maxmemory = its own used memory + `headroom`, so both hold the same
    budget for data; the keys each keeps within it compare memory per key under eviction."""
    command = "SET key:__rand_int__ " + "v" * 100
    for policy in ("allkeys-lru", "allkeys-lfu", "allkeys-random"):
        best, cpu, kept, evicted = {}, {}, {}, {}
        for s in servers:
            s.call("CONFIG", "SET", "maxmemory", "0")
            s.call("FLUSHALL")
            s.call("CONFIG", "RESETSTAT")  # evicted_keys per policy
            used = int(re.search(rb"used_memory:(\d+)", s.call("INFO", "memory")).group(1))
            s.call("CONFIG", "SET", "maxmemory-policy", policy)
            s.call("CONFIG", "SET", "maxmemory", str(used + headroom))
            # Fill to the limit first, so that the measured runs evict all the way.
            redis_benchmark(s.port, "SET", 32, requests, command=command, keyspace=100000000)
        for _ in range(rounds):
            for s in servers:
                before = s.cpu_seconds()
                rps = redis_benchmark(s.port, "SET", 32, requests, command=command, keyspace=100000000)
                best[s.name] = max(best.get(s.name, 0), rps)
                per_req = (s.cpu_seconds() - before) / requests * 1e6
                cpu[s.name] = min(cpu.get(s.name, per_req), per_req)
        for s in servers:
            kept[s.name] = int(s.call("DBSIZE")[1:-2])  # ":n\r\n"
            evicted[s.name] = int(re.search(rb"evicted_keys:(\d+)", s.call("INFO", "stats")).group(1))
            s.call("CONFIG", "SET", "maxmemory", "0")
        print("  SET under %-14s P=32 corvid %9.0f rps  redis %9.0f rps  ratio %.2fx   cpu/req corvid %.2fus "
              "redis %.2fus   keys kept in %d MB: corvid %d redis %d (%.2fx)   evicted corvid %d redis %d"
              % (policy, best["corvid"], best["redis"], best["corvid"] / best["redis"], cpu["corvid"],
                 cpu["redis"], headroom >> 20, kept["corvid"], kept["redis"], kept["corvid"] / kept["redis"],
                 evicted["corvid"], evicted["redis"]), flush=True)


class LatencyProbe(threading.Thread):
    """Sends PING back to back on its own connection and keeps the worst round trip (and
    every round trip, for percentiles)."""

    def __init__(self, port):
        super().__init__(daemon=True)
        self.port = port
        self.worst_ms = 0.0
        self.samples = 0
        self.round_trips_ms = []
        self.stop = False

    def run(self):
        with socket.create_connection(("127.0.0.1", self.port)) as s:
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            while not self.stop:
                t0 = time.perf_counter()
                s.sendall(b"PING\r\n")
                s.recv(64)
                elapsed_ms = (time.perf_counter() - t0) * 1000
                self.worst_ms = max(self.worst_ms, elapsed_ms)
                self.round_trips_ms.append(elapsed_ms)
                self.samples += 1
                time.sleep(0.0005)

    def percentile(self, share):
        ordered = sorted(self.round_trips_ms)
        return ordered[min(len(ordered) - 1, int(len(ordered) * share))] if ordered else 0.0


def growth_latency(servers, keys):
    rows = {}
    for s in servers:
        s.call("FLUSHALL")
        probe = LatencyProbe(s.port)
        probe.start()
        subprocess.run(["taskset", "-c", "1", "redis-benchmark", "-p", str(s.port), "-t", "set", "-n",
                        str(int(keys * 1.2)), "-r", str(keys * 50), "-P", "64", "-c", "4", "-d", "8", "-q"],
                       capture_output=True, check=True)
        probe.stop = True
        probe.join()
        dbsize = s.call("DBSIZE")
        rows[s.name] = probe.worst_ms
        print("  worst PING latency while growing to %s keys: %s %.2f ms (%d probes)"
              % (dbsize.decode().strip()[1:], s.name, probe.worst_ms, probe.samples), flush=True)
        s.call("FLUSHALL")
    return rows


def expiry_latency(servers, keys):
    rows = {}
    for s in servers:
        s.call("FLUSHALL")
        load_keys(s, keys, ttl_ms=1000)
        probe = LatencyProbe(s.port)
        probe.start()
        start = time.time()
        while time.time() - start < 30:
            if s.call("DBSIZE").strip() == b":0":
                break
            time.sleep(0.1)
        gone = time.time() - start
        probe.stop = True
        probe.join()
        rows[s.name] = (probe.worst_ms, gone)
        print("  %d keys with 1s TTL: %s all expired %.1fs after loading, worst PING latency meanwhile %.2f ms"
              % (keys, s.name, gone, probe.worst_ms), flush=True)
    return rows


# What scripts are used for most: a fixed-window rate limiter (INCR, PEXPIRE on the first
# hit) and a read through a script. Both are run by SHA, as clients do.
RATE_LIMITER = ("local c = redis.call('incr', KEYS[1]) "
                "if c == 1 then redis.call('pexpire', KEYS[1], ARGV[1]) end "
                "if c > tonumber(ARGV[2]) then return 0 end return 1")
SCRIPTED_GET = "return redis.call('get', KEYS[1])"


# The same two as a function library, called with FCALL.
FUNCTION_LIBRARY = ("#!lua name=bench\n"
                    "redis.register_function('limit', function(keys, args) "
                    "local c = redis.call('incr', keys[1]) "
                    "if c == 1 then redis.call('pexpire', keys[1], args[1]) end "
                    "if c > tonumber(args[2]) then return 0 end return 1 end)\n"
                    "redis.register_function{function_name='read', flags={'no-writes'}, "
                    "callback=function(keys) return redis.call('get', keys[1]) end}")


def scripting_throughput(servers, rounds, requests):
    shas = set()
    for s in servers:
        shas.add((s.call("SCRIPT", "LOAD", RATE_LIMITER).decode(), s.call("SCRIPT", "LOAD", SCRIPTED_GET).decode()))
        s.call("FUNCTION", "LOAD", "REPLACE", FUNCTION_LIBRARY)
    assert len(shas) == 1
    limiter, getter = shas.pop()
    return throughput(servers, rounds, requests, tests=[
        ("EVALSHA limiter", "EVALSHA %s 1 rate:__rand_int__ 60000 100" % limiter),
        ("EVALSHA get", "EVALSHA %s 1 key:__rand_int__" % getter),
        ("FCALL limiter", "FCALL limit 1 rate:__rand_int__ 60000 100"),
        ("FCALL_RO get", "FCALL_RO read 1 key:__rand_int__"),
    ])


def load_geo_members(server, count, seed=7, batch=1000):
    """`count` members m:<12 digits> (the names redis-benchmark's __rand_int__ makes) at
    seeded random positions in a 1 x 1 degree square around Palermo."""
    rng = random.Random(seed)
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        for start in range(0, count, batch):
            args = ["GEOADD", "geo"]
            for i in range(start, min(count, start + batch)):
                args += ["%.6f" % rng.uniform(13.0, 14.0), "%.6f" % rng.uniform(37.5, 38.5), "m:%012d" % i]
            s.sendall(encode(args))
            read_reply(s)


def geo_throughput(servers, rounds, requests):
    """GEOADD of new members at varied positions, and GEOSEARCH around a random member of
    100,000 (about eight within 500 m), sorted by distance."""
    for s in servers:
        load_geo_members(s, 100000)
    return throughput(servers, rounds, requests, tests=[
        ("GEOADD", "GEOADD geo:new 13.__rand_int__ 38.__rand_int__ m:__rand_int__"),
        ("GEOSEARCH", "GEOSEARCH geo FROMMEMBER m:__rand_int__ BYRADIUS 500 m ASC"),
        ("GEOPOS", "GEOPOS geo m:__rand_int__"),
    ])


def stream_throughput(servers, rounds, requests):
    """XADD with generated IDs to one stream; XRANGE of 10 entries from its start; XLEN."""
    for s in servers:
        load_pipelined(s, [["XADD", "bench:read", "%d-0" % (i + 1), "field", "v" * 16] for i in range(100000)])
    return throughput(servers, rounds, requests, tests=[
        ("XADD", "XADD bench:stream * field value:__rand_int__"),
        ("XRANGE 10", "XRANGE bench:read - + COUNT 10"),
        ("XREAD 10", "XREAD COUNT 10 STREAMS bench:read 50000-0"),
    ])


def load_stream(server, key, entries, batch=10000):
    """XADDs entries 1-0 .. entries-0 (one field, a 16-byte value), pipelined in batches."""
    with socket.create_connection(("127.0.0.1", server.port)) as s:
        for start in range(1, entries + 1, batch):
            stop = min(entries + 1, start + batch)
            s.sendall(b"".join(encode(["XADD", key, "%d-0" % i, "field", "v" * 16]) for i in range(start, stop)))
            got = b""
            while got.count(b"\r\n") < 2 * (stop - start):  # each reply is a bulk string: two lines
                got += s.recv(1 << 20)


def fresh_group(server, key, deliver):
    """The group g made anew at the stream's start; with `deliver`, every entry read into
    consumer c's pending list first (XREADGROUP COUNT 1000 until the stream is read, so
    that no huge reply inflates either server's memory; replies discarded)."""
    server.call("XGROUP", "DESTROY", key, "g")
    server.call("XGROUP", "CREATE", key, "g", "0")
    if deliver:
        with socket.create_connection(("127.0.0.1", server.port)) as s:
            while True:
                s.sendall(encode(["XREADGROUP", "GROUP", "g", "c", "COUNT", "1000", "STREAMS", key, ">"]) +
                          encode(["PING"]))
                got = b""
                while not got.endswith(b"+PONG\r\n"):
                    got += s.recv(1 << 22)
                if got.startswith(b"*-1"):
                    break


def stream_group_throughput(servers, rounds, requests):
    """Consumer groups by redis-benchmark over a stream of one entry per request: XREADGROUP
    delivering the next new entry (COUNT 1) into the consumer's pending list, the group
    made afresh before each run; and XACK of a random ID among the entries pending then
    (about two thirds of the calls acknowledge one, the rest find it gone)."""
    key = "bench:group"
    most = requests * 10
    for s in servers:
        load_stream(s, key, most)
    rows = []
    for pipeline in (1, 32):
        n = requests * (10 if pipeline > 1 else 1)
        for test, command in (("XREADGROUP", "XREADGROUP GROUP g c COUNT 1 STREAMS %s >" % key),
                              ("XACK", "XACK %s g __rand_int__-0" % key)):
            results = {s.name: [] for s in servers}
            for _ in range(rounds):
                for s in servers:
                    fresh_group(s, key, deliver=test == "XACK")
                    results[s.name].append(redis_benchmark(s.port, test, pipeline, n, command=command,
                                                           keyspace=n))
            best = {k: max(v) for k, v in results.items()}
            rows.append((test, pipeline, best))
            print("  %-13s P=%-2d corvid %10.0f rps  redis %10.0f rps  ratio %.2fx"
                  % (test, pipeline, best["corvid"], best["redis"], best["corvid"] / best["redis"]), flush=True)
    return rows


def pending_entry_memory(servers, entries):
    """RSS growth per pending entry: a stream of `entries` entries read in full by one
    consumer of a group (each entry then pending, in the group's and the consumer's PEL)."""
    rows = {}
    for s in servers:
        load_stream(s, "mem:pel", entries)
        time.sleep(0.5)
        before = s.rss_bytes()
        fresh_group(s, "mem:pel", deliver=True)
        time.sleep(0.5)
        rows[s.name] = (s.rss_bytes() - before) / entries
    print("  RSS per pending entry (%d pending): corvid %.1f B  redis %.1f B  ratio %.2fx"
          % (entries, rows["corvid"], rows["redis"], rows["corvid"] / rows["redis"]), flush=True)
    return rows


def stream_memory(servers, entries):
    """RSS growth per stream entry (one field of 6 bytes, a 16-byte value, generated IDs)
    on fresh servers."""
    rows = {}
    for s in servers:
        before = s.rss_bytes()
        load_pipelined(s, [["XADD", "mem:stream", "*", "field", "v%015d" % i] for i in range(entries)])
        time.sleep(0.5)
        rows[s.name] = (s.rss_bytes() - before) / entries
    print("  RSS per stream entry (%d entries): corvid %.1f B  redis %.1f B  ratio %.2fx"
          % (entries, rows["corvid"], rows["redis"], rows["corvid"] / rows["redis"]), flush=True)
    return rows


# --- abusive clients beside a steady load ---------------------------------------------------

class Attack:
    """Connections that misbehave while a benchmark runs; start() opens them, stop() closes."""

    def __init__(self, port):
        self.port = port
        self.socks = []
        self.running = False
        self.thread = None

    def connect(self, rcvbuf=None):
        sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
        if rcvbuf:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, rcvbuf)
        sock.connect(("127.0.0.1", self.port))
        self.socks.append(sock)
        return sock

    def start(self):
        self.running = True

    def stop(self):
        self.running = False
        if self.thread:
            self.thread.join()
        for sock in self.socks:
            sock.close()


class IdleConnections(Attack):
    label = "5000 idle connections"

    def start(self):
        super().start()
        for _ in range(5000):
            self.connect().sendall(b"PING\r\n")


class Slowloris(Attack):
    """200 connections each sending a SET one byte a second."""
    label = "200 slowloris clients"

    def start(self):
        super().start()
        request = encode(["SET", "slow", "x" * 64])
        for _ in range(200):
            self.connect().setblocking(False)

        def drip():
            sent = 0
            while self.running:
                for sock in self.socks:
                    try:
                        sock.send(request[sent % len(request):sent % len(request) + 1])
                        sock.recv(4096)
                    except (BlockingIOError, OSError):
                        pass
                sent += 1
                time.sleep(1)
        self.thread = threading.Thread(target=drip, daemon=True)
        self.thread.start()


class AnnouncedBulks(Attack):
    """8 clients announcing a 512MB argument, sending 1MB of it and stalling."""
    label = "8 stalled 512MB bulks"

    def start(self):
        super().start()
        for i in range(8):
            self.connect().sendall(b"*3\r\n$3\r\nSET\r\n$4\r\nbig%d\r\n$536870912\r\n" % i + b"x" * (1 << 20))
        time.sleep(0.5)


class DeafSubscriber(Attack):
    """A subscriber that never reads, under a publisher sending 16KB messages (up to
    client-output-buffer-limit pubsub, whose default closes it at 32MB)."""
    label = "deaf subscriber + publisher"

    def start(self):
        super().start()
        self.connect(rcvbuf=4096).sendall(b"SUBSCRIBE news\r\n")
        publisher = self.connect()
        request = encode(["PUBLISH", "news", "m" * 16384])

        def publish():
            while self.running:
                publisher.sendall(request)
                read_reply(publisher)
                time.sleep(0.001)
        self.thread = threading.Thread(target=publish, daemon=True)
        self.thread.start()


ATTACKS = [IdleConnections, Slowloris, AnnouncedBulks, DeafSubscriber]


class UsedMemorySampler(threading.Thread):
    """Reads used_memory ten times a second and keeps the highest figure."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.highest = 0
        self.stop = False

    def run(self):
        while not self.stop:
            self.highest = max(self.highest, int(info_field(self.server, "memory", "used_memory")))
            time.sleep(0.1)


def abuse_latency(servers, rounds, requests):
    """redis-benchmark SET (50 clients) and a PING probe, alone and beside each attack: the
    well-behaved clients' throughput and latency (best of `rounds` alternating rounds), the
    most memory the server held meanwhile (used_memory sampled ten times a second over at
    least 3 seconds) and what is left once the attack is gone. This process runs on CPU 1
    with redis-benchmark, so the probe and the attackers do not share the server's CPU."""
    os.sched_setaffinity(0, {1})
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)  # room for the idle connections
    resource.setrlimit(resource.RLIMIT_NOFILE, (max(soft, min(hard, 20000)), hard))
    rows = []
    for attack_class in [None] + ATTACKS:
        row = {}
        for _ in range(rounds):
            for s in servers:
                s.call("FLUSHALL")
                base_memory = int(info_field(s, "memory", "used_memory"))
                attack = attack_class(s.port) if attack_class else None
                started = time.time()
                if attack:
                    attack.start()
                probe = LatencyProbe(s.port)
                probe.start()
                sampler = UsedMemorySampler(s)
                sampler.start()
                rps = redis_benchmark(s.port, "SET", 1, requests)
                probe.stop = True
                probe.join()
                time.sleep(max(0.0, 3 - (time.time() - started)))
                sampler.stop = True
                sampler.join()
                held = sampler.highest - base_memory
                if attack:
                    attack.stop()
                time.sleep(2.5)  # the servers free idle clients' buffers within about 2 seconds
                s.call("FLUSHALL")
                left = int(info_field(s, "memory", "used_memory")) - base_memory
                result = (rps, probe.percentile(0.5), probe.percentile(0.99), probe.worst_ms, held, left)
                if s.name not in row or rps > row[s.name][0]:
                    row[s.name] = result
        label = attack_class.label if attack_class else "no attack"
        rows.append((label, row))
        c, r = row["corvid"], row["redis"]
        print("  %-28s SET corvid %8.0f rps redis %8.0f rps ratio %.2fx | PING p50/p99/max corvid %.2f/%.2f/%.1f ms "
              "redis %.2f/%.2f/%.1f ms | most memory held corvid %s redis %s, after corvid %s redis %s"
              % (label, c[0], r[0], c[0] / r[0], c[1], c[2], c[3], r[1], r[2], r[3],
                 human_bytes(c[4]), human_bytes(r[4]), human_bytes(c[5]), human_bytes(r[5])), flush=True)
    return rows


def human_bytes(n):
    for unit in ("B", "KB", "MB", "GB"):
        if abs(n) < 1024 or unit == "GB":
            return "%.1f%s" % (n, unit) if unit != "B" else "%dB" % n
        n /= 1024.0


def info_field(server, section, field):
    text = server.call("INFO", section).decode()
    return re.search(r"^%s:(\S+)" % field, text, re.M).group(1)


def fork_child_private_bytes(pid):
    """Private dirty bytes of `pid`'s children: what a fork's copy-on-write costs."""
    total = 0
    try:
        with open("/proc/%d/task/%d/children" % (pid, pid)) as f:
            children = [int(c) for c in f.read().split()]
    except OSError:
        return 0
    for child in children:
        try:
            with open("/proc/%d/smaps_rollup" % child) as f:
                for line in f:
                    if line.startswith("Private_Dirty:"):
                        total += int(line.split()[1]) * 1024
        except OSError:
            pass
    return total


class MemorySampler(threading.Thread):
    """The server's extra memory over a baseline, sampled every 10 ms: its own resident set
    growth plus what forked children hold privately (Redis's copy-on-write)."""

    def __init__(self, server):
        super().__init__(daemon=True)
        self.server = server
        self.baseline = server.rss_bytes()
        self.peak = 0
        self.stop = False

    def run(self):
        while not self.stop:
            extra = self.server.rss_bytes() - self.baseline + fork_child_private_bytes(self.server.proc.pid)
            self.peak = max(self.peak, extra)
            time.sleep(0.01)


def mixed_dataset(server, keys):
    """`keys` keys: 60% strings of 100 bytes named as redis-benchmark names them (so its SET
    load overwrites them in place), and 10% each hashes, lists, sets and sorted sets of ten
    elements."""
    strings = keys * 6 // 10
    each = (keys - strings) // 4
    value = b"v" * 100
    commands = [["SET", b"key:%012d" % i, value] for i in range(strings)]
    load_pipelined(server, commands)
    for kind in ("hash", "list", "set", "zset"):
        commands = []
        for i in range(each):
            name = b"%s:%d" % (kind.encode(), i)
            if kind == "hash":
                commands.append(["HSET", name] + [x for j in range(10) for x in (b"field%d" % j, b"value%d" % j)])
            elif kind == "list":
                commands.append(["RPUSH", name] + [b"element%d" % j for j in range(10)])
            elif kind == "set":
                commands.append(["SADD", name] + [b"member%d" % j for j in range(10)])
            else:
                commands.append(["ZADD", name] + [x for j in range(10) for x in (str(j), b"member%d" % j)])
        load_pipelined(server, commands)
    return strings


def snapshot_figures(servers, keys):
    """BGSAVE of `keys` mixed keys under a steady SET load: extra memory, the worst PING,
    how long it takes; then SAVE without load, and start-up from the file."""
    rows = {}
    for s in servers:
        strings = mixed_dataset(s, keys)
        dataset = int(info_field(s, "memory", "used_memory"))
        writer = subprocess.Popen(["taskset", "-c", "1", "redis-benchmark", "-p", str(s.port), "-t", "set", "-n",
                                   "100000000", "-r", str(strings), "-d", "100", "-c", "2", "-q"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(1)
        sampler = MemorySampler(s)
        probe = LatencyProbe(s.port)
        sampler.start()
        probe.start()
        time.sleep(0.5)
        started = time.perf_counter()
        s.call("BGSAVE")
        while info_field(s, "persistence", "rdb_bgsave_in_progress") == "1":
            time.sleep(0.02)
        bgsave_s = time.perf_counter() - started
        time.sleep(0.2)
        probe.stop = sampler.stop = True
        probe.join()
        sampler.join()
        writer.terminate()
        writer.wait()
        started = time.perf_counter()
        s.call("SAVE")
        save_s = time.perf_counter() - started
        size = os.path.getsize(os.path.join(s.dir, "dump.rdb"))
        rows[s.name] = dict(dataset=dataset, extra=sampler.peak, ping=probe.worst_ms, bgsave=bgsave_s, save=save_s,
                            file=size)
        print("  %s: dataset %.0f MB, file %.0f MB; BGSAVE under load %.2f s, extra memory %.1f MB (%.1f%%), "
              "worst PING %.2f ms; SAVE %.2f s" % (s.name, dataset / 2**20, size / 2**20, bgsave_s,
                                                   sampler.peak / 2**20, 100.0 * sampler.peak / dataset,
                                                   probe.worst_ms, save_s), flush=True)
    for i, s in enumerate(servers):
        s.stop()
        started = time.perf_counter()
        servers[i] = Server(s.name, s.argv, s.port, directory=s.dir, start_timeout=600)
        rows[s.name]["startup"] = time.perf_counter() - started
        strings = keys * 6 // 10
        assert int(servers[i].call("DBSIZE")[1:].strip()) == strings + 4 * ((keys - strings) // 4)
        print("  %s: start-up with the file %.2f s" % (s.name, rows[s.name]["startup"]), flush=True)
    return rows


def glob_patterns(servers):
    """KEYS with patterns that make a backtracking matcher exponential, on one 20000-byte
    key: the speed check the unit tests do not make (they check only the answers)."""
    subject = "a" * 20000
    patterns = [("500 x 'a*' then 'b'", "a*" * 500 + "b"),
                ("20 x '*a' then '*b'", "*a" * 20 + "*b"),
                ("20 x '*?' then '*[^a]'", "*?" * 20 + "*[^a]")]
    rows = {}
    for s in servers:
        s.call("FLUSHALL")
        s.call("SET", subject, "v")
    for label, pattern in patterns:
        times = {}
        for s in servers:
            start = time.perf_counter()
            s.call("KEYS", pattern)
            times[s.name] = (time.perf_counter() - start) * 1000
        rows[label] = times
        print("  KEYS %-24s corvid %8.2f ms   redis %8.2f ms" % (label, times["corvid"], times["redis"]), flush=True)
    return rows


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--server", required=True)
    ap.add_argument("--quick", action="store_true", help="fewer requests and keys (smoke run)")
    ap.add_argument("--sections",
                    default="throughput,memory,collections,collection-memory,list-memory,pubsub,transactions,"
                            "eviction,growth,expiry,glob,snapshot,scripting,geo,streams,tls,acl,abuse")
    args = ap.parse_args()
    rounds, requests = (1, 20000) if args.quick else (3, 200000)
    version = subprocess.run(["redis-server", "--version"], capture_output=True, text=True).stdout.strip()
    print("corvid %s vs %s" % (args.server, version))
    sections = args.sections.split(",")
    # Each section gets a fresh pair of servers, so one section's leftovers (allocator
    # caches, table sizes) do not colour the next.
    if "throughput" in sections:
        print("throughput (best of %d alternating rounds, 50 clients):" % rounds)
        with server_pair(args.server) as servers:
            throughput(servers, rounds, requests)
    if "tls" in sections:
        print("== TLS (redis-benchmark --tls with a client certificate, 50 clients; best of %d rounds)" % rounds)
        tls_throughput(args.server, rounds, requests)
    if "acl" in sections:
        print("== ACL (redis-benchmark as the default user and as a restricted one, 50 clients; best of %d rounds)"
              % rounds)
        with server_pair(args.server) as servers:
            acl_throughput(servers, rounds, requests)
    if "abuse" in sections:
        print("== abusive clients (redis-benchmark SET, 50 clients, and a PING probe, beside each attack)")
        with server_pair(args.server) as servers:
            abuse_latency(servers, rounds, requests)
    if "scripting" in sections:
        print("== scripting (EVALSHA and FCALL by redis-benchmark, 50 clients)")
        with server_pair(args.server) as servers:
            scripting_throughput(servers, rounds, requests)
    if "streams" in sections:
        print("== streams (redis-benchmark, 50 clients)")
        with server_pair(args.server) as servers:
            stream_throughput(servers, rounds, requests)
        with server_pair(args.server) as servers:
            stream_group_throughput(servers, rounds, requests)
        with server_pair(args.server) as servers:
            stream_memory(servers, 100000 if args.quick else 1000000)
        with server_pair(args.server) as servers:
            pending_entry_memory(servers, 100000 if args.quick else 1000000)
    if "geo" in sections:
        print("== geo (redis-benchmark, 50 clients)")
        with server_pair(args.server) as servers:
            geo_throughput(servers, rounds, requests)
    if "memory" in sections:
        with server_pair(args.server) as servers:
            memory_per_key(servers, 100000 if args.quick else 1000000)
    if "collections" in sections:
        print("collection throughput (best of %d alternating rounds, 50 clients):" % rounds)
        with server_pair(args.server) as servers:
            throughput(servers, rounds, requests, COLLECTION_TESTS)
    if "collection-memory" in sections:
        with server_pair(args.server) as servers:
            collection_memory(servers, 10000 if args.quick else 100000, 100000 if args.quick else 1000000)
    if "list-memory" in sections:
        with server_pair(args.server) as servers:
            list_compression_memory(servers, 100000 if args.quick else 1000000)
    if "pubsub" in sections:
        print("publish throughput (best of %d alternating rounds, 50 clients):" % rounds)
        with server_pair(args.server) as servers:
            publish_throughput(servers, rounds, requests * 10)
    if "transactions" in sections:
        print("transactions (best of %d alternating rounds, 8 connections):" % rounds)
        with server_pair(args.server) as servers:
            transaction_throughput(servers, rounds, requests)
    if "eviction" in sections:
        print("eviction (best of %d alternating rounds, 50 clients, 100-byte values):" % rounds)
        with server_pair(args.server) as servers:
            eviction_throughput(servers, rounds, requests * 5)
    if "growth" in sections:
        with server_pair(args.server) as servers:
            growth_latency(servers, 200000 if args.quick else 10000000)
    if "expiry" in sections:
        with server_pair(args.server) as servers:
            expiry_latency(servers, 100000 if args.quick else 1000000)
    if "glob" in sections:
        print("pathological glob patterns (one 20000-byte key):")
        with server_pair(args.server) as servers:
            glob_patterns(servers)
    if "snapshot" in sections:
        keys = 100000 if args.quick else 1000000
        print("snapshots (%d mixed keys; BGSAVE under a SET load from 2 clients):" % keys)
        with server_pair(args.server) as servers:
            snapshot_figures(servers, keys)


@contextlib.contextmanager
def server_pair(corvid_path, tls=None):
    """corvid-server and redis-server; with `tls` (server TLS options) each also serves TLS on
    a port of its own, its tls_port."""
    cport, rport = free_port(), free_port()
    extra = {}
    if tls:
        extra = {name: ["--tls-port", str(port)] + list(tls) for name, port in (("corvid", free_port()),
                                                                              ("redis", free_port()))}
    servers = [
        Server("corvid", [os.path.abspath(corvid_path), "--port", str(cport), "--bind", "127.0.0.1", "--save", ""] +
               extra.get("corvid", []), cport),
        Server("redis", ["redis-server", "--port", str(rport), "--bind", "127.0.0.1", "--save", "",
                         "--appendonly", "no"] + extra.get("redis", []), rport),
    ]
    for s in servers:
        s.tls_port = int(extra[s.name][1]) if tls else None
    try:
        yield servers
    finally:
        for s in servers:
            s.stop()

if __name__ == "__main__":
    sys.exit(main())
