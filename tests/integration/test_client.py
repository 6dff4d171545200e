"""CLIENT: KILL in all its forms, PAUSE holding writes, REPLY OFF/SKIP, LIST/INFO fields."""

import os
import select
import socket
import tempfile
import time

import pytest
import redis

from support.resp import connect

LIST_FIELDS = ["id", "addr", "laddr", "fd", "name", "age", "idle", "flags", "db", "sub", "psub", "ssub", "multi",
               "qbuf", "qbuf-free", "argv-mem", "multi-mem", "rbs", "rbp", "obl", "oll", "omem", "tot-mem", "events",
               "cmd", "user", "redir", "resp", "lib-name", "lib-ver"]

UNIX_SOCKET = os.path.join(tempfile.mkdtemp(prefix="corvid-client-test-"), "corvid.sock")


def parse_line(line):
    pairs = []
    for item in line.split(" "):
        name, _, value = item.partition("=")
        pairs.append((name, value))
    return pairs


def parse_list(text):
    return [dict(parse_line(line)) for line in text.split("\n") if line]


def client_id(conn):
    return conn.call("CLIENT", "ID")[1]


def is_closed(conn, timeout=2.0):
    """True once the server has closed the connection."""
    conn.sock.settimeout(timeout)
    try:
        return conn.sock.recv(1) == b""
    except (ConnectionResetError, socket.timeout):
        return False


def test_list_and_info_fields(r, corvid_server):
    r.client_setname("lister")
    r.select(2)
    text = r.execute_command("CLIENT", "LIST")
    lines = [line for line in text.split("\n") if line]
    me = None
    for line in lines:
        pairs = parse_line(line)
        assert [name for name, _ in pairs] == LIST_FIELDS
        entry = dict(pairs)
        if entry["name"] == "lister":
            me = entry
    assert me is not None
    assert int(me["id"]) == r.client_id()
    assert me["laddr"] == "127.0.0.1:%d" % corvid_server.port
    assert me["addr"].startswith("127.0.0.1:")
    assert me["db"] == "2"
    assert me["cmd"] == "client|list"
    assert me["flags"] == "N"
    assert me["user"] == "default"
    assert me["resp"] == "2"
    assert me["multi"] == "-1" and me["redir"] == "-1"
    assert int(me["age"]) >= 0 and int(me["idle"]) >= 0
    assert int(me["argv-mem"]) == len("client") + len("list")
    assert int(me["tot-mem"]) > int(me["qbuf"])
    assert "r" in me["events"]
    info = r.execute_command("CLIENT", "INFO")
    assert info.endswith("\n") and info.count("\n") == 1
    info_entry = dict(parse_line(info.strip()))
    assert [name for name, _ in parse_line(info.strip())] == LIST_FIELDS
    assert info_entry["id"] == me["id"]
    assert info_entry["cmd"] == "client|info"


def test_list_shows_other_clients_state(r, corvid_server):
    other = connect(corvid_server)
    try:
        other.call("CLIENT", "SETNAME", "other")
        other.call("SELECT", "5")
        other.call("PING")
        other_id = client_id(other)
        other.call("ECHO", "x")
        entries = parse_list(r.execute_command("CLIENT", "LIST", "ID", other_id))
        assert len(entries) == 1
        entry = entries[0]
        assert entry["name"] == "other" and entry["db"] == "5" and entry["cmd"] == "echo"
        time.sleep(1.1)
        entry = parse_list(r.execute_command("CLIENT", "LIST", "ID", other_id))[0]
        assert int(entry["idle"]) >= 1 and int(entry["age"]) >= 1
        # Several ids, in the order given; unknown ones are left out.
        mine = r.client_id()
        both = parse_list(r.execute_command("CLIENT", "LIST", "ID", other_id, 999999, mine))
        assert [int(e["id"]) for e in both] == [other_id, mine]
        everyone = parse_list(r.execute_command("CLIENT", "LIST", "TYPE", "normal"))
        assert {other_id, mine} <= {int(e["id"]) for e in everyone}
        assert r.execute_command("CLIENT", "LIST", "TYPE", "pubsub") == ""
        # Listed in id order.
        ids = [int(e["id"]) for e in parse_list(r.execute_command("CLIENT", "LIST"))]
        assert ids == sorted(ids)
    finally:
        other.close()


