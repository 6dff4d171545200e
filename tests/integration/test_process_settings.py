"""Process-wide settings: always-show-logo (a banner in the log, Corvid's own), disable-thp
(transparent huge pages off for the process when the kernel has them "always" on, as
Redis does: /proc/<pid>/status tells, the same on both servers)."""

import pytest

from support.servers import start_corvid, start_redis


def thp_enabled(server):
    with open("/proc/%d/status" % server.proc.pid) as f:
        for line in f:
            if line.startswith("THP_enabled:"):
                return int(line.split()[1])
    pytest.fail("no THP_enabled line in /proc/<pid>/status")


@pytest.mark.parametrize("setting", ["yes", "no"])
def test_disable_thp_as_redis(own_servers, setting):
    servers = [start_corvid("--disable-thp", setting), start_redis("--disable-thp", setting)]
    own_servers.extend(servers)
    with open("/sys/kernel/mm/transparent_hugepage/enabled") as f:
        always = "[always]" in f.read()
    expected = 0 if always and setting == "yes" else 1
    assert [thp_enabled(s) for s in servers] == [expected, expected]


def test_always_show_logo(own_servers):
    shown = start_corvid("--always-show-logo", "yes")
    hidden = start_corvid("--always-show-logo", "no")
    own_servers.extend([shown, hidden])
    assert "Port: %d" % shown.port in shown.read_log()
    assert "PID: %d" % shown.proc.pid in shown.read_log()
    assert "Port: " not in hidden.read_log()
