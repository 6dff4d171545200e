"""Blocking list and sorted-set commands across several connections.

Scenarios that need more than one connection cannot be written as differential scripts,
so each one here runs against corvid-server and against redis-server 7.0.15 with the
same expected outcome: the expectations are Redis's behaviour, checked on the oracle.
"""

import threading
import time

import redis

from support.resp import RespConnection, connect

def send(conn, *args):
    conn.send_raw(RespConnection.encode(list(args)))


def wait_blocked(server, count):
    """Waits until `count` clients are blocked (INFO blocked_clients)."""
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    try:
        for _ in range(500):
            if admin.info("clients")["blocked_clients"] == count:
                return
            time.sleep(0.01)
        raise AssertionError("blocked_clients never reached %d" % count)
    finally:
        admin.close()


def test_waiters_are_served_in_the_order_they_blocked(server):
    waiters = [connect(server) for _ in range(3)]
    for i, conn in enumerate(waiters):
        send(conn, "BLPOP", "q", "0")
        wait_blocked(server, i + 1)
    pusher = connect(server)
    assert pusher.call("RPUSH", "q", "a", "b", "c", "d")[0] == b":4\r\n"
    replies = [conn.read_reply()[0] for conn in waiters]
    assert replies == [b"*2\r\n$1\r\nq\r\n$1\r\n%s\r\n" % x for x in (b"a", b"b", b"c")]
    assert pusher.call("LRANGE", "q", "0", "-1")[0] == b"*1\r\n$1\r\nd\r\n"
    wait_blocked(server, 0)


def test_first_nonempty_key_in_argument_order(server):
    conn = connect(server)
    conn.call("RPUSH", "b", "1")
    conn.call("RPUSH", "c", "2")
    assert conn.call("BRPOP", "a", "c", "b", "0")[0] == b"*2\r\n$1\r\nc\r\n$1\r\n2\r\n"


def test_timeout_replies_null_in_both_protocols(server):
    # Every blocking form, each on its own connection, all waiting at once: the server
    # reports all of them blocked (so none answered at once), then each gets its null
    # when its timeout ends it.
    resp2 = [["BLPOP", "nothing", "1"],
             # A null array even where the other replies are bulk strings, as Redis 7.0 replies.
             ["BRPOPLPUSH", "nothing", "dst", "1"],
             ["BLMOVE", "nothing", "dst", "LEFT", "RIGHT", "1"],
             ["BLMPOP", "1", "1", "nothing", "LEFT"],
             ["BZPOPMIN", "nothing", "1"],
             ["BZMPOP", "1", "1", "nothing", "MIN"]]
    resp3 = [["BLPOP", "nothing", "1"],
             ["BLMOVE", "nothing", "dst", "LEFT", "RIGHT", "1"]]
    waiters = [connect(server) for _ in resp2 + resp3]
    for conn in waiters[len(resp2):]:
        conn.call("HELLO", "3")
    for conn, args in zip(waiters, resp2 + resp3):
        send(conn, *args)
    wait_blocked(server, len(waiters))
    replies = [conn.read_reply()[0] for conn in waiters]
    assert replies == [b"*-1\r\n"] * len(resp2) + [b"_\r\n"] * len(resp3)
    wait_blocked(server, 0)
    # Timing out moves nothing: BRPOPLPUSH and BLMOVE created no destination.
    assert waiters[0].call("EXISTS", "nothing", "dst")[0] == b":0\r\n"
    for conn in waiters:
        conn.close()


def test_blmove_chain_wakes_the_next_waiter(server):
    mover = connect(server)
    send(mover, "BLMOVE", "src", "dst", "LEFT", "RIGHT", "0")
    wait_blocked(server, 1)
    reader = connect(server)
    send(reader, "BLPOP", "dst", "0")
    wait_blocked(server, 2)
    pusher = connect(server)
    pusher.call("LPUSH", "src", "job")
    assert mover.read_reply()[0] == b"$3\r\njob\r\n"
    assert reader.read_reply()[0] == b"*2\r\n$3\r\ndst\r\n$3\r\njob\r\n"
    assert pusher.call("EXISTS", "src", "dst")[0] == b":0\r\n"


def test_waiter_on_several_keys_is_served_once(server):
    waiter = connect(server)
    send(waiter, "BLPOP", "k1", "k2", "0")
    wait_blocked(server, 1)
    pusher = connect(server)
    pusher.send_raw(RespConnection.encode(["RPUSH", "k2", "x"]) + RespConnection.encode(["RPUSH", "k1", "y"]))
    assert pusher.read_reply()[0] == b":1\r\n"
    assert pusher.read_reply()[0] == b":1\r\n"
    assert waiter.read_reply()[0] == b"*2\r\n$2\r\nk2\r\n$1\r\nx\r\n"
    assert pusher.call("LRANGE", "k1", "0", "-1")[0] == b"*1\r\n$1\r\ny\r\n"


def test_key_of_another_type_does_not_wake_the_waiter(server):
    waiter = connect(server)
    send(waiter, "BLPOP", "k", "0")
    wait_blocked(server, 1)
    other = connect(server)
    other.call("SET", "k", "string")
    other.call("DEL", "k")
    other.call("RPUSH", "k", "v")
    assert waiter.read_reply()[0] == b"*2\r\n$1\r\nk\r\n$1\r\nv\r\n"


