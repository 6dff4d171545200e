"""ACL users enforced: a permissions matrix (users x commands x keys x channels) run on
corvid-server and redis-server 7.0.15 with identical replies, ACL LOG entries compared
field by field, and the scenarios one script cannot show: clients closed when their user
is deleted or loses a channel, requirepass as the default user's password, HELLO AUTH,
CLIENT KILL USER, scripts and MULTI/EXEC under a restricted user, and the descriptions
whose single commands Redis lists in hash order (compared as sets)."""

import pytest
import redis

from differential.harness import run_script
from support.resp import RespConnection

USERS = {
    "reader": "on >pw ~* resetchannels -@all +@read +@connection",
    "readall": "on >pw %R~* %W~app:* -@all +@all",
    "keyed": "on >pw ~app:* %R~ro:* %W~wo:* &news.* +@all -@dangerous",
    "writer": "on >pw %W~* resetchannels -@all +@write -@read +ping",
    "pubsub": "on >pw resetchannels &news.* &exact -@all +publish +subscribe +psubscribe +spublish "
              "+ssubscribe +pubsub|channels",
    "selectors": "on >pw -@all +get ~a* (+set ~b*) (%R~c* +@read)",
    "firstarg": "on >pw ~* -@all +select|0 +config|get +client|id",
}

COMMANDS = [
    "GET app:1", "GET ro:1", "GET wo:1", "GET other", "GET a1", "GET b1", "GET c1",
    "SET app:1 v", "SET ro:1 v", "SET wo:1 v", "SET b1 v", "SET a1 v", "SET c1 v",
    "DEL wo:1", "DEL ro:1", "COPY ro:1 wo:2", "COPY wo:1 ro:2", "RENAME app:1 app:2",
    "RPUSH app:l 3 1 2", "LMOVE app:l wo:l LEFT RIGHT", "LMOVE wo:l app:l LEFT RIGHT",
    "MGET app:1 ro:1 other", "MSET app:1 a wo:1 b", "MSET app:1 a app:2 b", "EXISTS ro:1 app:1",
    "SORT app:l", "SORT app:l STORE wo:s", "SORT app:l STORE ro:s", "SORT app:l BY nosort",
    "SORT app:l BY app:w_*", "SORT app:l GET #", "SORT_RO app:l GET app:*", "SORT app:l BY nostar GET #",
    "OBJECT ENCODING app:1", "OBJECT FREQ app:1", "TYPE c1",
    "PUBLISH news.x hi", "PUBLISH other hi", "PUBLISH exact hi", "SPUBLISH news.y hi",
    "PUBSUB CHANNELS", "CONFIG GET maxmemory", "CONFIG SET maxmemory 0", "CLIENT GETNAME",
    "SELECT 0", "SELECT 1", "SELECT 0", "PING", "ECHO x", "!unordered KEYS *", "DBSIZE",
    "EVAL \"return 1\" 0", "EVAL \"return redis.call('get', KEYS[1])\" 1 other",
    "EVAL \"return redis.pcall('set', 'wo:3', 'x')\" 0",
    "EVAL \"return redis.pcall('publish', 'other', 'x')\" 0",
    "EVAL \"return redis.acl_check_cmd('get', 'ro:1')\" 0",
    "XADD app:s 1-1 f v", "XREAD STREAMS app:s ro:s 0 0", "XREAD STREAMS app:s 0",
    "BLPOP app:none 0.01", "BLPOP other 0.01",
    "MULTI", "GET app:1", "SET other x", "EXEC",
    "MULTI", "GET app:1", "EXEC",
    "FLUSHDB", "ACL WHOAMI", "ACL LIST", "AUTH keyed wrong", "HELLO 2 AUTH nosuch pw",
]

# Checked with ACL DRYRUN only: running them would change the connection's mode.
DRY_ONLY = ["SUBSCRIBE news.a exact other", "SUBSCRIBE news.a", "PSUBSCRIBE news.*", "PSUBSCRIBE news.a",
            "SSUBSCRIBE news.b", "SSUBSCRIBE x", "CLIENT ID", "MONITOR", "SHUTDOWN", "DEBUG SLEEP 0"]


