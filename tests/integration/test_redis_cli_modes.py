"""redis-cli's operator modes against Corvid, each run the same way against redis-server
7.0.15 holding the same data, and prometheus-redis-exporter scraping both.

Where a mode's output depends only on the data and the server's replies (--bigkeys and
--hotkeys summaries, --memkeys's key names and counts, --scan, --pipe's summary), the two
outputs must be identical; sizes in bytes (--memkeys) and timings (--latency*, --stat)
are only checked for their shape. Dumps written by --rdb and --functions-rdb must pass
redis-check-rdb and load in redis-server with the same contents; --replica must print the
same replication stream for the same writes. The exporter must export every series for
Corvid that it exports for Redis, with the same values where the data decides them.
Around them, the SYNC details these modes rest on are compared too: dumps filtered by
REPLCONF rdb-filter-only, replicas in INFO and CLIENT LIST, and the SYNCs Redis refuses
or ignores.

Every redis-cli run ends by itself or under `timeout`; nothing here asserts on timing."""

import queue
import re
import shutil
import socket
import subprocess
import threading
import time

import pytest
import redis

from support.datasets import all_databases, populate
from support.exporter import fetch_metrics, start_exporter, stop
from support.resp import RespConnection
from support.servers import server_pair, start_corvid, start_redis
from support.waiting import wait_until

# LFU with every access counting one and no decay, so that --hotkeys's counters are exact;
# maxmemory set (far above what the tests use) so that Redis does not share small integer
# values between keys (a shared object's counter would belong to all of them). A diskless
# SYNC in Redis waits repl-diskless-sync-delay seconds for more replicas: not here.
SERVER_ARGS = ("--maxmemory", "1gb", "--maxmemory-policy", "allkeys-lfu", "--lfu-log-factor", "0",
               "--lfu-decay-time", "0", "--repl-diskless-sync-delay", "0")

LIBRARY = """#!lua name=cli_modes
redis.register_function('echo_first', function(keys, args) return args[1] end)
redis.register_function{function_name='ro_len', callback=function(keys) return redis.call('STRLEN', keys[1]) end,
                        flags={'no-writes'}}
"""


@pytest.fixture(scope="module")
def pair():
    with server_pair(*SERVER_ARGS) as servers:
        yield servers


def client(server, db=0):
    return redis.Redis(host="127.0.0.1", port=server.port, db=db)


def cli(server, *args, stdin=None, timeout=20):
    return subprocess.run(["redis-cli", "-p", str(server.port)] + [str(a) for a in args], input=stdin,
                          capture_output=True, timeout=timeout)


def fill_sizes(conn):
    """One small and one much bigger key of every type, and a few TTLs: whichever way
    sizes are measured, the biggest key of each type is the same."""
    conn.flushall()
    p = conn.pipeline(transaction=False)
    p.set("str:tiny", "x")
    p.set("str:int", "12345")
    p.set("str:big", "v" * 5000)
    p.rpush("list:small", "a", "b", "c")
    p.rpush("list:big", *range(500))
    p.hset("hash:small", mapping={"f": "v"})
    p.hset("hash:big", mapping={"field:%d" % i: "value:%d" % i for i in range(300)})
    p.sadd("set:small", "a", "b")
    p.sadd("set:big", *("member:%d" % i for i in range(400)))
    p.zadd("zset:small", {"a": 1})
    p.zadd("zset:big", {"member:%d" % i: i for i in range(250)})
    for i in range(3):
        p.xadd("stream:small", {"f": i}, id="1-%d" % (i + 1))
    for i in range(120):
        p.xadd("stream:big", {"field": "value:%d" % i}, id="2-%d" % (i + 1))
    p.expire("list:small", 2000)
    p.set("ttl:str", "t", ex=1000)
    p.execute()


def summary(text):
    """What follows redis-cli's "-------- summary -------" line."""
    marker = "-------- summary -------"
    assert marker in text, text
    return text[text.index(marker):]


def on_both(pair, run):
    return [run(server) for server in pair]


# ------------------------------------------------------------------ --bigkeys / --memkeys


