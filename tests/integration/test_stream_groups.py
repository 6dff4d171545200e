"""Consumer groups with several clients, run on Corvid and on redis-server 7.0.15 alike:
blocked XREADGROUP readers served in arrival order and failed when their stream or group
goes, keyspace notifications of the group commands, and the at-least-once recovery
scenario (a consumer dies holding entries, XAUTOCLAIM hands them on) under concurrent
producers. Single-connection replies are in tests/differential/cases/stream_groups.txt."""

import threading
import time

import redis

from support.busy import client, start_in_thread
from support.waiting import wait_until


def raw_client(server):
    """A redis-py client that hands back replies as the server sent them (no per-command
    parsing), so that the assertions read like the protocol."""
    conn = client(server)
    conn.response_callbacks.clear()
    return conn


def blocked(conn, n):
    wait_until(lambda: b"blocked_clients:%d\r" % n in conn.execute_command("INFO", "clients"), "%d clients blocked" % n)


def entry_ids(reply):
    """The IDs of an XREADGROUP reply (RESP2, as redis-py parses it)."""
    return [entry[0] for _, entries in reply for entry in entries]


def test_blocked_group_readers_are_served_in_arrival_order(server):
    conn = raw_client(server)
    conn.execute_command("XGROUP", "CREATE", "jobs", "workers", "$", "MKSTREAM")
    readers = []
    for name in ("w1", "w2", "w3"):
        readers.append(start_in_thread(server, "XREADGROUP", "GROUP", "workers", name, "BLOCK", "0",
                                       "STREAMS", "jobs", ">"))
        blocked(conn, len(readers))
    # Each new entry goes to one reader only, the one that blocked first.
    for i, (thread, outcome) in enumerate(readers):
        conn.execute_command("XADD", "jobs", "%d-0" % (i + 1), "job", i)
        thread.join(30)
        assert entry_ids(outcome["reply"]) == [b"%d-0" % (i + 1)]
        blocked(conn, len(readers) - i - 1)
    pending = conn.execute_command("XPENDING", "jobs", "workers", "-", "+", "10")
    assert [(p[0], p[1]) for p in pending] == [(b"1-0", b"w1"), (b"2-0", b"w2"), (b"3-0", b"w3")]
    conn.close()


def test_blocked_group_reader_with_noack_and_count(server):
    conn = raw_client(server)
    conn.execute_command("XGROUP", "CREATE", "q", "g", "$", "MKSTREAM")
    thread, outcome = start_in_thread(server, "XREADGROUP", "GROUP", "g", "c", "COUNT", "2", "NOACK", "BLOCK", "0",
                                      "STREAMS", "q", ">")
    blocked(conn, 1)
    pipe = conn.pipeline(transaction=True)
    for i in range(1, 4):
        pipe.execute_command("XADD", "q", "%d-0" % i, "f", i)
    pipe.execute()
    thread.join(30)
    assert entry_ids(outcome["reply"]) == [b"1-0", b"2-0"]
    assert conn.execute_command("XPENDING", "q", "g")[0] == 0
    groups = conn.execute_command("XINFO", "GROUPS", "q")
    assert groups[0][groups[0].index(b"last-delivered-id") + 1] == b"2-0"
    conn.close()


def test_blocked_group_reader_fails_when_its_stream_or_group_goes(server):
    conn = raw_client(server)
    cases = [
        (["DEL", "s"], "UNBLOCKED the stream key no longer exists"),
        (["XGROUP", "DESTROY", "s", "g"], "NOGROUP the consumer group this client was blocked on no longer exists"),
        (["SET", "s", "not a stream"], "UNBLOCKED the stream key no longer exists"),
    ]
    for command, error in cases:
        conn.execute_command("DEL", "s")
        conn.execute_command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
        thread, outcome = start_in_thread(server, "XREADGROUP", "GROUP", "g", "c", "BLOCK", "0", "STREAMS", "s", ">")
        blocked(conn, 1)
        conn.execute_command(*command)
        thread.join(30)
        assert outcome.get("error") == error, (command, outcome)
        blocked(conn, 0)
    # A plain XREAD is not woken by the deletion: it goes on waiting, and times out.
    conn.execute_command("DEL", "s")
    conn.execute_command("XADD", "s", "1-0", "f", "v")
    thread, outcome = start_in_thread(server, "XREAD", "BLOCK", "300", "STREAMS", "s", "$")
    blocked(conn, 1)
    conn.execute_command("DEL", "s")
    thread.join(30)
    assert "error" not in outcome and not outcome["reply"]  # redis-py reads the null array as []
    # A blocked group reader times out with a null array.
    conn.execute_command("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM")
    raw = raw_client(server)
    assert raw.execute_command("XREADGROUP", "GROUP", "g", "c", "BLOCK", "50", "STREAMS", "s", ">") is None
    raw.close()
    conn.close()