def raw(conn, *args):
    """The reply's bytes."""
    return conn.call(*args)[0]


def connect_as(port, user, password="pw"):
    conn = RespConnection("127.0.0.1", port)
    assert raw(conn, "AUTH", user, password) == b"+OK\r\n"
    return conn


def log_events(port):
    client = redis.Redis(host="127.0.0.1", port=port)
    entries = client.execute_command("ACL", "LOG", "1000")
    client.close()
    out = []
    for entry in entries:
        fields = dict(zip(entry[::2], entry[1::2]))
        info = fields[b"client-info"].decode()
        assert "user=" in info and "cmd=" in info, info
        assert float(fields[b"age-seconds"]) >= 0
        out.append(tuple(fields[k] for k in (b"count", b"reason", b"context", b"object", b"username")))
    return out


@pytest.fixture
def clean_acl(corvid_server, redis_server):
    for port in (corvid_server.port, redis_server.port):
        client = redis.Redis(host="127.0.0.1", port=port)
        client.execute_command("ACL", "LOG", "RESET")
        client.close()
    yield
    for port in (corvid_server.port, redis_server.port):
        client = redis.Redis(host="127.0.0.1", port=port)
        for name in client.execute_command("ACL", "USERS"):
            if name != b"default":
                client.execute_command("ACL", "DELUSER", name)
        client.execute_command("ACL", "SETUSER", "default", "on", "nopass", "~*", "&*", "+@all")
        client.execute_command("ACL", "LOG", "RESET")
        client.close()


def test_permission_matrix(corvid_server, redis_server, clean_acl):
    lines = []
    for user, rules in USERS.items():
        lines.append("ACL SETUSER %s %s" % (user, rules))
        for command in DRY_ONLY + COMMANDS:
            lines.append("ACL DRYRUN %s %s" % (user, command.replace("!unordered ", "")))
        lines.append("AUTH %s pw" % user)
        lines.extend(COMMANDS)
        lines.append("AUTH default anything")
    run_script("\n".join(lines), corvid_server.port, redis_server.port, name="acl permission matrix")
    # The same refusals were logged, in the same order and grouping.
    ours, theirs = log_events(corvid_server.port), log_events(redis_server.port)
    assert ours == theirs
    assert len(ours) > 40


def test_info_counts_refusals(corvid_server, clean_acl):
    client = redis.Redis(host="127.0.0.1", port=corvid_server.port)
    client.execute_command("CONFIG", "RESETSTAT")
    client.execute_command("ACL", "SETUSER", "u", "on", ">pw", "~k*", "&c*", "+get", "+publish")
    user = redis.Redis(host="127.0.0.1", port=corvid_server.port, username="u", password="pw")
    for command in (["SET", "k", "v"], ["GET", "x"], ["PUBLISH", "d", "m"], ["GET", "k"]):
        try:
            user.execute_command(*command)
        except redis.exceptions.NoPermissionError:
            pass
    with pytest.raises(redis.exceptions.ResponseError, match="WRONGPASS"):
        redis.Redis(host="127.0.0.1", port=corvid_server.port, username="u", password="bad").ping()
    stats = client.info("stats")
    assert (stats["acl_access_denied_cmd"], stats["acl_access_denied_key"], stats["acl_access_denied_channel"],
            stats["acl_access_denied_auth"]) == (1, 1, 1, 1)
    user.close()
    client.close()


def test_deleting_a_user_closes_its_connections(server, clean_acl):
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    admin.execute_command("ACL", "SETUSER", "gone", "on", ">pw", "+@all", "~*")
    victim = connect_as(server.port, "gone", "pw")
    other = RespConnection("127.0.0.1", server.port)
    # A user deleting itself gets its reply before the connection closes.
    assert raw(other, "AUTH", "gone", "pw") == b"+OK\r\n"
    assert raw(other, "ACL", "DELUSER", "gone") == b":1\r\n"
    for conn in (victim, other):
        conn.sock.settimeout(5)
        with pytest.raises((ConnectionError, OSError, AssertionError)):
            reply = raw(conn, "PING")
            assert reply != b"+PONG\r\n", reply
        conn.close()
    assert admin.ping()
    admin.close()