def test_bigkeys_summary_is_redis_s(pair):
    def run(server):
        fill_sizes(client(server))
        done = cli(server, "--bigkeys")
        assert done.returncode == 0 and done.stderr == b"", done
        return summary(done.stdout.decode())

    ours, theirs = on_both(pair, run)
    assert ours == theirs
    assert "Sampled 14 keys in the keyspace!" in ours
    assert "Biggest string found '\"str:big\"' has 5000 bytes" in ours
    assert "Biggest stream found '\"stream:big\"' has 120 entries" in ours
    assert "2 streams with 123 entries" in ours


def test_memkeys_names_the_same_keys(pair):
    def run(server):
        fill_sizes(client(server))
        done = cli(server, "--memkeys")
        assert done.returncode == 0 and done.stderr == b"", done
        text = summary(done.stdout.decode())
        # Sizes are each server's own; which keys are biggest and how many there are is not.
        assert re.search(r"has [1-9]\d* bytes", text), text
        text = re.sub(r"(has|with) \d+ bytes", r"\1 N bytes", text)
        return re.sub(r"avg size \d+\.\d\d", "avg size N", text)

    ours, theirs = on_both(pair, run)
    assert ours == theirs
    for kind, key in [("string", "str:big"), ("list", "list:big"), ("hash", "hash:big"), ("set", "set:big"),
                      ("zset", "zset:big"), ("stream", "stream:big")]:
        assert re.search(r"Biggest +%s found '\"%s\"' has N bytes" % (kind, key), ours), ours


# ---------------------------------------------------------------------------- --hotkeys


def test_hotkeys_lists_the_keys_hit_most(pair):
    def run(server):
        conn = client(server)
        conn.flushall()
        conn.mset({"key:%d" % i: "value:%d" % i for i in range(10)})
        for _ in range(30):
            conn.get("key:3")
        for _ in range(12):
            conn.get("key:7")
        done = cli(server, "--hotkeys")
        assert done.returncode == 0 and done.stderr == b"", done
        return [line for line in summary(done.stdout.decode()).splitlines() if line.startswith("hot key")]

    ours, theirs = on_both(pair, run)
    # A new key counts 5; each GET adds one (lfu-log-factor 0).
    assert ours[:2] == ["hot key found with counter: 35\tkeyname: \"key:3\"",
                        "hot key found with counter: 17\tkeyname: \"key:7\""]
    assert len(ours) == 10
    assert sorted(ours) == sorted(theirs)
    assert ours[:2] == theirs[:2]


def test_hotkeys_without_an_lfu_policy_is_refused_alike(pair):
    outputs = []
    for server in pair:
        conn = client(server)
        conn.flushall()
        conn.set("k", "v")
        conn.config_set("maxmemory-policy", "allkeys-lru")
        try:
            done = cli(server, "--hotkeys")
        finally:
            conn.config_set("maxmemory-policy", "allkeys-lfu")
        outputs.append((done.returncode, done.stdout, done.stderr))
    assert outputs[0] == outputs[1]
    assert outputs[0][0] == 1
    assert outputs[0][2].startswith(b"Error: ERR An LFU maxmemory policy is not selected"), outputs[0]


# ------------------------------------------------------------------- --scan --pattern


@pytest.mark.parametrize("args", [("--pattern", "str:*"), ("--pattern", "*big*"), ("--pattern", "[hz]*:big"),
                                  ("--pattern", "nothing*"), ("--quoted-pattern", '"*:sm\\x61ll"'),
                                  ("-i", "0.01")],
                         ids=["prefix", "infix", "class", "none", "quoted", "all-with-interval"])
def test_scan_lists_the_same_keys(pair, args):
    def run(server):
        fill_sizes(client(server))
        done = cli(server, "--scan", *args)
        assert done.returncode == 0 and done.stderr == b"", done
        lines = done.stdout.decode().splitlines()
        assert len(lines) == len(set(lines)), lines  # a full SCAN returns no key twice here
        return set(lines)

    ours, theirs = on_both(pair, run)
    assert ours == theirs
    expected = {"str:*": 3, "*big*": 6, "[hz]*:big": 2, "nothing*": 0, '"*:sm\\x61ll"': 5, "0.01": 14}
    assert len(ours) == expected[args[1]]


# ------------------------------------------------------------------------------ --pipe


def encode(*args):
    return RespConnection.encode([a if isinstance(a, bytes) else str(a) for a in args])


