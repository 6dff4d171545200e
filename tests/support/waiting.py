"""Waiting for a server to reach a state: tests poll a condition with a generous deadline
instead of sleeping for a guessed time (and never assert on how long it took)."""

import time


def wait_until(condition, what, timeout=60.0, interval=0.02):
    """Polls `condition` until it returns something true, and returns that; fails naming
    `what` if it never does within `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("never happened: " + what)


def rewrite_aof(conn):
    """BGREWRITEAOF on a redis-py client, then waits until no rewrite runs or is scheduled."""
    conn.execute_command("BGREWRITEAOF")
    wait_until(lambda: conn.info("persistence")["aof_rewrite_in_progress"] == 0 and
               conn.info("persistence")["aof_rewrite_scheduled"] == 0, "the AOF rewrite finished")
