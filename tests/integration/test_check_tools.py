"""corvid-check-rdb and corvid-check-aof (src/tools/): good dumps and AOF directories
written by Corvid and by redis-server 7.0.15 pass, and agree with redis-check-rdb and
redis-check-aof; truncated, bit-flipped and mis-signed dumps are reported (exit status 1,
the error banner) and never crash the checker; a truncated last AOF file is fixed with
--fix, after which Corvid starts from the directory with aof-load-truncated no and has
everything written before the cut; garbage in the middle of an AOF is not fixable. The
tools are found next to the server binary; each test runs its own servers."""

import os
import random
import re
import shutil
import subprocess
import time

import pytest
import redis

from support.datasets import populate
from support.servers import corvid_binary, start_corvid, start_redis

MANIFEST = "appendonlydir/appendonly.aof.manifest"


def tool(name):
    path = os.path.join(os.path.dirname(corvid_binary()), name)
    if not os.path.exists(path):
        raise RuntimeError("%s not found next to the server binary (%s)" % (name, path))
    return path


def run(argv):
    """Runs a checker; fails the test on a sanitizer report or anything on stderr that is
    not usage text. Returns (exit status, stdout)."""
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, timeout=120)
    out, err = done.stdout.decode(errors="replace"), done.stderr.decode(errors="replace")
    for marker in ("AddressSanitizer", "LeakSanitizer", "runtime error:"):
        assert marker not in err, "sanitizer report from %s:\n%s" % (argv, err)
    assert done.returncode in (0, 1), "%s exited with %s:\n%s%s" % (argv, done.returncode, out, err)
    return done.returncode, out


def check_rdb(path):
    return run([tool("corvid-check-rdb"), path])


def check_aof(path, fix=False):
    return run([tool("corvid-check-aof")] + (["--fix"] if fix else []) + [path])


def redis_tool(argv):
    done = subprocess.run(argv, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                          timeout=120)
    return done.returncode, done.stdout.decode(errors="replace")


def info_lines(out):
    return [line for line in out.splitlines() if re.match(r"\[info\] \d+ (keys read|expires|already expired)$", line)]


def client(server, db=0):
    return redis.Redis(host="127.0.0.1", port=server.port, db=db)


def fill(server):
    for db in (0, 5):
        c = client(server, db)
        populate(c, seed=db + 1)
        c.close()


def total_keys(server):
    c = client(server)
    n = sum(v["keys"] for k, v in c.info("keyspace").items())
    c.close()
    return n


def assert_rdb_ok(out):
    assert "--- RDB ERROR DETECTED ---" not in out
    assert re.search(r"^\[offset \d+\] Checksum OK$", out, re.M), out
    assert re.search(r"^\[offset \d+\] \\o/ RDB looks OK! \\o/$", out, re.M), out


def assert_rdb_error(out):
    lines = out.splitlines()
    assert "--- RDB ERROR DETECTED ---" in lines, out
    after = lines[lines.index("--- RDB ERROR DETECTED ---") + 1]
    assert re.match(r"\[offset \d+\] \S", after), out
    assert "RDB looks OK" not in out


def saved_dump(server):
    c = client(server)
    c.save()
    c.close()
    with open(server.path("dump.rdb"), "rb") as f:
        return f.read()


def write(path, data):
    with open(path, "wb") as f:
        f.write(data)


# ---- corvid-check-rdb ----

@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_good_dump(own_servers, which):
    if which == "corvid":
        server = start_corvid("--save", "")
    else:
        server = start_redis("--save", "", persistent=True)
    own_servers.append(server)
    fill(server)
    keys = total_keys(server)
    saved_dump(server)
    status, out = check_rdb(server.path("dump.rdb"))
    assert status == 0, out
    assert out.splitlines()[0] == "[offset 0] Checking RDB file %s" % server.path("dump.rdb")
    assert_rdb_ok(out)
    assert "[info] %d keys read" % keys in out.splitlines()
    # redis-check-rdb counts the same keys, expires and expired keys.
    theirs_status, theirs = redis_tool(["redis-check-rdb", server.path("dump.rdb")])
    assert theirs_status == 0, theirs
    assert info_lines(out) == info_lines(theirs)
    # The checksum line is at the file's end, as redis-check-rdb prints it.
    size = os.path.getsize(server.path("dump.rdb"))
    assert "[offset %d] Checksum OK" % size in out.splitlines()