def test_pipe_summary_and_data(pair):
    commands = [encode("SET", "pipe:%d" % i, "value:%d" % i) for i in range(3000)]
    commands += [encode("RPUSH", "pipe:list", *range(100)), encode("INCR", "pipe:1"), encode("NOSUCHCOMMAND", "x"),
                 encode("HSET", "pipe:hash", "f", "v"), encode("LPUSH", "pipe:1", "x"), encode("SELECT", "4"),
                 encode("SET", "in-db-4", "yes")]
    data = b"".join(commands)

    def run(server):
        conn = client(server)
        conn.flushall()
        done = cli(server, "--pipe", stdin=data)
        return done, conn.dbsize(), client(server, 4).get("in-db-4"), conn.lrange("pipe:list", 0, -1)

    (ours, *our_data), (theirs, *their_data) = on_both(pair, run)
    assert (ours.returncode, ours.stdout, ours.stderr) == (theirs.returncode, theirs.stdout, theirs.stderr)
    assert ours.stdout.decode().endswith("errors: 3, replies: 3007\n"), ours.stdout
    assert ours.returncode == 1  # --pipe exits 1 when any reply was an error
    assert our_data == their_data
    assert our_data[:2] == [3002, b"yes"]


def test_pipe_without_errors(pair):
    data = b"".join(encode("SET", "k%d" % i, i) for i in range(500))

    def run(server):
        client(server).flushall()
        done = cli(server, "--pipe", stdin=data)
        return done.returncode, done.stdout, done.stderr

    ours, theirs = on_both(pair, run)
    assert ours == theirs
    assert ours[0] == 0 and ours[1].decode().endswith("errors: 0, replies: 500\n"), ours


# ------------------------------------------------------------------- --rdb / --functions-rdb


def libraries(conn):
    """FUNCTION LIST WITHCODE with each library's functions sorted by name (Corvid lists them
    by name, Redis in its hash table's order)."""
    out = []
    for entry in conn.function_list(withcode=True):
        library = dict(zip(entry[::2], entry[1::2]))
        library[b"functions"] = sorted(library[b"functions"], key=lambda function: function[1])
        out.append(library)
    return out


def check_rdb(path):
    """redis-check-rdb's verdict: the aux field names (Corvid's own corvid-ver left out) and
    its [info] lines."""
    done = subprocess.run(["redis-check-rdb", str(path)], capture_output=True, timeout=30)
    text = done.stdout.decode(errors="replace")
    assert done.returncode == 0 and "\\o/ RDB looks OK! \\o/" in text, text
    aux = [name for name in re.findall(r"AUX FIELD (\S+) =", text) if name != "corvid-ver"]
    return aux, re.findall(r"^\[info\] .*$", text, re.MULTILINE)


def cli_dump(mode):
    """A way to take a dump: redis-cli --rdb or --functions-rdb into a file."""
    def take(server, path):
        done = cli(server, mode, path)
        assert done.returncode == 0, done
        assert b"Transfer finished with success" in done.stderr, done
    return take


def dumps_compared(pair, tmp_path, own_servers, take):
    """Fills both servers alike, has `take(server, path)` write a dump of each, and checks
    that redis-check-rdb says the same of both. Returns its verdict and a redis-server
    started on Corvid's dump."""
    checks = []
    for server in pair:
        fill_everything(client(server))
        path = tmp_path / ("dump-%d.rdb" % server.port)
        take(server, path)
        checks.append(check_rdb(path))
    assert checks[0] == checks[1]
    loaded = start_redis("--dbfilename", "dump-%d.rdb" % pair[0].port, workdir=str(tmp_path))
    own_servers.append(loaded)
    return checks[0], loaded


def fill_everything(conn):
    conn.flushall()
    conn.function_flush()
    conn.function_load(LIBRARY)
    populate(conn, seed=7)
    for i in range(30):
        conn.xadd("stream", {"n": i}, id="5-%d" % (i + 1))
    conn.xgroup_create("stream", "group", id="5-10")
    other = redis.Redis(host=conn.connection_pool.connection_kwargs["host"],
                        port=conn.connection_pool.connection_kwargs["port"], db=9)
    other.set("db9:key", "nine", ex=5000)
    other.close()


