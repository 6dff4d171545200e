"""Helpers for scenarios with a busy script or function: a command run on its own
connection in a thread, and waiting until other clients are told BUSY."""

import threading

import redis

from support.waiting import wait_until


def client(server, **kwargs):
    return redis.Redis(host="127.0.0.1", port=server.port, **kwargs)


def start_in_thread(server, *args):
    """Runs a command on its own connection in a thread; the result (or error) lands in a dict
    under "reply", "error" or "closed"."""
    outcome = {}

    def run():
        conn = client(server, socket_timeout=60)
        try:
            outcome["reply"] = conn.execute_command(*args)
        except redis.ResponseError as e:
            outcome["error"] = str(e)
        except redis.ConnectionError as e:
            outcome["closed"] = str(e)
        finally:
            conn.close()

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def wait_busy(conn, expected):
    """Waits until a PING on `conn` is refused with `expected` (the BUSY text)."""
    def busy():
        try:
            conn.ping()
            return False
        except redis.ResponseError as e:
            assert str(e) == expected
            return True
    wait_until(busy, "the script to be reported busy")