def test_expired_keys_are_counted(own_servers):
    server = start_redis("--save", "", "--enable-debug-command", "yes", persistent=True)
    own_servers.append(server)
    c = client(server)
    c.execute_command("DEBUG", "SET-ACTIVE-EXPIRE", "0")  # "soon" stays in the dump however slow the SAVE
    c.set("forever", "1")
    c.set("soon", "1", px=400)
    c.set("later", "1", ex=100000)
    saved_dump(server)
    time.sleep(0.6)
    status, out = check_rdb(server.path("dump.rdb"))
    assert status == 0, out
    assert info_lines(out) == ["[info] 3 keys read", "[info] 2 expires", "[info] 1 already expired"]
    assert info_lines(out) == info_lines(redis_tool(["redis-check-rdb", server.path("dump.rdb")])[1])


@pytest.fixture(scope="module")
def good_dump():
    """A dump of every type and encoding, written by Corvid."""
    server = start_corvid("--save", "")
    try:
        fill(server)
        data = saved_dump(server)
    finally:
        server.stop()
    assert server.sanitizer_report() is None
    return data


def test_truncated_dumps(good_dump, tmp_path):
    path = str(tmp_path / "cut.rdb")
    for length in (0, 5, 9, 10, 40, len(good_dump) // 3, len(good_dump) // 2, len(good_dump) - 9,
                   len(good_dump) - 8, len(good_dump) - 1):
        write(path, good_dump[:length])
        status, out = check_rdb(path)
        assert status == 1, (length, out)
        assert_rdb_error(out)
        assert info_lines(out)[0].startswith("[info] ")
    write(path, good_dump[:len(good_dump) // 2])
    out = check_rdb(path)[1]
    assert "Unexpected EOF reading RDB file" in out


def test_bit_flipped_dumps(good_dump, tmp_path):
    path = str(tmp_path / "flipped.rdb")
    rng = random.Random(7)
    # Any single flipped bit is an error: if nothing else, the CRC-64 sees it.
    positions = [9, 10, 20, len(good_dump) // 2, len(good_dump) - 9, len(good_dump) - 1] + \
        [rng.randrange(len(good_dump)) for _ in range(40)]
    for pos in positions:
        data = bytearray(good_dump)
        data[pos] ^= 1 << rng.randrange(8)
        write(path, bytes(data))
        status, out = check_rdb(path)
        assert status == 1, (pos, out)
        assert_rdb_error(out)
    data = bytearray(good_dump)
    data[len(data) // 2] ^= 0x10
    write(path, bytes(data))
    out = check_rdb(path)[1]
    assert re.search(r"^\[offset \d+\] (RDB CRC error|.+)", out, re.M)


def test_random_damage_never_crashes(good_dump, tmp_path):
    path = str(tmp_path / "damaged.rdb")
    rng = random.Random(11)
    for _ in range(60):
        data = bytearray(good_dump)
        for _ in range(rng.randrange(1, 8)):
            data[rng.randrange(len(data))] ^= rng.randrange(1, 256)  # always a change
        if rng.random() < 0.3:
            del data[rng.randrange(len(data)):]
        if bytes(data) == good_dump:
            continue  # two flips of one byte cancelled out: nothing to detect
        write(path, bytes(data))
        status, out = check_rdb(path)  # run() fails on a crash or a sanitizer report
        assert status == 1, out
        assert_rdb_error(out)


def test_bad_signature_and_other_refusals(good_dump, tmp_path):
    path = str(tmp_path / "bad.rdb")
    write(path, b"XEDIS" + good_dump[5:])
    status, out = check_rdb(path)
    assert status == 1
    assert_rdb_error(out)
    assert "[offset 9] Wrong signature trying to load DB from file" in out.splitlines()
    write(path, b"REDIS0099" + good_dump[9:])
    status, out = check_rdb(path)
    assert status == 1 and "Can't handle RDB format version 99" in out
    status, out = check_rdb(str(tmp_path / "missing.rdb"))
    assert status == 1 and "--- RDB ERROR DETECTED ---" in out
    assert run([tool("corvid-check-rdb")])[0] == 1


def test_database_beyond_16_is_an_error(own_servers):
    server = start_redis("--save", "", "--databases", "32", persistent=True)
    own_servers.append(server)
    client(server, 20).set("far", "away")
    saved_dump(server)
    status, out = check_rdb(server.path("dump.rdb"))
    assert status == 1
    assert_rdb_error(out)
    assert "more than 16 databases" in out


# ---- corvid-check-aof ----

def corvid_aof_server(*extra):
    return start_corvid("--appendonly", "yes", "--save", "", *extra)


def wait_rewrite(c):
    deadline = time.time() + 60
    while time.time() < deadline:
        p = c.info("persistence")
        if p["aof_rewrite_in_progress"] == 0 and p["aof_rewrite_scheduled"] == 0:
            return
        time.sleep(0.02)
    raise AssertionError("the AOF rewrite never finished")


def write_some(server):
    """Data in the base (after a rewrite), then in the incr file: plain commands, a
    transaction, another database."""
    fill(server)
    c = client(server)
    c.execute_command("BGREWRITEAOF")
    wait_rewrite(c)
    c.set("after-rewrite", "x")
    p = c.pipeline(transaction=True)
    p.incr("counter")
    p.rpush("list:tx", "a", "b")
    p.execute()
    client(server, 3).set("in-db-3", "y")
    c.close()


def assert_aof_ok(status, out, base_format):
    assert status == 0, out
    lines = out.splitlines()
    assert lines[0] == "Start checking Multi Part AOF"
    assert "Start to check BASE AOF (%s format)." % base_format in lines
    if base_format == "RDB":
        assert "RDB preamble is OK, proceeding with AOF tail..." in lines
    assert any(re.match(r"BASE AOF \S+ is valid$", line) for line in lines), out
    assert any(re.match(r"INCR AOF \S+ is valid$", line) for line in lines), out
    assert lines[-1] == "All AOF files and manifest are valid"
    for line in lines:
        m = re.match(r"AOF analyzed: filename=\S+, size=(\d+), ok_up_to=(\d+), ok_up_to_line=\d+, diff=(\d+)$", line)
        if m:
            assert m.group(1) == m.group(2) and m.group(3) == "0", line


@pytest.mark.parametrize("preamble", ["yes", "no"])
def test_good_aof_from_corvid(own_servers, preamble):
    server = corvid_aof_server("--aof-use-rdb-preamble", preamble, "--aof-timestamp-enabled", "yes")
    own_servers.append(server)
    write_some(server)
    server.kill()
    status, out = check_aof(server.path(MANIFEST))
    assert_aof_ok(status, out, "RDB" if preamble == "yes" else "RESP")
    # The directory itself names its manifest.
    assert check_aof(server.path("appendonlydir"))[0] == 0
    assert redis_tool(["redis-check-aof", server.path(MANIFEST)])[0] == 0


def test_good_aof_from_redis(own_servers):
    server = start_redis("--appendonly", "yes", "--save", "", "--aof-timestamp-enabled", "yes", persistent=True)
    own_servers.append(server)
    write_some(server)
    server.kill()
    status, out = check_aof(server.path(MANIFEST))
    assert_aof_ok(status, out, "RDB")
    # The same "AOF analyzed" lines as redis-check-aof for whole files.
    theirs = redis_tool(["redis-check-aof", server.path(MANIFEST)])[1]
    analyzed = [line for line in theirs.splitlines() if line.startswith("AOF analyzed:")]
    assert analyzed == [line for line in out.splitlines() if line.startswith("AOF analyzed:")]


def last_incr(server):
    names = sorted(n for n in os.listdir(server.path("appendonlydir")) if n.endswith(".incr.aof"))
    return server.path(os.path.join("appendonlydir", names[-1]))


def aof_with_a_and_b(own_servers):
    """A killed Corvid whose last incr file ends with SET a 1, SET b 2."""
    server = corvid_aof_server()
    own_servers.append(server)
    c = client(server)
    c.set("a", "1")
    c.set("b", "2")
    c.close()
    server.kill()
    return server


def test_truncated_last_incr_is_fixed(own_servers):
    server = aof_with_a_and_b(own_servers)
    path = last_incr(server)
    size = os.path.getsize(path)
    with open(path, "r+b") as f:
        f.truncate(size - 3)  # inside "SET b 2"
    status, out = check_aof(server.path(MANIFEST))
    assert status == 1
    name = os.path.basename(path)
    lines = out.splitlines()
    assert any(re.match(r"AOF analyzed: filename=%s, size=%d, ok_up_to=\d+, ok_up_to_line=\d+, diff=\d+$"
                        % (re.escape(name), size - 3), line) for line in lines), out
    assert lines[-1] == "AOF %s is not valid. Use the --fix option to try fixing it." % name
    assert os.path.getsize(path) == size - 3  # untouched without --fix
    assert redis_tool(["redis-check-aof", server.path(MANIFEST)])[0] == 1

    status, out = check_aof(server.path(MANIFEST), fix=True)
    assert status == 0, out
    lines = out.splitlines()
    assert "Successfully truncated AOF %s" % name in lines
    assert lines[-1] == "All AOF files and manifest are valid"
    assert os.path.getsize(path) < size - 3
    assert check_aof(server.path(MANIFEST))[0] == 0
    assert redis_tool(["redis-check-aof", server.path(MANIFEST)])[0] == 0

    again = start_corvid("--appendonly", "yes", "--aof-load-truncated", "no", workdir=server.workdir)
    own_servers.append(again)
    c = client(again)
    assert c.get("a") == b"1" and c.get("b") is None


def test_unterminated_multi_is_fixed(own_servers):
    server = aof_with_a_and_b(own_servers)
    path = last_incr(server)
    size = os.path.getsize(path)
    with open(path, "ab") as f:
        f.write(b"*1\r\n$5\r\nMULTI\r\n*3\r\n$3\r\nSET\r\n$1\r\nx\r\n$1\r\n1\r\n")
    status, out = check_aof(server.path(MANIFEST))
    assert status == 1
    assert any(line.startswith("Reached EOF before reading EXEC for MULTI") for line in out.splitlines()), out
    status, out = check_aof(server.path(MANIFEST), fix=True)
    assert status == 0, out
    assert os.path.getsize(path) == size  # back to before the MULTI
    again = start_corvid("--appendonly", "yes", "--aof-load-truncated", "no", workdir=server.workdir)
    own_servers.append(again)
    c = client(again)
    assert c.get("a") == b"1" and c.get("b") == b"2" and c.get("x") is None


def test_garbage_in_the_middle_is_not_fixable(own_servers):
    server = aof_with_a_and_b(own_servers)
    path = last_incr(server)
    with open(path, "rb") as f:
        data = f.read()
    cut = data.rindex(b"\r\n*") + 2  # where the last command, SET b 2, starts
    damaged = data[:cut] + b"this is not a command\r\n" + data[cut:]
    write(path, damaged)
    for fix in (False, True):
        status, out = check_aof(server.path(MANIFEST), fix=fix)
        assert status == 1, out
        assert re.search(r"^AOF \S+ is not valid", out, re.M), out
        assert "Successfully truncated" not in out
        with open(path, "rb") as f:
            assert f.read() == damaged


def test_only_the_last_file_is_truncated(own_servers):
    server = aof_with_a_and_b(own_servers)
    directory = server.path("appendonlydir")
    first = last_incr(server)
    name = os.path.basename(first)
    seq = int(name.split(".")[-3])
    second_name = name.replace(".%d.incr.aof" % seq, ".%d.incr.aof" % (seq + 1))
    shutil.copy(first, os.path.join(directory, second_name))
    with open(os.path.join(directory, "appendonly.aof.manifest"), "a") as f:
        f.write("file %s seq %d type i\n" % (second_name, seq + 1))
    assert check_aof(server.path(MANIFEST))[0] == 0
    size = os.path.getsize(first)
    with open(first, "r+b") as f:
        f.truncate(size - 3)
    status, out = check_aof(server.path(MANIFEST), fix=True)
    assert status == 1
    assert "Failed to truncate AOF %s because it is not the last file" % name in out.splitlines()
    assert os.path.getsize(first) == size - 3


def test_single_files(own_servers, tmp_path):
    server = corvid_aof_server()
    own_servers.append(server)
    write_some(server)
    server.kill()
    directory = server.path("appendonlydir")
    base = os.path.join(directory, [n for n in os.listdir(directory) if ".base." in n][0])
    incr = last_incr(server)
    # An incremental file alone, and a Redis 6 style AOF: RDB preamble then commands.
    status, out = check_aof(incr)
    assert status == 0, out
    assert out.splitlines()[0] == "Start checking Old-Style AOF"
    assert out.splitlines()[-1] == "AOF %s is valid" % incr
    old_style = str(tmp_path / "appendonly.aof")
    with open(old_style, "wb") as f:
        for part in (base, incr):
            with open(part, "rb") as p:
                f.write(p.read())
    status, out = check_aof(old_style)
    assert status == 0, out
    assert "RDB preamble is OK, proceeding with AOF tail..." in out.splitlines()
    assert redis_tool(["redis-check-aof", old_style])[0] == 0
    # Cut inside the tail, then fixed: a single file is its own last file.
    size = os.path.getsize(old_style)
    with open(old_style, "r+b") as f:
        f.truncate(size - 2)
    assert check_aof(old_style)[0] == 1
    status, out = check_aof(old_style, fix=True)
    assert status == 0 and "Successfully truncated AOF %s" % old_style in out.splitlines()
    # Cut inside the preamble: not sane, and not fixable.
    with open(old_style, "r+b") as f:
        f.truncate(os.path.getsize(base) // 2)
    status, out = check_aof(old_style, fix=True)
    assert status == 1
    assert "RDB preamble of AOF file is not sane, aborting." in out.splitlines()
    # An empty file is valid, as redis-check-aof says.
    empty = str(tmp_path / "empty.aof")
    write(empty, b"")
    status, out = check_aof(empty)
    assert status == 0 and out.splitlines()[-1] == "AOF %s is empty" % empty


def test_broken_manifests(own_servers):
    server = aof_with_a_and_b(own_servers)
    manifest = server.path(MANIFEST)
    with open(manifest) as f:
        text = f.read()
    write(manifest, (text + "file broken seq x type i\n").encode())
    status, out = check_aof(manifest)
    assert status == 1 and "Invalid AOF manifest file format" in out
    write(manifest, (text + "file appendonly.aof.9.incr.aof seq 9 type i\n").encode())
    status, out = check_aof(manifest)
    assert status == 1 and "Cannot open file" in out
    write(manifest, text.encode())
    assert check_aof(manifest)[0] == 0
    assert run([tool("corvid-check-aof")])[0] == 1
    assert run([tool("corvid-check-aof"), "--bogus", manifest])[0] == 1
