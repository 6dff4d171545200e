"""MODULE under enable-module-command yes and local, beside redis-server started the same
way: Corvid loads no modules, so a load fails exactly as a load of a missing library fails in
Redis (same reply; the reason goes to the log), and UNLOAD finds nothing. The default (no)
is covered by tests/differential/cases/module.txt."""

import pytest

from differential.harness import run_script
from support.servers import server_pair

SCRIPT = """\
MODULE LIST
MODULE LOAD /nonexistent/module.so
MODULE LOAD /nonexistent/module.so arg1 arg2
MODULE LOADEX /nonexistent/module.so
MODULE LOADEX /nonexistent/module.so CONFIG name value ARGS a b
MODULE UNLOAD somemodule
MODULE LIST
MODULE LOAD
MODULE HELP
"""


@pytest.mark.parametrize("access", ["yes", "local"])
def test_module_commands_match_redis(access):
    with server_pair("--enable-module-command", access) as (corvid, redis_server):
        run_script(SCRIPT, corvid.port, redis_server.port, name="module-" + access)
        log = corvid.read_log()
        assert "Module /nonexistent/module.so failed to load: " in log, log