def test_rdb_dump_loads_in_redis(pair, tmp_path, own_servers):
    # Same aux fields (repl-stream-db, repl-id, repl-offset included) and counts.
    (_, counts), loaded = dumps_compared(pair, tmp_path, own_servers, cli_dump("--rdb"))
    assert "[info] 33 keys read" in counts, counts
    ours = pair[0]
    assert all_databases(lambda db: client(loaded, db)) == all_databases(lambda db: client(ours, db))
    assert libraries(client(loaded)) == libraries(client(ours))
    assert client(loaded).xinfo_groups("stream")[0]["last-delivered-id"] == b"5-10"


def test_functions_rdb_holds_the_libraries_only(pair, tmp_path, own_servers):
    (_, counts), loaded = dumps_compared(pair, tmp_path, own_servers, cli_dump("--functions-rdb"))
    assert "[info] 0 keys read" in counts
    assert client(pair[0]).dbsize() > 0  # the keys are still there, only not in the file
    conn = client(loaded)
    assert conn.dbsize() == 0
    assert libraries(conn) == libraries(client(pair[0]))
    assert conn.fcall("echo_first", 0, "hello") == b"hello"


# ---------------------------------------------------------------------------- --replica


class Lines:
    """A process's output lines, read on a thread, waited for with a deadline."""

    def __init__(self, proc):
        self.proc = proc
        self.lines = []
        self.queue = queue.Queue()
        self.thread = threading.Thread(target=self._read, daemon=True)
        self.thread.start()

    def _read(self):
        for line in self.proc.stdout:
            self.queue.put(line.decode(errors="replace").rstrip("\n"))
        self.queue.put(None)

    def until(self, predicate, timeout=15):
        deadline = time.time() + timeout
        while time.time() < deadline:
            try:
                line = self.queue.get(timeout=0.1)
            except queue.Empty:
                continue
            if line is None:
                break
            self.lines.append(line)
            if predicate(line):
                return
        raise AssertionError("not seen in time; output so far: %r" % self.lines)


