"""A fatal signal leaves a crash report in the log (crash-log-enabled) and a memory test
(crash-memcheck-enabled), then the process still dies of that signal, as Redis's does;
DEBUG SEGFAULT and DEBUG PANIC cause such a crash on purpose. The process's death by the
signal is checked on redis-server 7.0.15 too; the report's wording is Corvid's own."""

import signal

import pytest
import redis

from support.datasets import client_for
from support.servers import start_corvid, start_redis

DEBUG = ("--enable-debug-command", "yes", "--save", "")


def start(which, *args):
    if which == "corvid":
        return start_corvid(*DEBUG, *args)
    return start_redis(*DEBUG, *args)


def crash(server, *command):
    c = client_for(server)
    with pytest.raises(redis.ConnectionError):
        c.execute_command(*command)
    return server.wait_exit()


@pytest.mark.parametrize("which", ["corvid", "redis"])
@pytest.mark.parametrize("command,signal_number", [(("DEBUG", "SEGFAULT"), signal.SIGSEGV),
                                                   (("DEBUG", "PANIC"), signal.SIGABRT)])
def test_fatal_signal_kills_the_process_by_that_signal(which, command, signal_number):
    s = start(which, "--crash-memcheck-enabled", "no")
    assert crash(s, *command) == -signal_number


def test_crash_report_names_signal_stack_info_clients_and_command():
    s = start_corvid(*DEBUG, "--crash-memcheck-enabled", "yes")
    other = client_for(s)
    other.client_setname("bystander")
    other.set("k", "v")
    assert crash(s, "DEBUG", "SEGFAULT") == -signal.SIGSEGV
    log = s.read_log()
    start = log.index("=== CORVID CRASH REPORT")
    report = log[start:]
    assert "crashed by signal: 11 (Segmentation fault)" in report
    assert "Accessing address: 0x" in report
    for heading in ("------ STACK TRACE ------", "------ INFO OUTPUT ------", "------ CLIENT LIST OUTPUT ------",
                    "------ CURRENT CLIENT INFO ------", "------ FAST MEMORY TEST ------"):
        assert heading in report, heading
    assert "redis_version:" in report and "db0:keys=1" in report
    assert "name=bystander" in report
    assert "argv[0]: 'DEBUG'" in report and "argv[1]: 'SEGFAULT'" in report
    assert "Fast memory test PASSED" in report
    assert "=== CORVID CRASH REPORT END ===" in report


def test_panic_logs_its_reason_before_the_report():
    s = start_corvid(*DEBUG, "--crash-memcheck-enabled", "no")
    assert crash(s, "DEBUG", "PANIC") == -signal.SIGABRT
    log = s.read_log()
    assert "Guru Meditation: DEBUG PANIC called at Unix time" in log
    assert "crashed by signal: 6" in log
    assert "FAST MEMORY TEST" not in log


def test_crash_log_disabled_writes_no_report_and_can_be_switched_at_runtime():
    s = start_corvid(*DEBUG, "--crash-log-enabled", "no")
    c = client_for(s)
    assert c.config_get("crash-log-enabled") == {"crash-log-enabled": "no"}
    c.config_set("crash-log-enabled", "yes")
    c.config_set("crash-log-enabled", "no")
    assert crash(s, "DEBUG", "SEGFAULT") == -signal.SIGSEGV
    assert "CRASH REPORT" not in s.read_log()
