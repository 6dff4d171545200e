"""The reply buffer as Redis 7 keeps it, on corvid-server and redis-server: a fixed buffer
(CLIENT LIST rbs, its peak use rbp, the bytes in it obl) that the cron resizes to the
client's peak use, counted by INFO reply_buffer_shrinks / reply_buffer_expands, and a
list of blocks for what does not fit (oll, their memory omem), which a client that does
not read piles up. Resizing is watched by polling, never by timing."""

import socket
import time

import redis

from support.waiting import wait_until


def connect(server):
    return redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)


def client_fields(admin, client_id):
    for entry in admin.client_list():
        if int(entry["id"]) == client_id:
            return {k: int(v) for k, v in entry.items() if k in ("rbs", "rbp", "obl", "oll", "omem", "tot-mem")}
    return None


def stats(admin):
    info = admin.info("stats")
    return info["reply_buffer_shrinks"], info["reply_buffer_expands"]


def test_reply_buffer_shrinks_and_expands_with_peak_use(debug_server):
    admin = connect(debug_server)
    admin.flushall()
    admin.set("big", "x" * 3000)
    try:
        client = connect(debug_server)
        cid = client.client_id()
        # A new client starts with 16KB, and its peak counts as full until it is first
        # reset.
        assert client_fields(admin, cid)["rbs"] == 16384
        shrinks, expands = stats(admin)
        # Peaks reset every 100ms: the client's (a few short replies) is far below half
        # the buffer, so the cron shrinks the buffer to the minimum, 1KB.
        admin.execute_command("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100")
        wait_until(lambda: client_fields(admin, cid)["rbs"] == 1024, "the reply buffer shrank to 1KB")
        assert stats(admin)[0] > shrinks
        # From now on the peak is kept. A reply bigger than the buffer fills it (the
        # rest goes to the list): at its peak the buffer was full, so the cron doubles it.
        admin.execute_command("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "NEVER")
        assert len(client.get("big")) == 3000
        assert client_fields(admin, cid)["rbp"] == 1024
        wait_until(lambda: client_fields(admin, cid)["rbs"] == 2048, "the reply buffer doubled")
        assert stats(admin)[1] > expands
        # The peak is half the new size: neither rule applies any more.
        assert client_fields(admin, cid)["rbp"] == 1024
        # Once peaks reset again, the peak restarts from the current use (nothing
        # pending), and the buffer shrinks back.
        admin.execute_command("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100")
        wait_until(lambda: client_fields(admin, cid)["rbs"] == 1024, "the reply buffer shrank back after a peak reset")
    finally:
        admin.execute_command("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "RESET")


def test_resizing_off_keeps_the_buffer(debug_server):
    admin = connect(debug_server)
    admin.execute_command("DEBUG", "REPLYBUFFER", "RESIZING", "0")
    admin.execute_command("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "100")
    try:
        client = connect(debug_server)
        cid = client.client_id()
        shrinks, expands = stats(admin)
        # Ten cron periods (hz 10) and peak resets: with resizing on, the new client's
        # buffer would have shrunk by now.
        time.sleep(1)
        assert client_fields(admin, cid)["rbs"] == 16384
        assert stats(admin) == (shrinks, expands)
        admin.execute_command("DEBUG", "REPLYBUFFER", "RESIZING", "1")
        wait_until(lambda: client_fields(admin, cid)["rbs"] == 1024, "the reply buffer shrank once resizing was back on")
    finally:
        admin.execute_command("DEBUG", "REPLYBUFFER", "RESIZING", "1")
        admin.execute_command("DEBUG", "REPLYBUFFER", "PEAK-RESET-TIME", "RESET")


def test_non_reading_client_piles_up_blocks(debug_server):
    admin = connect(debug_server)
    admin.flushall()
    admin.set("big", "v" * (256 * 1024))
    # A client that asks for 4MB of replies and reads none of them.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", debug_server.port))
    try:
        sock.sendall(b"CLIENT SETNAME stuck\r\n")
        request = b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 64
        sock.sendall(request)

        def stuck():
            for entry in admin.client_list():
                if entry["name"] == "stuck" and int(entry["oll"]) > 0 and entry["cmd"] == "get":
                    return {k: int(entry[k]) for k in ("rbs", "obl", "oll", "omem", "tot-mem")}
            return None

        fields = wait_until(stuck, "the unread replies went to the block list")
        # Most of 16MB is still in the server (the kernel's socket buffers hold a few MB).
        assert fields["omem"] >= 4 * 1024 * 1024
        # Each block holds at least 16KB, and omem counts the blocks' memory.
        assert fields["omem"] >= fields["oll"] * 16 * 1024
        assert fields["obl"] <= fields["rbs"]
        assert fields["tot-mem"] >= fields["omem"]
        # The output memory shows in INFO (clients and memory) and MEMORY STATS (Redis
        # brings these figures up to date in its cron).
        least = 4 * 1024 * 1024
        wait_until(lambda: admin.info("memory")["mem_clients_normal"] >= least, "INFO memory counts it")
        wait_until(lambda: admin.memory_stats()["clients.normal"] >= least, "MEMORY STATS counts it")
        wait_until(lambda: admin.info("clients")["client_recent_max_output_buffer"] >= least,
                   "INFO clients shows the biggest output buffer")
        # Once the client reads everything, the list is gone.
        expected = len(b"+OK\r\n") + 64 * len(b"$262144\r\n" + b"v" * 262144 + b"\r\n")
        received = 0
        while received < expected:
            chunk = sock.recv(1 << 20)
            assert chunk
            received += len(chunk)
        assert received == expected

        def drained():
            for entry in admin.client_list():
                if entry["name"] == "stuck":
                    return int(entry["obl"]) == 0 and int(entry["oll"]) == 0 and int(entry["omem"]) == 0
            return False

        wait_until(drained, "the output buffer emptied")
    finally:
        sock.close()