def test_no_evict_and_setinfo_show_in_info(r):
    assert r.execute_command("CLIENT", "NO-EVICT", "on") == "OK"
    assert dict(parse_line(r.execute_command("CLIENT", "INFO").strip()))["flags"] == "e"
    r.execute_command("CLIENT", "NO-EVICT", "off")
    assert r.execute_command("CLIENT", "SETINFO", "LIB-NAME", "corvid-test") == "OK"
    assert r.execute_command("CLIENT", "SETINFO", "lib-ver", "1.2.3") == "OK"
    entry = dict(parse_line(r.execute_command("CLIENT", "INFO").strip()))
    assert entry["lib-name"] == "corvid-test" and entry["lib-ver"] == "1.2.3"
    with pytest.raises(redis.ResponseError, match="^Unrecognized option 'lib-foo'$"):
        r.execute_command("CLIENT", "SETINFO", "lib-foo", "x")
    with pytest.raises(redis.ResponseError, match="^LIB-NAME cannot contain spaces, newlines or special characters.$"):
        r.execute_command("CLIENT", "SETINFO", "LIB-NAME", "a b")
    with pytest.raises(redis.ResponseError, match="wrong number of arguments for 'client|setinfo' command"):
        r.execute_command("CLIENT", "SETINFO", "lib-name")
    r.execute_command("CLIENT", "SETINFO", "lib-name", "")
    assert dict(parse_line(r.execute_command("CLIENT", "INFO").strip()))["lib-name"] == ""


def test_kill_by_id(r, corvid_server):
    victim = connect(corvid_server)
    try:
        victim_id = client_id(victim)
        assert r.execute_command("CLIENT", "KILL", "ID", victim_id) == 1
        assert is_closed(victim)
        assert r.execute_command("CLIENT", "KILL", "ID", victim_id) == 0
        assert parse_list(r.execute_command("CLIENT", "LIST", "ID", victim_id)) == []
    finally:
        victim.close()


def test_kill_old_form_by_address(r, corvid_server):
    victim = connect(corvid_server)
    try:
        victim_id = client_id(victim)
        addr = parse_list(r.execute_command("CLIENT", "LIST", "ID", victim_id))[0]["addr"]
        assert r.execute_command("CLIENT", "KILL", addr) == "OK"
        assert is_closed(victim)
        with pytest.raises(redis.ResponseError, match="^No such client$"):
            r.execute_command("CLIENT", "KILL", addr)
    finally:
        victim.close()


def test_kill_old_form_may_kill_the_caller(corvid_server):
    me = connect(corvid_server)
    try:
        addr = dict(parse_line(me.call("CLIENT", "INFO")[1].decode().strip()))["addr"]
        raw, _ = me.call("CLIENT", "KILL", addr)
        assert raw == b"+OK\r\n"
        assert is_closed(me)
    finally:
        me.close()


def test_kill_filters(r, corvid_server):
    a = connect(corvid_server)
    b = connect(corvid_server)
    try:
        a_id, b_id = client_id(a), client_id(b)
        a_addr = parse_list(r.execute_command("CLIENT", "LIST", "ID", a_id))[0]["addr"]
        # ADDR in the filter form counts instead of replying OK.
        assert r.execute_command("CLIENT", "KILL", "ADDR", a_addr) == 1
        assert is_closed(a)
        # Filters combine: an ID with a non-matching TYPE kills nothing.
        assert r.execute_command("CLIENT", "KILL", "ID", b_id, "TYPE", "pubsub") == 0
        assert r.execute_command("CLIENT", "KILL", "ID", b_id, "TYPE", "normal", "USER", "default") == 1
        assert is_closed(b)
    finally:
        a.close()
        b.close()


