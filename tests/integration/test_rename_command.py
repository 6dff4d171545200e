"""rename-command in the config file, on corvid-server and redis-server 7.0.15: a renamed
command answers to its new name only (also from scripts and COMMAND GETKEYS/INFO/DOCS),
"" leaves it unreachable (and out of COMMAND COUNT/LIST), COMMAND LIST and ACL rules keep
the original names, and bad renames stop the start."""

import os
import tempfile

import pytest

from differential.harness import run_script
from support.servers import ServerProcess, corvid_binary, free_port, start_corvid, start_redis

RENAMES = ["--rename-command", "get", "g2", "--rename-command", "g2", "g3", "--rename-command", "config", "",
           "--rename-command", "FLUSHALL", "wipe"]


def test_renamed_commands_answer_to_their_new_names(own_servers):
    corvid, redis_server = start_corvid(*RENAMES), start_redis(*RENAMES)
    own_servers.extend([corvid, redis_server])
    script = "\n".join([
        "SET a 1",
        "GET a",
        "G2 a",
        "G3 a",
        "g3 a",
        "CONFIG GET port",
        "COMMAND INFO get",
        "!commandinfo COMMAND INFO g3",
        "EVAL \"return redis.pcall('get', 'a')\" 0",
        "EVAL \"return redis.pcall('g3', 'a')\" 0",
        "ACL SETUSER renamed on nopass +get ~*",
        "ACL SETUSER renamed +g3",
        "ACL DRYRUN renamed get a",
        "ACL DELUSER renamed",
        "MULTI",
        "G3 a",
        "GET a",
        "EXEC",
        "WIPE",
        "DBSIZE",
        # COMMAND's other subcommands: the count leaves out the unreachable command, lists
        # and filters use original names, GETKEYS takes the new name only.
        "COMMAND COUNT",
        "!unordered COMMAND LIST FILTERBY PATTERN g*",
        "!unordered COMMAND LIST FILTERBY PATTERN co*",
        "!unordered COMMAND LIST FILTERBY PATTERN wipe",
        "!unordered COMMAND LIST FILTERBY ACLCAT string",
        "COMMAND GETKEYS g3 a",
        "COMMAND GETKEYS get a",
        "COMMAND GETKEYSANDFLAGS g3 a",
        "!type COMMAND DOCS g3",
        "COMMAND DOCS get",
        "COMMAND INFO config",
    ])
    # run_script's opening FLUSHALL is refused under its old name; both servers start empty.
    run_script(script, corvid.port, redis_server.port, name="rename-command")


def start_fails(*args):
    logs = []
    for binary in (corvid_binary(), "redis-server"):
        port = free_port()
        workdir = tempfile.mkdtemp(prefix="rename-")
        config = os.path.join(workdir, "rename.conf")
        with open(config, "w") as f:
            f.write("rename-command %s %s\n" % args)
        proc = ServerProcess([binary, config, "--port", str(port)], port, workdir, wait=False)
        assert proc.proc.wait(timeout=30) != 0
        proc.log.close()
        logs.append(proc.read_log())
    return logs


@pytest.mark.parametrize("args, message", [
    (("nosuch", "x"), "No such command in rename-command"),
    (("get", "set"), "Target command name already exists"),
])
def test_bad_renames_stop_the_start(args, message):
    for log in start_fails(*args):
        assert ">>> 'rename-command %s %s'" % args in log and message in log, log