def test_group_commands_send_keyspace_notifications(server):
    conn = raw_client(server)
    conn.execute_command("CONFIG", "SET", "notify-keyspace-events", "Etn$")
    listener = client(server).pubsub()
    listener.psubscribe("__keyevent@0__:*")
    assert listener.get_message(timeout=5)["type"] == "psubscribe"
    steps = [
        ("XGROUP", "CREATE", "s", "g", "$", "MKSTREAM"),
        ("XGROUP", "CREATE", "s", "g", "$"),  # BUSYGROUP: nothing
        ("XADD", "s", "1-0", "f", "v"),
        ("XREADGROUP", "GROUP", "g", "reader", "STREAMS", "s", ">"),
        ("XREADGROUP", "GROUP", "g", "reader", "STREAMS", "s", ">"),
        ("XGROUP", "CREATECONSUMER", "s", "g", "made"),
        ("XGROUP", "CREATECONSUMER", "s", "g", "made"),
        ("XCLAIM", "s", "g", "claimer", "0", "1-0"),
        ("XAUTOCLAIM", "s", "g", "autoclaimer", "0", "0"),
        ("XACK", "s", "g", "1-0"),
        ("XGROUP", "SETID", "s", "g", "0"),
        ("XGROUP", "DELCONSUMER", "s", "g", "made"),
        ("XGROUP", "DELCONSUMER", "s", "g", "nobody"),
        ("XGROUP", "DESTROY", "s", "g"),
        ("XGROUP", "DESTROY", "s", "g"),
    ]
    for step in steps:
        try:
            conn.execute_command(*step)
        except redis.ResponseError:
            pass
    conn.execute_command("SET", "end", "1")
    events = []
    while True:
        message = listener.get_message(timeout=5)
        assert message is not None, events
        if message["type"] != "pmessage":
            continue
        event = message["channel"].split(b":", 1)[1]
        if event == b"set":
            break
        events.append(event.decode())
    assert events == ["new", "xgroup-create", "xadd", "xgroup-createconsumer", "xgroup-createconsumer",
                      "xgroup-createconsumer", "xgroup-createconsumer", "xgroup-setid", "xgroup-delconsumer",
                      "xgroup-destroy", "new"]  # the last for the key that ends the run
    listener.close()
    conn.execute_command("CONFIG", "SET", "notify-keyspace-events", "")
    conn.close()


def test_a_dead_consumers_entries_are_recovered_and_each_acknowledged_once(server):
    """Producers add entries while three workers read as a group. One worker dies holding
    what it read; the others, when idle, XAUTOCLAIM entries pending for too long. In the end
    every entry was acknowledged exactly once (XACK answered 1 for it once) and nothing is
    pending or lost."""
    producers, per_producer = 3, 150
    conn = raw_client(server)
    conn.execute_command("XGROUP", "CREATE", "orders", "billing", "$", "MKSTREAM")
    added, acked = [], []
    lock = threading.Lock()
    stop = threading.Event()

    def produce(n):
        c = raw_client(server)
        for i in range(per_producer):
            entry_id = c.execute_command("XADD", "orders", "*", "producer", n, "seq", i)
            with lock:
                added.append(entry_id)
        c.close()

    def work(name, dies_after=None):
        c = raw_client(server)
        handled = 0
        cursor = b"0-0"
        while not stop.is_set():
            reply = c.execute_command("XREADGROUP", "GROUP", "billing", name, "COUNT", "5", "BLOCK", "20",
                                      "STREAMS", "orders", ">")
            ids = entry_ids(reply) if reply else []
            if dies_after is not None and handled + len(ids) >= dies_after:
                c.close()  # dies holding what it just read, unacknowledged
                return
            if not ids:
                # Idle: take over entries another consumer has held for over 100 ms.
                cursor, claimed, _ = c.execute_command("XAUTOCLAIM", "orders", "billing", name, "100", cursor,
                                                       "COUNT", "10", "JUSTID")
                ids = list(claimed)
            for entry_id in ids:
                if c.execute_command("XACK", "orders", "billing", entry_id) == 1:
                    with lock:
                        acked.append(entry_id)
            handled += len(ids)
        c.close()

    workers = [threading.Thread(target=work, args=("doomed", 12))]
    workers += [threading.Thread(target=work, args=("worker-%d" % i,)) for i in range(2)]
    for t in workers:
        t.start()
    makers = [threading.Thread(target=produce, args=(n,)) for n in range(producers)]
    for t in makers:
        t.start()
    for t in makers:
        t.join(120)
    deadline = time.time() + 60
    while time.time() < deadline:
        with lock:
            if len(acked) >= len(added):
                break
        time.sleep(0.05)
    stop.set()
    for t in workers:
        t.join(60)
    assert len(added) == producers * per_producer
    assert sorted(acked) == sorted(added), "lost: %r, acknowledged twice: %r" % (
        set(added) - set(acked), len(acked) - len(set(acked)))
    assert conn.execute_command("XPENDING", "orders", "billing")[0] == 0
    assert conn.execute_command("XLEN", "orders") == len(added)
    # The dead consumer is still a member, holding nothing.
    consumers = {c[1]: c[3] for c in conn.execute_command("XINFO", "CONSUMERS", "orders", "billing")}
    assert consumers[b"doomed"] == 0
    conn.close()
