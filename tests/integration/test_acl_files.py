"""Users from files: the aclfile (read at start-up and by ACL LOAD, written by ACL SAVE)
and the config file's "user" lines, on corvid-server and redis-server 7.0.15. Errors must
read the same (with each server's own file path), a bad file must change nothing, files
written by either server must load in the other, and the connections of users an ACL LOAD
replaced are closed."""

import os
import tempfile
import time

import pytest
import redis

from support.resp import RespConnection
from support.servers import ServerProcess, corvid_binary, free_port, start_corvid, start_redis

BAD_FILES = [
    "user al ice",
    "user al on >x foo +nosuch",
    "user",
    "usr alice on",
    "# a comment is not a user line",
    "user al (~a b)",
    "user al (+nosuch)",
    'user al "unbalanced',
    "user alice on\nuser alice off",
    'user "y z" on',
    "user al on &a b",
    "user default on\nuser default off",
]

GOOD_FILE = ("user alice on >pw ~app:* %R~ro:* &news.* -@all +@read +set\n"
             "\n   \n"
             "user x (+get ~a*) resetchannels &x\n"
             "user default on >secret ~* &* +@all\n"
             "user carol off nopass skip-sanitize-payload\n")


def write(path, text):
    with open(path, "w") as f:
        f.write(text)


@pytest.fixture
def file_servers(own_servers):
    """A corvid-server and a redis-server, each with an aclfile in its own directory."""
    pair = []
    for start in (start_corvid, start_redis):
        workdir = tempfile.mkdtemp(prefix="acl-file-")
        path = os.path.join(workdir, "users.acl")
        write(path, "user default on nopass ~* &* +@all\n")
        server = start(workdir=workdir, *["--aclfile", path])
        own_servers.append(server)
        pair.append((server, path))
    return pair


def acl_load(server, path, text):
    write(path, text)
    reply = RespConnection("127.0.0.1", server.port).call("ACL", "LOAD")[0]
    return reply.replace(path.encode(), b"<file>")


def acl_list(port, password=None):
    client = redis.Redis(host="127.0.0.1", port=port, password=password)
    lines = client.execute_command("ACL", "LIST")
    client.close()
    return lines


def test_bad_files_are_refused_in_redis_words_and_change_nothing(file_servers):
    (ours, our_path), (theirs, their_path) = file_servers
    before = [acl_list(ours.port), acl_list(theirs.port)]
    for text in BAD_FILES:
        assert acl_load(ours, our_path, text + "\n") == acl_load(theirs, their_path, text + "\n"), text
    assert [acl_list(ours.port), acl_list(theirs.port)] == before


def test_an_unclosed_selector_is_refused(file_servers):
    # Redis 7.0.15 often crashes on this file (in ACLLoadFromFile); Corvid answers with the
    # error Redis gives when it survives.
    (ours, our_path), _ = file_servers
    assert acl_load(ours, our_path, "user al on (+get\nuser b on\n") == (
        b"-ERR <file>:1: Unmatched parenthesis in selector definition.WARNING: ACL errors detected, no change to "
        b"the previously active ACL rules was performed\r\n")


def test_a_good_file_replaces_the_users(file_servers):
    (ours, our_path), (theirs, their_path) = file_servers
    assert acl_load(ours, our_path, GOOD_FILE) == acl_load(theirs, their_path, GOOD_FILE) == b"+OK\r\n"
    # The default user now has a password: this connection must authenticate.
    conn = RespConnection("127.0.0.1", ours.port)
    assert conn.call("PING")[0] == b"-NOAUTH Authentication required.\r\n"
    client_ours = redis.Redis(host="127.0.0.1", port=ours.port, username="alice", password="pw")
    client_theirs = redis.Redis(host="127.0.0.1", port=theirs.port, username="alice", password="pw")
    for client in (client_ours, client_theirs):
        assert client.execute_command("SET", "app:1", "v")
        with pytest.raises(redis.exceptions.NoPermissionError):
            client.execute_command("DEL", "app:1")
    assert acl_list(ours.port, "secret") == acl_list(theirs.port, "secret")
    client_ours.close()
    client_theirs.close()


