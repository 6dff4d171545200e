"""The process title (set-proc-title, proc-title-template): what /proc/<pid>/cmdline shows,
on corvid-server and redis-server 7.0.15 alike once the program name is set aside."""

import pytest
import redis

from support.servers import start_corvid, start_redis
from support.waiting import wait_until


def start(which, *args):
    return start_corvid(*args) if which == "corvid" else start_redis(*args)


def cmdline(server):
    with open("/proc/%d/cmdline" % server.proc.pid, "rb") as f:
        return f.read().decode(errors="replace")


def title_after_program(server):
    """The title without the program's own name (a path for Corvid, "redis-server" for
    Redis), NUL padding removed."""
    title = cmdline(server).rstrip("\0")
    assert "\0" not in title, repr(title)
    program, _, rest = title.partition(" ")
    assert program == server.proc.args[0]
    return rest


@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_default_title_is_program_and_listen_address(which, own_servers):
    s = start(which)
    own_servers.append(s)
    assert title_after_program(s) == "127.0.0.1:%d" % s.port


@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_template_set_at_runtime(which, own_servers):
    s = start(which)
    own_servers.append(s)
    c = redis.Redis(host="127.0.0.1", port=s.port)
    c.config_set("proc-title-template", "{title} port={port} {{x}} a}b {server-mode}  ")
    wait_until(lambda: title_after_program(s) == "port=%d {x}} a}b" % s.port, "the new title")
    with pytest.raises(redis.ResponseError, match="template format is invalid"):
        c.config_set("proc-title-template", "{title} {nosuch}")
    assert title_after_program(s) == "port=%d {x}} a}b" % s.port


@pytest.mark.parametrize("which", ["corvid", "redis"])
def test_set_proc_title_no_leaves_the_command_line(which, own_servers):
    s = start(which, "--set-proc-title", "no")
    own_servers.append(s)
    assert cmdline(s).split("\0")[:3] == [s.proc.args[0], "--port", str(s.port)]