def watch_replica(server, writes):
    """Runs redis-cli --replica, makes `writes(conn)` between two marker writes, and returns
    (the lines before the stream, the stream's lines between the markers, the replica's
    INFO replication and CLIENT LIST TYPE replica seen meanwhile)."""
    proc = subprocess.Popen(["timeout", "20", "stdbuf", "-o0", "redis-cli", "-p", str(server.port), "--replica"],
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        out = Lines(proc)
        out.until(lambda line: line.startswith("SYNC done"))
        conn = client(server)
        conn.set("replica:start", "1")
        out.until(lambda line: "replica:start" in line)
        info = conn.info("replication")
        replicas = conn.client_list(_type="replica")
        writes(conn)
        conn.set("replica:end", "1")
        out.until(lambda line: "replica:end" in line)
    finally:
        proc.terminate()
        proc.wait(timeout=10)
    start = next(i for i, line in enumerate(out.lines) if "replica:start" in line)
    stream = [line for line in out.lines[start + 1:-1] if line != '"PING"']  # Redis pings replicas
    return out.lines[:start], stream, info, replicas


def replica_writes(conn):
    conn.set("foo", "bar")
    other = redis.Redis(host="127.0.0.1", port=conn.connection_pool.connection_kwargs["port"], db=3)
    other.incr("counter")
    other.close()
    conn.expire("foo", 100)
    conn.set("v", "1", ex=100)
    conn.eval("redis.call('SET', 's1', 'x'); redis.call('DEL', 'foo'); return 1", 0)
    with conn.pipeline(transaction=True) as p:
        p.incr("a")
        p.lpush("l", "x", "y")
        p.execute()
    conn.fcall("echo_first", 0, "not propagated")
    conn.hset("h", mapping={"f": "v"})
    conn.unlink("h")


def deadlines_hidden(line):
    return re.sub(r'"\d{13}"', '"<ms>"', line)


def test_replica_prints_the_stream(pair):
    results = []
    for server in pair:
        conn = client(server)
        conn.flushall()
        conn.function_flush()
        conn.function_load(LIBRARY)
        conn.mset({"bulk:%d" % i: "x" * 100 for i in range(2000)})  # not in the dump --replica asks for
        results.append(watch_replica(server, replica_writes))
    (our_head, ours, our_info, our_replicas), (their_head, theirs, their_info, their_replicas) = results
    assert [deadlines_hidden(line) for line in ours] == [deadlines_hidden(line) for line in theirs]
    assert ours[:4] == ['"SET","foo","bar"', '"SELECT","3"', '"INCRBY","counter","1"', '"SELECT","0"']
    assert '"MULTI"' in ours and '"EXEC"' in ours
    # The dump redis-cli --replica asks for (REPLCONF rdb-filter-only "") holds no keys and
    # no functions: a few hundred bytes, not the 2000 keys. Corvid sends its size first,
    # Redis an EOF marker, so redis-cli words the line differently.
    ours_size = int(re.search(r"SYNC with master, discarding (\d+) bytes", "\n".join(our_head)).group(1))
    theirs_size = int(re.search(r"SYNC done after (\d+) bytes", "\n".join(their_head)).group(1))
    assert 0 < ours_size < 1000 and 0 < theirs_size < 1000, (our_head, their_head)
    # The replica shows in INFO and CLIENT LIST on both.
    for info, replicas in [(our_info, our_replicas), (their_info, their_replicas)]:
        assert info["connected_slaves"] == 1, info
        assert info["slave0"]["ip"] == "127.0.0.1" and info["slave0"]["state"] == "online", info
        assert info["slave0"]["port"] == 0 and info["slave0"]["offset"] == 0, info
        assert len(replicas) == 1 and "S" in replicas[0]["flags"], replicas
    for server in pair:  # a replica that went away is no longer listed
        wait_until(lambda: client(server).info("replication")["connected_slaves"] == 0, "the replica left")


def test_replica_on_the_unix_socket(tmp_path, own_servers):
    # A plain SYNC (no REPLCONF: a full dump sent with its size by both servers) over the
    # unix socket: the replica is no connected client, it is slave0 with Redis's address
    # for unix peers, flags S and U, of TYPE replica.
    seen = []
    for start in (start_corvid, start_redis):
        path = str(tmp_path / ("%s.sock" % start.__name__))
        server = start("--unixsocket", path)
        own_servers.append(server)
        client(server).set("k", "v")
        replica = socket.socket(socket.AF_UNIX)
        replica.settimeout(15)
        replica.connect(path)
        try:
            replica.sendall(b"SYNC\r\n")
            data = b""
            while b"\r\n" not in data.lstrip(b"\n"):
                data += replica.recv(65536)
            header, _, body = data.lstrip(b"\n").partition(b"\r\n")
            while len(body) < int(header[1:]):
                body += replica.recv(65536)
            assert body.startswith(b"REDIS0010"), body[:20]
            conn = client(server)
            info = conn.info("replication")
            listed = conn.client_list(_type="replica")
            seen.append((info["connected_slaves"], info["slave0"]["ip"], info["slave0"]["port"],
                         info["slave0"]["state"], info["slave0"]["offset"], conn.info("clients")["connected_clients"],
                         [entry["flags"] for entry in listed], conn.info("stats")["sync_full"]))
            conn.config_resetstat()
            seen[-1] += (conn.info("stats")["sync_full"],)
        finally:
            replica.close()
    assert seen[0] == seen[1]
    assert seen[0] == (1, "/unixsocket", 0, "online", 0, 1, ["SU"], 1, 0)  # RESETSTAT zeroes sync_full


def read_filtered_dump(server, filters):
    """REPLCONF capa eof, rdb-only 1 and rdb-filter-only <filters>, then SYNC, on a raw socket; the
    dump's bytes, whether sent with its size first (Corvid) or between EOF marks (Redis's
    diskless transfer). Redis leaves the connection open afterwards: the dump's end is
    found, not waited for."""
    sock = socket.create_connection(("127.0.0.1", server.port), timeout=15)
    data = b""

    def more():
        nonlocal data
        chunk = sock.recv(65536)
        assert chunk, data[:200]
        data += chunk

    try:
        # SYNC only once the replies are read: with replies pending it is refused.
        sock.sendall(encode("REPLCONF", "capa", "eof") + encode("REPLCONF", "rdb-only", "1") +
                     encode("REPLCONF", "rdb-filter-only", filters))
        while len(data) < 15:
            more()
        assert data == b"+OK\r\n+OK\r\n+OK\r\n", data[:100]
        data = b""
        sock.sendall(encode("SYNC"))
        while data.lstrip(b"\n").find(b"\r\n") < 0:  # newlines keep a waiting replica's link alive
            more()
        data = data.lstrip(b"\n")
        header, _, data = data.partition(b"\r\n")
        if header.startswith(b"$EOF:"):
            mark = header[5:]
            while not data.endswith(mark):
                more()
            return data[:-len(mark)]
        while len(data) < int(header[1:]):
            more()
        assert len(data) == int(header[1:])
        return data
    finally:
        sock.close()


@pytest.mark.parametrize("filters", ["", "functions"], ids=["nothing", "functions"])
def test_filtered_dump_holds_what_was_asked(pair, tmp_path, own_servers, filters):
    def take(server, path):
        path.write_bytes(read_filtered_dump(server, filters))

    (_, counts), loaded = dumps_compared(pair, tmp_path, own_servers, take)
    assert "[info] 0 keys read" in counts
    names = [entry[1] for entry in client(loaded).function_list()]
    assert names == ([b"cli_modes"] if filters else [])
    assert client(loaded).dbsize() == 0


# ------------------------------------------------------- --latency, --latency-history, --latency-dist, --stat

NUMBERS = re.compile(r"^\d+ \d+ \d+\.\d\d \d+$")  # min max avg samples


def run_timed(pair, seconds, *args):
    """The same redis-cli mode on both servers at once, stopped by `timeout` after `seconds`
    unless it ends first; output unbuffered so that what it printed is not lost."""
    procs = [subprocess.Popen(["timeout", str(seconds), "stdbuf", "-o0", "redis-cli", "-p", str(server.port)] +
                              list(args), stdout=subprocess.PIPE, stderr=subprocess.PIPE) for server in pair]
    results = []
    for proc in procs:
        stdout, stderr = proc.communicate(timeout=seconds + 20)
        results.append((proc.returncode, stdout.decode(errors="replace"), stderr.decode(errors="replace")))
    return results


def test_latency_prints_one_sample_line(pair):
    # Without a terminal, --latency samples for one interval, prints one line and exits.
    for code, out, err in run_timed(pair, 10, "--latency", "-i", "0.3"):
        assert code == 0 and err == "", (code, out, err)
        assert NUMBERS.match(out.strip()), out


def test_latency_raw(pair):
    for code, out, err in run_timed(pair, 10, "--latency", "--raw", "-i", "0.3"):
        assert code == 0 and err == "", (code, out, err)
        assert NUMBERS.match(out.strip()), out


def test_latency_history_prints_samples_and_ranges(pair):
    for code, out, err in run_timed(pair, 3, "--latency-history", "-i", "0.5"):
        assert code == 124 and err == "", (code, out, err)  # stopped by timeout, not by an error
        lines = out.splitlines()
        assert lines, out
        for line in lines:
            assert NUMBERS.match(line) or re.fullmatch(r" -- \d+\.\d\d seconds range", line), line
        assert any(line.startswith(" -- ") for line in lines), out


def test_latency_dist_prints_its_spectrum(pair):
    results = run_timed(pair, 3, "--latency-dist", "-i", "0.5")
    for code, out, err in results:
        assert code == 124 and err == "", (code, out, err)
        assert ". - * #          .01 .125 .25 .5 milliseconds" in out, out
        rows = [line for line in out.splitlines() if line.startswith("\x1b[38;5;0m")]
        assert rows, out
        for row in rows:
            # One coloured cell per latency bucket, 32 buckets from "." to "?".
            cells = re.findall(r"\x1b\[48;5;\d+m(.)", row)
            assert "".join(cells) == ".-*#123456789ABCDEFGHIJKLMNOPQ?", row
    legend = [out.split("\x1b[38;5;0m")[0] for _, out, _ in results]
    assert legend[0] == legend[1]


def test_stat_shows_the_same_keys(pair):
    for server in pair:
        fill_sizes(client(server))
    results = run_timed(pair, 1.5, "--stat", "-i", "0.2")
    headers = []
    for code, out, err in results:
        assert code == 124 and err == "", (code, out, err)
        lines = out.splitlines()
        headers.append(lines[:2])
        rows = [line.split() for line in lines[2:] if line.strip()]
        assert rows, out
        for row in rows:
            assert row[0] == "14", row  # keys
            assert re.fullmatch(r"\d+(\.\d+)?[BKMG]", row[1]), row  # mem
            assert int(row[2]) >= 1 and row[3] == "0", row  # clients, blocked
    assert headers[0] == headers[1]


# --------------------------------------------------------------- prometheus-redis-exporter


def series(text):
    """{(name, labels): value} of every sample the exporter printed."""
    out = {}
    for line in text.splitlines():
        if not line or line.startswith("#"):
            continue
        key, _, value = line.rpartition(" ")
        name, _, labels = key.partition("{")
        out[(name, labels.rstrip("}"))] = float(value)
    return out


def labels(text):
    return dict(re.findall(r'(\w+)="([^"]*)"', text))


# Labels whose values are each process's own.
OWN_LABELS = {"process_id", "run_id", "tcp_port", "redis_build_id"}

# Series whose values must be the same for two servers holding the same data and having run
# the same commands (everything else is memory, time, CPU, byte counts or the exporter's
# own figures, compared by presence only).
SAME_VALUES = {
    "redis_up", "redis_db_keys", "redis_db_keys_expiring", "redis_connected_slaves", "redis_blocked_clients",
    "redis_config_maxclients", "redis_config_maxmemory", "redis_memory_max_bytes", "redis_keyspace_hits_total",
    "redis_keyspace_misses_total", "redis_expired_keys_total", "redis_evicted_keys_total",
    "redis_rejected_connections_total", "redis_pubsub_channels", "redis_pubsub_patterns",
    "redis_rdb_bgsave_in_progress", "redis_rdb_last_bgsave_status",
    "redis_aof_enabled", "redis_aof_rewrite_in_progress", "redis_aof_last_bgrewrite_status",
    "redis_replica_resyncs_full", "redis_replica_partial_resync_accepted", "redis_replica_partial_resync_denied",
    "redis_connected_slave_offset_bytes", "redis_slave_expires_tracked_keys", "redis_number_of_cached_scripts",
    "redis_tracking_clients", "redis_tracking_total_keys", "redis_total_error_replies",
    "redis_unexpected_error_replies", "redis_errors_total", "redis_loading_dump_file", "redis_cluster_enabled",
    "redis_mem_not_counted_for_eviction_bytes",
    "redis_active_defrag_running", "redis_io_threads_active", "redis_lazyfree_pending_objects",
    "redis_client_recent_max_output_buffer_bytes", "redis_clients_in_timeout_table",
}
# Commands the test itself ran on both servers: their call counts must agree.
DATA_COMMANDS = {"set", "rpush", "sadd", "zadd", "hset", "pfadd", "pexpire", "expireat", "xadd", "setrange",
                 "append", "flushall", "function|load", "xgroup|create", "sync"}


def test_prometheus_exporter_exports_the_same_series(tmp_path):
    exporter = shutil.which("prometheus-redis-exporter")
    if exporter is None:
        pytest.fail("prometheus-redis-exporter is not installed (scripts/install-deps.sh test installs it)")
    scrapes = []
    with server_pair(*SERVER_ARGS) as fresh:
        for server in fresh:
            conn = client(server)
            fill_everything(conn)
            for command in [("INCR", "str:embstr"), ("GET", "list:small"), ("NOSUCHCOMMAND",)]:
                with pytest.raises(redis.ResponseError):  # errorstats have something to show
                    conn.execute_command(*command)
            # One dump taken and one replica attached, so that the replication series exist.
            assert cli(server, "--rdb", tmp_path / ("exporter-%d.rdb" % server.port)).returncode == 0
            replica = subprocess.Popen(["timeout", "20", "stdbuf", "-o0", "redis-cli", "-p", str(server.port),
                                        "--replica"], stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
            try:
                Lines(replica).until(lambda line: line.startswith("SYNC done"))
                proc, port, text = start_exporter(exporter, server.port)
                try:
                    # The second scrape sees the first one's commands in both servers' stats.
                    text = fetch_metrics(port, proc, time.time() + 15)
                finally:
                    output = stop(proc)
                assert [line for line in output.splitlines() if "level=error" in line] == [], output
            finally:
                replica.terminate()
                replica.wait(timeout=10)
            scrapes.append(series(text))
    ours, theirs = scrapes

    def identity(key):
        name, text = key
        return name, tuple(sorted((k, v) for k, v in labels(text).items() if k not in OWN_LABELS))

    our_keys = {identity(key): value for key, value in ours.items()}
    their_keys = {identity(key): value for key, value in theirs.items()}
    missing = {key for key in their_keys if key not in our_keys}
    assert missing == set(), sorted(missing)
    extra = {key for key in our_keys if key not in their_keys}
    assert extra == set(), sorted(extra)

    assert SAME_VALUES <= {name for name, _ in their_keys}, SAME_VALUES - {name for name, _ in their_keys}
    differing = []
    for key, value in their_keys.items():
        name, label_items = key
        cmd = dict(label_items).get("cmd")
        if name in SAME_VALUES or (name == "redis_commands_total" and cmd in DATA_COMMANDS):
            if our_keys[key] != value:
                differing.append((key, our_keys[key], value))
    assert differing == [], differing
    info = next(dict(k[1]) for k in our_keys if k[0] == "redis_instance_info")
    assert info["role"] == "master" and info["redis_version"] == "7.0.15" and info["redis_mode"] == "standalone"
    assert our_keys[("redis_db_keys", (("db", "db0"),))] == 32
    assert our_keys[("redis_connected_slaves", ())] == 1
    assert our_keys[("redis_replica_resyncs_full", ())] == 2


SYNC_REFUSALS = {
    # The dump must be the first thing a replica reads after SYNC: pipelined behind a
    # command whose reply is not sent yet, SYNC is refused and the connection goes on.
    "pending-replies": ([], [("PING",), ("SYNC",), ("ECHO", "after")],
                        b"+PONG\r\n-ERR SYNC and PSYNC are invalid with pending output\r\n$5\r\nafter\r\n"),
    # A filtered dump goes only to a replica that announced it reads EOF-marked transfers.
    "filter-without-eof": ([("REPLCONF", "rdb-filter-only", "")], [("SYNC",), ("ECHO", "after")],
                           b"-ERR Filtered replica requires EOF capability\r\n$5\r\nafter\r\n"),
    "functions-without-eof": ([("REPLCONF", "capa", "psync2"), ("REPLCONF", "rdb-filter-only", "functions")],
                              [("SYNC",), ("ECHO", "after")],
                              b"-ERR Filtered replica requires EOF capability\r\n$5\r\nafter\r\n"),
}


@pytest.mark.parametrize("scenario", sorted(SYNC_REFUSALS))
def test_sync_refusals_are_redis_s(pair, scenario):
    setup, pipelined, expected = SYNC_REFUSALS[scenario]
    replies = []
    for server in pair:
        conn = RespConnection("127.0.0.1", server.port)
        try:
            for command in setup:
                assert conn.call(*command)[0] == b"+OK\r\n"
            conn.send_raw(b"".join(encode(*command) for command in pipelined))
            # Refused, SYNC has a reply like every other command.
            replies.append(b"".join(conn.read_reply()[0] for _ in pipelined))
        finally:
            conn.close()
    assert replies[0] == replies[1] == expected


def test_sync_from_a_monitor_is_ignored(pair):
    # To Redis a MONITOR client is a kind of replica already: its SYNC gets nothing, and it
    # goes on getting replies to its own commands (a replica would not) and the lines of
    # the commands it monitors.
    lines = []
    for server in pair:
        monitor = RespConnection("127.0.0.1", server.port)
        conn = client(server)
        syncs_before = conn.info("stats")["sync_full"]
        try:
            assert monitor.call("MONITOR")[0] == b"+OK\r\n"
            monitor.send_raw(encode("SYNC") + encode("PING"))
            got = [monitor.read_reply()[0], monitor.read_reply()[0]]
            assert conn.set("after-sync", "1")
            got.append(monitor.read_reply()[0])
            lines.append([re.sub(rb"^\+\d+\.\d+ \[0 [\d.:]+\] ", b"+<time> [0 <addr>] ", line) for line in got])
            # No synchronization was started for it.
            assert conn.info("stats")["sync_full"] == syncs_before
            assert conn.info("replication")["connected_slaves"] == 0
        finally:
            monitor.close()
    assert lines[0] == lines[1]
    assert lines[0] == [b"+PONG\r\n", b'+<time> [0 <addr>] "PING"\r\n',
                        b'+<time> [0 <addr>] "SET" "after-sync" "1"\r\n'], lines