def test_acl_load_closes_the_connections_of_replaced_users(file_servers):
    for server, path in file_servers:
        assert acl_load(server, path, "user bob on >pw +@all ~*\nuser default on nopass ~* &* +@all\n") == b"+OK\r\n"
        bob = RespConnection("127.0.0.1", server.port)
        assert bob.call("AUTH", "bob", "pw")[0] == b"+OK\r\n"
        default = RespConnection("127.0.0.1", server.port)
        assert default.call("PING")[0] == b"+PONG\r\n"
        assert acl_load(server, path, "user bob on >pw +@all ~*\nuser default on nopass ~* &* +@all\n") == b"+OK\r\n"
        assert default.call("PING")[0] == b"+PONG\r\n"
        bob.sock.settimeout(5)
        with pytest.raises((ConnectionError, OSError, AssertionError)):
            assert bob.call("PING")[0] != b""
        bob.close()
        default.close()


def test_acl_save_writes_a_file_the_other_server_loads(file_servers, own_servers):
    (ours, our_path), (theirs, their_path) = file_servers
    for server, path in file_servers:
        client = redis.Redis(host="127.0.0.1", port=server.port)
        client.execute_command("ACL", "SETUSER", "saved", "on", ">pw", "~k*", "%R~r*", "&c", "-@all", "+get",
                               "(+set ~w*)")
        assert client.execute_command("ACL", "SAVE") == b"OK"
        client.close()
    # Each server's file, given to a new server of the other kind.
    for start, path in ((start_redis, our_path), (start_corvid, their_path)):
        server = start("--aclfile", path)
        own_servers.append(server)
        assert acl_list(server.port) == acl_list(ours.port)


def start_fails(argv_tail, workdir):
    """Starts each server with a config file and extra arguments; both must fail. Returns
    the two logs."""
    logs = []
    for binary in (corvid_binary(), "redis-server"):
        port = free_port()
        proc = ServerProcess([binary, os.path.join(workdir, "bad.conf"), "--port", str(port)] + argv_tail, port,
                             tempfile.mkdtemp(prefix="acl-start-"), wait=False)
        assert proc.proc.wait(timeout=30) != 0
        proc.log.close()
        logs.append(proc.read_log())
    return logs


@pytest.mark.parametrize("config, message", [
    ("user alice on +nosuch\n", "Error loading ACL rule '+nosuch' for the user named 'alice': Unknown command or "
                                "category name in ACL"),
    ("user alice on\nuser alice off\n", "Error in user declaration 'alice': Duplicate user found. A user can only "
                                        "be defined once in config files"),
    ("user alice on (+get\n", "Error in user declaration 'alice': Unknown command or category name in ACL"),
    ('user "a b" on\n', "Spaces not allowed in ACL usernames"),
    ("user alice on\naclfile /nonexistent/users.acl\n", "Configuring Redis with users defined in redis.conf and at "
                                                         "the same setting an ACL file path is invalid."),
    ("aclfile /nonexistent/users.acl\n", "Aborting Redis startup because of ACL errors: Error loading ACLs, opening "
                                         "file '/nonexistent/users.acl': No such file or directory"),
])
def test_start_up_stops_on_bad_users(config, message):
    workdir = tempfile.mkdtemp(prefix="acl-conf-")
    write(os.path.join(workdir, "bad.conf"), config)
    for log in start_fails([], workdir):
        assert message in log, log


def test_config_file_users(own_servers):
    workdir = tempfile.mkdtemp(prefix="acl-conf-")
    config = os.path.join(workdir, "users.conf")
    write(config, "user alice on >pw ~* &* +@all\nuser default on nopass -@all +ping\nrequirepass ignored\n")
    lists = []
    for binary in (corvid_binary(), "redis-server"):
        port = free_port()
        server = ServerProcess([binary, config, "--port", str(port), "--save", "", "--dir", workdir], port, workdir,
                               wait=False)
        own_servers.append(server)
        alice = None
        for _ in range(200):
            try:
                alice = redis.Redis(host="127.0.0.1", port=port, username="alice", password="pw")
                alice.ping()
                break
            except redis.exceptions.ConnectionError:
                time.sleep(0.05)
        lists.append(alice.execute_command("ACL", "LIST"))
        alice.close()
    assert lists[0] == lists[1]