def test_pipelined_requests_wait_behind_a_blocked_command(server):
    waiter = connect(server)
    waiter.send_raw(RespConnection.encode(["BLPOP", "q", "0"]) + RespConnection.encode(["PING"]))
    wait_blocked(server, 1)
    connect(server).call("RPUSH", "q", "v")
    assert waiter.read_reply()[0] == b"*2\r\n$1\r\nq\r\n$1\r\nv\r\n"
    assert waiter.read_reply()[0] == b"+PONG\r\n"


def test_client_unblock_timeout_and_error(server):
    waiter = connect(server)
    waiter_id = waiter.call("CLIENT", "ID")[1]
    admin = connect(server)
    assert admin.call("CLIENT", "UNBLOCK", str(waiter_id))[0] == b":0\r\n"
    send(waiter, "BLPOP", "q", "0")
    wait_blocked(server, 1)
    flags = admin.call("CLIENT", "LIST", "ID", str(waiter_id))[1].decode()
    assert " flags=b " in flags
    assert admin.call("CLIENT", "UNBLOCK", str(waiter_id), "bogus")[0] == (
        b"-ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR\r\n")
    assert admin.call("CLIENT", "UNBLOCK", str(waiter_id))[0] == b":1\r\n"
    assert waiter.read_reply()[0] == b"*-1\r\n"
    send(waiter, "BLMOVE", "q", "d", "LEFT", "LEFT", "0")
    wait_blocked(server, 1)
    assert admin.call("CLIENT", "UNBLOCK", str(waiter_id), "ERROR")[0] == b":1\r\n"
    assert waiter.read_reply()[0] == b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
    wait_blocked(server, 0)


def test_disconnected_waiter_leaves_nothing_behind(server):
    waiter = connect(server)
    send(waiter, "BLPOP", "q", "0")
    wait_blocked(server, 1)
    waiter.close()
    wait_blocked(server, 0)
    pusher = connect(server)
    pusher.call("RPUSH", "q", "kept")
    assert pusher.call("LRANGE", "q", "0", "-1")[0] == b"*1\r\n$4\r\nkept\r\n"


def test_blocked_call_counts_once(server):
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    admin.config_resetstat()
    waiter = connect(server)
    send(waiter, "BLPOP", "q", "0")
    wait_blocked(server, 1)
    admin.rpush("q", "v")
    waiter.read_reply()
    assert waiter.call("BLPOP", "q", "0.01")[0] == b"*-1\r\n"
    assert admin.info("commandstats")["cmdstat_blpop"]["calls"] == 2
    admin.close()


def test_clients_in_timeout_table(server):
    forever = connect(server)
    send(forever, "BLPOP", "q", "0")
    timed = connect(server)
    send(timed, "BLPOP", "q", "100")
    wait_blocked(server, 2)
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    assert admin.info("clients")["clients_in_timeout_table"] == 1
    admin.rpush("q", "a", "b")
    forever.read_reply()
    timed.read_reply()
    assert admin.info("clients")["clients_in_timeout_table"] == 0
    admin.close()


def test_sorted_set_waiters(server):
    waiter = connect(server)
    send(waiter, "BZPOPMAX", "z1", "z2", "0")
    wait_blocked(server, 1)
    other = connect(server)
    other.call("ZADD", "z2", "1", "a", "2", "b")
    assert waiter.read_reply()[0] == b"*3\r\n$2\r\nz2\r\n$1\r\nb\r\n$1\r\n2\r\n"
    send(waiter, "BZMPOP", "0", "2", "z1", "z2", "MIN", "COUNT", "5")
    assert waiter.read_reply()[0] == b"*2\r\n$2\r\nz2\r\n*1\r\n*2\r\n$1\r\na\r\n$1\r\n1\r\n"


def test_eight_workers_share_one_queue_exactly_once(corvid_server):
    """8 workers BLPOP/BLMOVE from one queue while a producer pushes 100,000 jobs."""
    jobs = 100_000
    port = corvid_server.port
    admin = redis.Redis(host="127.0.0.1", port=port)
    admin.flushall()
    done = threading.Event()
    results = [[] for _ in range(8)]
    errors = []

    def worker(n):
        conn = redis.Redis(host="127.0.0.1", port=port, socket_timeout=30)
        try:
            while True:
                if n % 2 == 0:
                    got = conn.blpop(["queue"], timeout=0.2)
                    item = got[1] if got else None
                else:
                    item = conn.blmove("queue", "taken:%d" % n, 0.2, "LEFT", "RIGHT")
                if item is None:
                    if done.is_set() and conn.llen("queue") == 0:
                        return
                    continue
                if n % 2 == 0:
                    results[n].append(item)
        except Exception as e:  # reported below: a thread's exception would be lost
            errors.append(e)
        finally:
            conn.close()

    threads = [threading.Thread(target=worker, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    producer = admin.pipeline(transaction=False)
    for start in range(0, jobs, 100):
        for i in range(start, start + 100):
            producer.rpush("queue", i)
        producer.execute()
    done.set()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    delivered = [int(x) for r in results for x in r]
    for n in range(1, 8, 2):
        delivered += [int(x) for x in admin.lrange("taken:%d" % n, 0, -1)]
    assert len(delivered) == jobs
    assert sorted(delivered) == list(range(jobs))
    assert admin.info("clients")["blocked_clients"] == 0
    admin.close()
