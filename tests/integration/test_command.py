"""COMMAND as clients use it: the whole table, its internal consistency, redis-cli."""

import fcntl
import os
import pty
import select
import struct
import subprocess
import termios
import time

import redis

from support.resp import Map, RespConnection


def _plain(value):
    if isinstance(value, Map):
        return {_plain(value[i]): _plain(value[i + 1]) for i in range(0, len(value), 2)}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value


def _call(port, *args, resp3=False):
    conn = RespConnection("127.0.0.1", port)
    try:
        if resp3:
            conn.call("HELLO", "3")
        return _plain(conn.call(*args)[1])
    finally:
        conn.close()


def test_bare_command_is_command_info_of_everything(corvid_server):
    everything = _call(corvid_server.port, "COMMAND")
    assert everything == _call(corvid_server.port, "COMMAND", "INFO")
    assert len(everything) == _call(corvid_server.port, "COMMAND", "COUNT")


def test_count_list_info_and_docs_agree(corvid_server):
    port = corvid_server.port
    count = _call(port, "COMMAND", "COUNT")
    names = _call(port, "COMMAND", "LIST")
    top = [n for n in names if "|" not in n]
    assert len(top) == count == len(set(top))
    info = _call(port, "COMMAND", "INFO")
    assert [row[0] for row in info] == top
    docs = _call(port, "COMMAND", "DOCS", resp3=True)
    assert list(docs) == top
    for row in info:
        for sub in row[9]:
            assert sub[0] in names
            assert sub[0] in docs[row[0]]["subcommands"]


def test_table_is_self_consistent(corvid_server):
    """What no oracle comparison catches: argument docs pointing at key specs that do not exist."""
    port = corvid_server.port
    info = {}
    for row in _call(port, "COMMAND", "INFO", resp3=True):
        info[row[0]] = row
        for sub in row[9]:
            info[sub[0]] = sub
    docs = _call(port, "COMMAND", "DOCS", resp3=True)
    flat = dict(docs)
    for d in docs.values():
        flat.update(d.get("subcommands", {}))
    problems = []

    def key_indexes(args):
        for a in args:
            if "key_spec_index" in a:
                yield a["name"], a["key_spec_index"]
            yield from key_indexes(a.get("arguments", []))

    for name, d in flat.items():
        specs = info[name][8]
        for arg, index in key_indexes(d.get("arguments", [])):
            if not 0 <= index < len(specs):
                problems.append("%s: argument %s names key spec %d of %d" % (name, arg, index, len(specs)))
        if "group" not in d or not d["group"]:
            problems.append("%s: no group" % name)
    assert not problems, "\n".join(problems)


def test_redis_py_helpers(r):
    # redis-py (and its cluster client, to route keys) reads the bare COMMAND reply.
    table = r.command()
    assert table["command"]["arity"] == -1
    assert table["command"]["flags"] == ["loading", "stale"]
    assert (table["command"]["first_key_pos"], table["command"]["last_key_pos"]) == (0, 0)
    assert r.command_count() == len(table)
    assert r.command_list(pattern="command|c*") == ["command|count"]
    assert r.command_list(category="connection")[0] in table
    getkeys = [["COMMAND", "GETKEYS"], ["COMMAND", "GETKEYSANDFLAGS"]]
    for args in getkeys:
        try:
            r.execute_command(*args, "PING", "x")
        except redis.ResponseError as e:
            assert str(e) == "The command has no key arguments"
        else:
            raise AssertionError("no error for %s PING" % args)


def test_redis_cli_command_docs_tree(corvid_server):
    out = subprocess.run(["redis-cli", "--no-raw", "-p", str(corvid_server.port), "COMMAND", "DOCS", "command"],
                         capture_output=True, text=True, timeout=20).stdout
    lines = out.splitlines()
    assert lines[0] == "1) \"command\""
    assert '"Get array of Redis command details"' in out
    assert '"command|list"' in out
    assert '"FILTERBY"' in out
    assert '"pure-token"' not in out  # COMMAND's own arguments have none; a sanity check on nesting
    assert "Error" not in out


def _interactive_hint(port, typed):
    """Types `typed` into an interactive redis-cli and returns the grey hint it shows."""
    master, slave = pty.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 50, 200, 0, 0))
    proc = subprocess.Popen(["redis-cli", "-p", str(port)], stdin=slave, stdout=slave, stderr=slave,
                            close_fds=True, env=dict(os.environ, TERM="xterm", HOME="/nonexistent"))
    os.close(slave)
    seen = bytearray()

    def pump(seconds):
        end = time.time() + seconds
        while time.time() < end:
            ready, _, _ = select.select([master], [], [], 0.05)
            if not ready:
                continue
            try:
                chunk = os.read(master, 65536)
            except OSError:
                return
            seen.extend(chunk)
            # linenoise asks where the cursor is; answer as a terminal would.
            for _ in range(chunk.count(b"\x1b[6n")):
                os.write(master, b"\x1b[1;1R")

    try:
        pump(1.0)
        for ch in typed.encode():
            os.write(master, bytes([ch]))
            pump(0.05)
        pump(0.5)
        screen = bytes(seen)
        os.write(master, b"\x15PING\r")
        pump(1.0)
        answered = b"PONG" in bytes(seen)[len(screen):]
        os.write(master, b"quit\r")
        proc.wait(timeout=10)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
        os.close(master)
    # The hint is drawn in grey (SGR 90) after the typed text.
    marker = b"\x1b[0;90;49m"
    tail = screen[screen.rfind(marker) + len(marker):]
    hint = tail[:tail.find(b"\x1b[0m")].decode()
    return hint, answered, proc.returncode


def test_interactive_redis_cli_hints_match_redis(corvid_server, redis_server):
    for typed in ("command info ", "command list ", "command getkeys "):
        ours = _interactive_hint(corvid_server.port, typed)
        theirs = _interactive_hint(redis_server.port, typed)
        assert ours == theirs, typed
        assert ours[1] and ours[2] == 0