def test_losing_a_channel_closes_the_subscriber(server, clean_acl):
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    admin.execute_command("ACL", "SETUSER", "sub", "on", ">pw", "+@all", "~*", "resetchannels", "&news.*", "&x")
    kept = RespConnection("127.0.0.1", server.port)
    lost = RespConnection("127.0.0.1", server.port)
    for conn, channel in ((kept, "news.1"), (lost, "x")):
        assert raw(conn, "AUTH", "sub", "pw") == b"+OK\r\n"
        assert raw(conn, "SUBSCRIBE", channel).startswith(b"*3\r\n")
    admin.execute_command("ACL", "SETUSER", "sub", "resetchannels", "&news.*")
    lost.sock.settimeout(5)
    with pytest.raises((ConnectionError, OSError, AssertionError)):
        assert raw(lost, "PING") != b""
    assert admin.publish("news.1", "still here") == 1
    assert b"still here" in kept.read_reply()[0]
    kept.close()
    lost.close()
    admin.close()


def test_requirepass_is_the_default_users_password(server, clean_acl):
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    try:
        admin.config_set("requirepass", "secret")
        fields = admin.execute_command("ACL", "GETUSER", "default")
        info = dict(zip(fields[::2], fields[1::2]))
        assert info[b"flags"] in ([b"on"], {b"on"})
        assert len(info[b"passwords"]) == 1
        fresh = RespConnection("127.0.0.1", server.port)
        assert raw(fresh, "GET", "x") == b"-NOAUTH Authentication required.\r\n"
        assert raw(fresh, "AUTH", "wrong") == b"-WRONGPASS invalid username-password pair or user is disabled.\r\n"
        assert raw(fresh, "AUTH", "secret") == b"+OK\r\n"
        assert raw(fresh, "ACL", "WHOAMI") == b"$7\r\ndefault\r\n"
        fresh.close()
        hello = RespConnection("127.0.0.1", server.port)
        assert raw(hello, "HELLO", "2", "AUTH", "default", "nope").startswith(b"-WRONGPASS")
        assert raw(hello, "HELLO", "2", "AUTH", "default", "secret").startswith(b"*14\r\n")
        hello.close()
        # ACL SETUSER default nopass lifts the need, as clearing requirepass does.
        admin.execute_command("ACL", "SETUSER", "default", "nopass")
        assert raw(RespConnection("127.0.0.1", server.port), "PING") == b"+PONG\r\n"
    finally:
        admin.execute_command("ACL", "SETUSER", "default", "nopass")
        admin.config_set("requirepass", "")
        admin.close()


def test_disabled_user_cannot_log_in_but_stays_connected(server, clean_acl):
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    admin.execute_command("ACL", "SETUSER", "off-later", "on", ">pw", "+@all", "~*")
    conn = connect_as(server.port, "off-later", "pw")
    admin.execute_command("ACL", "SETUSER", "off-later", "off")
    assert raw(conn, "PING") == b"+PONG\r\n"
    assert raw(RespConnection("127.0.0.1", server.port), "AUTH", "off-later", "pw").startswith(b"-WRONGPASS")
    conn.close()
    admin.close()


def test_client_kill_user(server, clean_acl):
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    admin.execute_command("ACL", "SETUSER", "k", "on", ">pw", "+@all", "~*")
    conns = [RespConnection("127.0.0.1", server.port) for _ in range(2)]
    for conn in conns:
        assert raw(conn, "AUTH", "k", "pw") == b"+OK\r\n"
    assert admin.execute_command("CLIENT", "KILL", "USER", "k") == 2
    with pytest.raises(redis.exceptions.ResponseError, match="No such user 'nobody'"):
        admin.execute_command("CLIENT", "KILL", "USER", "nobody")
    for conn in conns:
        conn.close()
    admin.close()