def test_kill_laddr_and_user_skip_the_caller(fresh_corvid):
    me = redis.Redis(host="127.0.0.1", port=fresh_corvid.port, decode_responses=True)
    others = [connect(fresh_corvid) for _ in range(3)]
    try:
        for conn in others:
            client_id(conn)
        laddr = "127.0.0.1:%d" % fresh_corvid.port
        assert me.execute_command("CLIENT", "KILL", "LADDR", laddr) == 3
        for conn in others:
            assert is_closed(conn)
        more = [connect(fresh_corvid) for _ in range(2)]
        for conn in more:
            client_id(conn)
        assert me.execute_command("CLIENT", "KILL", "USER", "default") == 2
        assert me.execute_command("CLIENT", "KILL", "TYPE", "normal") == 0
        assert me.ping()
        for conn in more:
            conn.close()
    finally:
        for conn in others:
            conn.close()
        me.close()


def test_kill_skipme_no_kills_the_caller_after_replying(corvid_server):
    me = connect(corvid_server)
    try:
        my_id = client_id(me)
        raw, _ = me.call("CLIENT", "KILL", "ID", str(my_id), "SKIPME", "no")
        assert raw == b":1\r\n"
        assert is_closed(me)
    finally:
        me.close()


def nothing_to_read(conn):
    """True if no reply bytes have arrived on `conn` (checked without waiting)."""
    readable, _, _ = select.select([conn.sock], [], [], 0)
    return conn.buffer == b"" and not readable