def rewrite_users(binary, text, acl_commands, extra=()):
    """Starts `binary` from a config file holding `text` (its port line added first), runs
    `acl_commands` as the default user, rewrites the file with CONFIG REWRITE and returns
    the lines of the old part (before "# Generated by CONFIG REWRITE", the port line left
    out) and the user lines, in order."""
    workdir = tempfile.mkdtemp(prefix="acl-rewrite-")
    path = os.path.join(workdir, "server.conf")
    port = free_port()
    write(path, "port %d\n%s" % (port, text))
    server = ServerProcess([binary, path, "--save", "", "--dir", workdir, "--bind", "127.0.0.1", *extra], port,
                           workdir)
    try:
        conn = RespConnection("127.0.0.1", port)
        for command in acl_commands:
            assert not conn.call(*command)[0].startswith(b"-"), command
        assert conn.call("CONFIG", "REWRITE")[0] == b"+OK\r\n"
        conn.close()
    finally:
        server.stop()
    with open(path) as f:
        lines = f.read().split("\n")
    old_part = lines[1:lines.index("# Generated by CONFIG REWRITE")] if "# Generated by CONFIG REWRITE" in lines \
        else lines[1:]
    return old_part, [line for line in lines if line.startswith("user ")]


@pytest.mark.parametrize("text, commands", [
    # More users than user lines: each line takes the next user by name, the rest follow.
    ("# users\nuser zed on >pw ~z* +get\nhz 11\nuser alice on nopass ~* +@all\nuser bob off\n",
     [("ACL", "SETUSER", "carol", "on", ">x", "~c:*", "(+set ~s*)"), ("ACL", "DELUSER", "bob")]),
    # Fewer: the lines left over go.
    ("user a1 on\nuser a2 on\nuser a3 on\nuser a4 on\nhz 12\n", [("ACL", "DELUSER", "a2", "a3")]),
    # None in the file: all users are appended.
    ("hz 13\n", [("ACL", "SETUSER", "dave", "on", "#" + "ab" * 32, "%R~r*", "&ch", "-@all", "+get")]),
])
def test_config_rewrite_writes_the_users_as_redis_does(text, commands):
    ours = rewrite_users(corvid_binary(), text, commands)
    theirs = rewrite_users("redis-server", text, commands)
    assert ours == theirs


def test_config_rewrite_with_an_aclfile_drops_user_lines(own_servers):
    results = []
    for binary in (corvid_binary(), "redis-server"):
        workdir = tempfile.mkdtemp(prefix="acl-rewrite-")
        acl_path = os.path.join(workdir, "users.acl")
        write(acl_path, "user default on nopass ~* &* +@all\nuser erin on nopass\n")
        conf = os.path.join(workdir, "server.conf")
        port = free_port()
        write(conf, "aclfile %s\n" % acl_path)
        server = ServerProcess([binary, conf, "--port", str(port), "--save", "", "--dir", workdir], port, workdir)
        own_servers.append(server)
        # User lines added to the file while the server runs (it would not start with both).
        write(conf, "user zed on\naclfile %s\nuser erin on\n" % acl_path)
        assert RespConnection("127.0.0.1", port).call("CONFIG", "REWRITE")[0] == b"+OK\r\n"
        with open(conf) as f:
            lines = f.read().replace(acl_path, "ACLFILE").split("\n")
        results.append((lines[:lines.index("# Generated by CONFIG REWRITE")],
                        [line for line in lines if line.startswith("user ")]))
        with open(acl_path) as f:
            assert "user erin" in f.read()
    assert results[0] == results[1]
    assert results[0][1] == []