def test_exec_rechecks_rules_that_changed(server, clean_acl):
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    admin.execute_command("ACL", "SETUSER", "tx", "on", ">pw", "~*", "&*", "+multi", "+exec", "+get", "+publish")
    conn = connect_as(server.port, "tx", "pw")
    for command in (["MULTI"], ["GET", "x"], ["PUBLISH", "ch", "1"], ["GET", "y"]):
        raw(conn, *command)
    admin.execute_command("ACL", "SETUSER", "tx", "-get", "resetchannels")
    reply = raw(conn, "EXEC")
    prefix = b"-NOPERM ACLs rules changed between the moment the transaction was accumulated and the EXEC call. " \
             b"This command is no longer allowed for the following reason: "
    assert reply == (b"*3\r\n" + prefix + b"no permission to execute the command or subcommand\r\n" + prefix +
                     b"no permission to access one of the channels used as arguments\r\n" + prefix +
                     b"no permission to execute the command or subcommand\r\n")
    events = log_events(server.port)
    # The second GET counts on the first one's entry, which becomes the newest.
    assert events[:2] == [(2, b"command", b"multi", b"get", b"tx"), (1, b"channel", b"multi", b"ch", b"tx")]
    conn.close()
    admin.close()


def test_acllog_max_len_and_grouping(server, clean_acl):
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    admin.execute_command("ACL", "SETUSER", "lg", "on", ">pw", "+get", "~k")
    conn = connect_as(server.port, "lg", "pw")
    try:
        admin.config_set("acllog-max-len", "3")
        for key in ("a", "b", "a", "c", "d", "d"):
            raw(conn, "GET", key)
        assert [(e[0], e[3]) for e in log_events(server.port)] == [(2, b"d"), (1, b"c"), (2, b"a")]
        # A lower limit applies at the next entry.
        admin.config_set("acllog-max-len", "1")
        assert len(log_events(server.port)) == 3
        conn.call("GET", "e")
        assert [(e[0], e[3]) for e in log_events(server.port)] == [(1, b"e")]
    finally:
        admin.config_set("acllog-max-len", "128")
    conn.close()
    admin.close()


def rule_set(description):
    """An ACL LIST command description as (first rule, set of the rest): Redis names the
    single commands in the order of its hash table."""
    words = description.split()
    return words[0], sorted(words[1:])


@pytest.mark.parametrize("rules", [
    "+@read -@hash", "+@read -@string -@hash", "+@all -@read +get", "-@all +get +set +del +hget",
    "+@write -@list +lpush", "+@all -@admin -@dangerous -flushall +config|get", "+@pubsub -publish +client|list",
])
def test_descriptions_match_as_sets(corvid_server, redis_server, clean_acl, rules):
    described = []
    for port in (corvid_server.port, redis_server.port):
        client = redis.Redis(host="127.0.0.1", port=port, decode_responses=True)
        client.execute_command("ACL", "SETUSER", "d", "reset", *rules.split())
        line = next(u for u in client.execute_command("ACL", "LIST") if u.startswith("user d "))
        getuser = client.execute_command("ACL", "GETUSER", "d")
        commands = dict(zip(getuser[::2], getuser[1::2]))["commands"]
        assert line.endswith(commands)
        described.append(rule_set(commands))
        client.close()
    assert described[0] == described[1]


def test_script_refusals_are_logged_as_lua(server, clean_acl):
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    admin.execute_command("ACL", "SETUSER", "sc", "on", "nopass", "+eval", "+get", "~k*")
    conn = connect_as(server.port, "sc", "x")
    reply = raw(conn, "EVAL", "return redis.call('get', 'x')", "0")
    assert reply.startswith(b"-ERR The user executing the script can't access at least one of the keys mentioned "
                            b"in the command arguments script: ")
    assert log_events(server.port)[0] == (1, b"key", b"lua", b"x", b"sc")
    conn.close()
    admin.close()