def wait_held(r, cid):
    """Waits until the server holds client `cid`'s next request for a pause: it stops
    reading the client (no "r" among the events CLIENT LIST shows)."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        entry, = parse_list(r.execute_command("CLIENT", "LIST", "ID", cid))
        if "r" not in entry["events"]:
            return
        time.sleep(0.01)
    raise AssertionError("client %d was never held by the pause" % cid)


def test_pause_write_holds_scripts_unless_they_declare_no_writes(r, corvid_server):
    """As Redis 7.0: EVAL of a script without a shebang, or with one that may write, FCALL of
    a function without `no-writes`, and PUBLISH are held by CLIENT PAUSE WRITE; a
    `no-writes` script or function, EVAL_RO and FCALL_RO are not."""
    writer = connect(corvid_server)
    publisher = connect(corvid_server)
    function_writer = connect(corvid_server)
    try:
        r.execute_command("SCRIPT", "FLUSH")
        r.execute_command("FUNCTION", "FLUSH")
        r.execute_command("FUNCTION", "LOAD", "#!lua name=paused\n"
                          "redis.register_function{function_name='reader', flags={'no-writes'}, "
                          "callback=function() return redis.call('get', 'k') end}\n"
                          "redis.register_function('writer', function() return redis.call('set', 'f', 'v') end)")
        assert r.execute_command("CLIENT", "PAUSE", 600000, "WRITE") == "OK"
        no_writes = "#!lua flags=no-writes\nreturn redis.call('get', 'k')"
        assert r.execute_command("EVAL", no_writes, 0) is None
        sha = r.execute_command("SCRIPT", "LOAD", no_writes)
        assert r.execute_command("EVALSHA", sha, 0) is None
        assert r.execute_command("EVAL_RO", "return redis.call('get', 'k')", 0) is None
        assert r.execute_command("FCALL", "reader", 0) is None
        assert r.execute_command("FCALL_RO", "reader", 0) is None
        writer.send_raw(writer.encode(["EVAL", "return redis.call('set', 'k', 'v')", "0"]))
        publisher.send_raw(publisher.encode(["PUBLISH", "channel", "message"]))
        function_writer.send_raw(function_writer.encode(["FCALL", "writer", "0"]))
        for held in (writer, publisher, function_writer):
            wait_held(r, client_id_of(r, held))
        assert nothing_to_read(writer) and nothing_to_read(publisher) and nothing_to_read(function_writer)
        assert r.get("k") is None and r.get("f") is None
        assert r.execute_command("CLIENT", "UNPAUSE") == "OK"
        assert writer.read_reply()[0] == b"+OK\r\n"
        assert publisher.read_reply()[0] == b":0\r\n"
        assert function_writer.read_reply()[0] == b"+OK\r\n"
    finally:
        r.execute_command("CLIENT", "UNPAUSE")
        r.execute_command("FUNCTION", "FLUSH")
        writer.close()
        publisher.close()
        function_writer.close()


def client_id_of(r, conn):
    """The id of `conn` (which may be held, so it cannot be asked): the newest client
    whose address is its local one."""
    host, port = conn.sock.getsockname()[:2]
    entries = parse_list(r.execute_command("CLIENT", "LIST"))
    return next(int(e["id"]) for e in entries if e["addr"] == "%s:%d" % (host, port))


def test_pause_write_holds_writes_but_not_reads(r, corvid_server):
    writer = connect(corvid_server)
    try:
        writer_id = client_id(writer)
        assert writer.call("SET", "k", "before")[0] == b"+OK\r\n"
        # Far longer than the test: only CLIENT UNPAUSE ends this one.
        assert r.execute_command("CLIENT", "PAUSE", 600000, "WRITE") == "OK"
        # In one pipeline: the read is answered, the write is held (and the read behind it
        # waits in line).
        writer.send_raw(writer.encode(["GET", "k"]) + writer.encode(["SET", "k", "after"]) +
                        writer.encode(["GET", "k"]))
        assert writer.read_reply()[0] == b"$6\r\nbefore\r\n"
        wait_held(r, writer_id)
        assert nothing_to_read(writer)
        # Reads of other clients go on, and see that the write has not run.
        assert r.get("k") == "before"
        assert r.execute_command("CLIENT", "UNPAUSE") == "OK"
        assert writer.read_reply()[0] == b"+OK\r\n"
        assert writer.read_reply()[0] == b"$5\r\nafter\r\n"
        # A pause with a timeout ends by itself: without an UNPAUSE the write is served
        # (the connection's 10 s read timeout fails the test if it never is).
        assert r.execute_command("CLIENT", "PAUSE", 200, "WRITE") == "OK"
        assert writer.call("SET", "k", "later")[0] == b"+OK\r\n"
        assert r.get("k") == "later"
    finally:
        r.execute_command("CLIENT", "UNPAUSE")
        writer.close()


def test_pause_all_holds_everything_until_unpause(r, corvid_server):
    other = connect(corvid_server)
    try:
        other_id = client_id(other)
        # WRITE mode leaves the pausing client free to send CLIENT UNPAUSE.
        assert r.execute_command("CLIENT", "PAUSE", 600000, "WRITE") == "OK"
        other.send_raw(other.encode(["SET", "p", "1"]))
        wait_held(r, other_id)
        assert nothing_to_read(other)
        assert r.get("p") is None
        assert r.execute_command("CLIENT", "UNPAUSE") == "OK"
        assert other.read_reply()[0] == b"+OK\r\n"
        assert r.get("p") == "1"
    finally:
        r.execute_command("CLIENT", "UNPAUSE")
        other.close()
    # ALL holds reads too, the pausing client's own included. Nothing can send UNPAUSE
    # then, so this pause ends by its timeout.
    pauser = connect(corvid_server)
    other = connect(corvid_server)
    try:
        client_id(other)
        # One pipeline: the GET arrives with the PAUSE. Had it run, its reply would have
        # been written with the PAUSE's +OK.
        pauser.send_raw(pauser.encode(["CLIENT", "PAUSE", "1000", "ALL"]) + pauser.encode(["GET", "p"]))
        assert pauser.read_reply()[0] == b"+OK\r\n"
        assert nothing_to_read(pauser)
        other.send_raw(other.encode(["GET", "p"]))
        # Both are answered once the pause is over (a 10 s read timeout otherwise).
        assert pauser.read_reply()[0] == b"$1\r\n1\r\n"
        assert other.read_reply()[0] == b"$1\r\n1\r\n"
    finally:
        pauser.close()
        other.close()


def test_reply_off_and_skip(corvid_server):
    conn = connect(corvid_server)
    try:
        conn.send_raw(conn.encode(["CLIENT", "REPLY", "OFF"]) + conn.encode(["SET", "quiet", "1"]) +
                      conn.encode(["PING"]) + conn.encode(["INCRBY", "quiet", "x"]) +
                      conn.encode(["CLIENT", "REPLY", "maybe"]) + conn.encode(["CLIENT", "REPLY", "SKIP"]) +
                      conn.encode(["CLIENT", "REPLY", "ON"]) + conn.encode(["GET", "quiet"]))
        raw, _ = conn.read_reply()
        assert raw == b"+OK\r\n"  # only CLIENT REPLY ON answers
        raw, _ = conn.read_reply()
        assert raw == b"$1\r\n1\r\n"
        conn.send_raw(conn.encode(["CLIENT", "REPLY", "SKIP"]) + conn.encode(["PING", "skipped"]) +
                      conn.encode(["PING", "seen"]))
        raw, _ = conn.read_reply()
        assert raw == b"$4\r\nseen\r\n"
        conn.sock.settimeout(0.3)
        with pytest.raises(socket.timeout):
            conn.sock.recv(1)
    finally:
        conn.close()


def test_reply_off_silences_rejected_commands(corvid_server):
    # Errors found before a command runs (unknown command, arity) are replies too, and
    # Redis drops them while replies are off.
    conn = connect(corvid_server)
    try:
        conn.send_raw(conn.encode(["CLIENT", "REPLY", "OFF"]) + conn.encode(["GET"]) + conn.encode(["NOSUCH"]) +
                      conn.encode(["CLIENT", "REPLY", "SKIP"]) + conn.encode(["GET"]) + conn.encode(["PING"]) +
                      conn.encode(["CLIENT", "REPLY", "ON"]))
        raw, _ = conn.read_reply()
        assert raw == b"+OK\r\n"
    finally:
        conn.close()


@pytest.mark.corvid_args("--unixsocket", UNIX_SOCKET)
def test_unix_socket_clients(fresh_corvid):
    client = redis.Redis(unix_socket_path=UNIX_SOCKET, decode_responses=True)
    try:
        entry = dict(parse_line(client.execute_command("CLIENT", "INFO").strip()))
        assert entry["flags"] == "U"
        assert entry["laddr"] == UNIX_SOCKET + ":0"
    finally:
        client.close()


def test_a_pause_counts_held_clients_and_keeps_expired_keys(server):
    """While clients are paused the dataset must not change: an expired key reads as
    missing but is not deleted (neither by the lookup nor by the active cycle), and held
    clients count in INFO blocked_clients; after CLIENT UNPAUSE expiry goes on. Checked on
    Corvid and redis-server alike."""
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    held = connect(server)
    try:
        admin.set("soon", "v", px=200)
        admin.set("kept", "v")
        assert admin.execute_command("CLIENT", "PAUSE", 600000, "WRITE") == b"OK"
        held.send_raw(held.encode(["SET", "k", "v"]))
        deadline = time.time() + 30
        while admin.info("clients")["blocked_clients"] != 1 and time.time() < deadline:
            time.sleep(0.01)
        assert admin.info("clients")["blocked_clients"] == 1
        time.sleep(0.5)  # "soon" is due, and several active cycles have run
        assert admin.get("soon") is None
        assert admin.exists("soon") == 0
        assert admin.dbsize() == 2  # it is still there
        assert admin.execute_command("CLIENT", "UNPAUSE") == b"OK"
        assert held.read_reply()[0] == b"+OK\r\n"
        assert admin.info("clients")["blocked_clients"] == 0
        assert admin.get("soon") is None
        assert admin.dbsize() == 2  # "kept" and "k"
    finally:
        held.close()
        admin.close()
