"""MULTI/EXEC/WATCH across connections.

Each scenario runs against corvid-server and redis-server 7.0.15 with the same expected
outcome (the expectations are Redis's behaviour, checked on the oracle), except the
inventory test, which checks Corvid alone for exact accounting under contention.
"""

import threading

import redis

from support.resp import RespConnection, connect

def test_a_key_touched_by_another_client_aborts_exec(server):
    a, b = connect(server), connect(server)
    a.call("SET", "stock", "5")
    assert a.call("WATCH", "stock")[0] == b"+OK\r\n"
    b.call("DECR", "stock")
    a.call("MULTI")
    assert a.call("DECR", "stock")[0] == b"+QUEUED\r\n"
    assert a.call("EXEC")[0] == b"*-1\r\n"
    assert a.call("GET", "stock")[0] == b"$1\r\n4\r\n"
    # Watching again after the failure works normally.
    a.call("WATCH", "stock")
    a.call("MULTI")
    a.call("DECR", "stock")
    assert a.call("EXEC")[0] == b"*1\r\n:3\r\n"


def test_changes_in_another_database_do_not_count(server):
    a, b = connect(server), connect(server)
    a.call("WATCH", "k")
    b.call("SELECT", "1")
    b.call("SET", "k", "v")
    a.call("MULTI")
    a.call("PING")
    assert a.call("EXEC")[0] == b"*1\r\n+PONG\r\n"


def test_flushall_by_another_client_aborts_only_watchers_of_existing_keys(server):
    a, b, c = connect(server), connect(server), connect(server)
    a.call("SET", "present", "1")
    a.call("WATCH", "present")
    b.call("WATCH", "absent")
    c.call("FLUSHALL")
    for conn in (a, b):
        conn.call("MULTI")
        conn.call("PING")
    assert a.call("EXEC")[0] == b"*-1\r\n"
    assert b.call("EXEC")[0] == b"*1\r\n+PONG\r\n"


def test_a_push_inside_exec_serves_a_blocked_client_afterwards(server):
    waiter, pusher = connect(server), connect(server)
    waiter.send_raw(RespConnection.encode(["BLPOP", "q", "0"]))
    admin = redis.Redis(host="127.0.0.1", port=server.port)
    for _ in range(500):
        if admin.info("clients")["blocked_clients"] == 1:
            break
    pusher.call("MULTI")
    pusher.call("RPUSH", "q", "a", "b")
    pusher.call("LLEN", "q")
    pusher.call("RPUSH", "q", "c")
    # Inside the transaction the waiter takes nothing: LLEN sees both elements.
    assert pusher.call("EXEC")[0] == b"*3\r\n:2\r\n:2\r\n:3\r\n"
    assert waiter.read_reply()[0] == b"*2\r\n$1\r\nq\r\n$1\r\na\r\n"
    assert pusher.call("LRANGE", "q", "0", "-1")[0] == b"*2\r\n$1\r\nb\r\n$1\r\nc\r\n"
    admin.close()


def test_client_list_shows_multi_state(server):
    clean, doomed = connect(server), connect(server)
    clean.call("CLIENT", "SETNAME", "clean")
    clean.call("MULTI")
    clean.call("PING")
    clean.call("ECHO", "x")
    doomed.call("CLIENT", "SETNAME", "doomed")
    doomed.call("WATCH", "k")
    doomed.call("SET", "k", "changed")
    doomed.call("MULTI")
    doomed.call("PING")
    doomed.call("PING")
    admin = redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)
    clients = {c["name"]: c for c in admin.client_list()}
    admin.close()
    # The last queued command shows as the client's command.
    assert (clients["clean"]["flags"], clients["clean"]["multi"], clients["clean"]["cmd"]) == ("x", "2", "echo")
    # A transaction whose watched key changed queues nothing more: EXEC will run nothing.
    assert (clients["doomed"]["flags"], clients["doomed"]["multi"], clients["doomed"]["cmd"]) == ("xd", "0", "ping")
    assert doomed.call("EXEC")[0] == b"*-1\r\n"
    assert clean.call("EXEC")[0] == b"*2\r\n+PONG\r\n$1\r\nx\r\n"


def test_client_info_inside_exec_still_shows_the_transaction(server):
    conn = connect(server)
    conn.call("MULTI")
    conn.call("SET", "k", "1")
    conn.call("CLIENT", "INFO")
    conn.call("CLIENT", "LIST", "ID", "0")
    raw, replies = conn.call("EXEC")
    info = replies[1].decode()
    # Until EXEC returns: the x flag, the queued count, and EXEC as the command.
    assert " flags=x " in info and " multi=3 " in info and " cmd=exec " in info, info
    assert replies[2] == b""
    conn.call("CLIENT", "SETNAME", "after")
    info = conn.call("CLIENT", "INFO")[1].decode()
    assert " flags=N " in info and " multi=-1 " in info and " cmd=client|info " in info, info


def test_inventory_of_1000_is_sold_exactly_once(corvid_server):
    """20 clients loop WATCH stock / GET / MULTI DECR / EXEC until the stock is gone."""
    port = corvid_server.port
    admin = redis.Redis(host="127.0.0.1", port=port)
    admin.flushall()
    admin.set("stock", 1000)
    sold = [0] * 20
    errors = []

    def buyer(n):
        conn = redis.Redis(host="127.0.0.1", port=port)
        try:
            while True:
                with conn.pipeline() as pipe:
                    try:
                        pipe.watch("stock")
                        if int(pipe.get("stock")) <= 0:
                            return
                        pipe.multi()
                        pipe.decr("stock")
                        pipe.execute()
                        sold[n] += 1
                    except redis.WatchError:
                        continue
        except Exception as e:  # reported below: a thread's exception would be lost
            errors.append(e)
        finally:
            conn.close()

    threads = [threading.Thread(target=buyer, args=(n,)) for n in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=300)
    assert not errors, errors
    assert not any(t.is_alive() for t in threads)
    assert sum(sold) == 1000
    assert int(admin.get("stock")) == 0
    admin.close()
