"""TLS: tls-port beside (or instead of) port, client certificates, protocol versions,
certificate reloads, and the traffic that must work over TLS exactly as over TCP
(pipelining, large replies and requests, pub/sub, blocking commands, MONITOR, CLIENT KILL).

Certificates are made for the module by the openssl CLI in a temporary directory: a CA, a
server certificate for 127.0.0.1, a second one to reload, a client certificate, and a client
certificate from a CA the servers do not trust. Where a scenario has an answer to compare,
it runs against redis-server 7.0.15 with the same TLS settings too."""

import contextlib
import os
import socket
import ssl
import subprocess
import threading
import time

import pytest
import redis

from support.servers import free_port, start_corvid, start_redis


def _openssl(*args, cwd):
    subprocess.run(["openssl", *args], cwd=cwd, check=True, capture_output=True)


def _signed_cert(directory, name, subject, ca, extensions=None, key_args=()):
    _openssl("genrsa", *key_args, "-out", name + ".key", "2048", cwd=directory)
    _openssl("req", "-new", "-sha256", "-subj", subject, "-key", name + ".key", "-out", name + ".csr",
             *(["-passin", "pass:secret"] if key_args else []), cwd=directory)
    args = ["x509", "-req", "-sha256", "-in", name + ".csr", "-CA", ca + ".crt", "-CAkey", ca + ".key",
            "-CAcreateserial", "-days", "2", "-out", name + ".crt"]
    if extensions:
        with open(os.path.join(directory, name + ".ext"), "w") as f:
            f.write(extensions)
        args += ["-extfile", name + ".ext"]
    if key_args:
        args += ["-passin", "pass:secret"]
    _openssl(*args, cwd=directory)


def _ca(directory, name, subject):
    _openssl("genrsa", "-out", name + ".key", "2048", cwd=directory)
    _openssl("req", "-x509", "-new", "-nodes", "-sha256", "-key", name + ".key", "-days", "2", "-subj", subject,
             "-out", name + ".crt", cwd=directory)


class Certs:
    def __init__(self, directory):
        self.dir = directory

    def __getattr__(self, name):
        # certs.server_crt -> <dir>/server.crt
        stem, _, ext = name.rpartition("_")
        return os.path.join(self.dir, stem + "." + ext)


@pytest.fixture(scope="module")
def certs(tmp_path_factory):
    directory = str(tmp_path_factory.mktemp("tls-certs"))
    server_ext = "subjectAltName=IP:127.0.0.1,DNS:localhost\n"
    _ca(directory, "ca", "/O=Corvid Test/CN=Test CA")
    _signed_cert(directory, "server", "/O=Corvid Test/CN=first-server", "ca", server_ext)
    _signed_cert(directory, "server2", "/O=Corvid Test/CN=second-server", "ca", server_ext)
    _signed_cert(directory, "client", "/O=Corvid Test/CN=client", "ca")
    _signed_cert(directory, "locked", "/O=Corvid Test/CN=locked-server", "ca", server_ext,
                 key_args=("-aes128", "-passout", "pass:secret"))
    _ca(directory, "otherca", "/O=Elsewhere/CN=Other CA")
    _signed_cert(directory, "stranger", "/O=Elsewhere/CN=stranger", "otherca")
    with open(os.path.join(directory, "junk.pem"), "w") as f:
        f.write("not a certificate\n")
    return Certs(directory)


def tls_args(certs, tls_port, *extra):
    return ["--tls-port", tls_port, "--tls-cert-file", certs.server_crt, "--tls-key-file", certs.server_key,
            "--tls-ca-cert-file", certs.ca_crt, *extra]


class TlsServer:
    """A started server (corvid or redis) and the port it serves TLS on."""

    def __init__(self, kind, process, tls_port):
        self.kind = kind
        self.process = process
        self.port = process.port
        self.tls_port = tls_port


def start_tls(kind, certs, *extra, plain=True):
    """corvid-server or redis-server with TLS on a port of its own (and the plain port too,
    unless plain=False: then only TLS is served)."""
    tls_port = free_port()
    args = tls_args(certs, tls_port, *extra)
    start = start_corvid if kind == "corvid" else start_redis
    if plain:
        return TlsServer(kind, start(*args), tls_port)
    process = start(*args, "--port", "0", wait=False)
    server = TlsServer(kind, process, tls_port)
    wait_for_tls(certs, server)
    return server


@contextlib.contextmanager
def serving(kind, certs, *extra):
    """start_tls's server for the length of a with block, with `admin`, a plain-port client."""
    server = start_tls(kind, certs, *extra)
    server.admin = redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)
    try:
        yield server
    finally:
        server.admin.close()
        stop(server)


def stop(server):
    server.process.stop()
    if server.kind == "corvid":
        report = server.process.sanitizer_report()
        assert report is None, report


def wait_for_tls(certs, server, timeout=60.0):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if server.process.proc.poll() is not None:
            raise RuntimeError("server exited: " + server.process.read_log())
        try:
            if tls_client(certs, server).ping():
                return
        except (redis.ConnectionError, OSError):
            time.sleep(0.05)
    raise RuntimeError("TLS port %d did not come up" % server.tls_port)


def tls_client(certs, server, cert=True, **kwargs):
    options = dict(ssl=True, ssl_ca_certs=certs.ca_crt, socket_timeout=20)
    if cert:
        options.update(ssl_certfile=certs.client_crt, ssl_keyfile=certs.client_key)
    options.update(kwargs)
    return redis.Redis(host="127.0.0.1", port=server.tls_port, **options)


def raw_tls_socket(certs, port, cert=True, minimum=None, maximum=None):
    context = ssl.create_default_context(cafile=certs.ca_crt)
    if cert:
        context.load_cert_chain(certs.client_crt, certs.client_key)
    if minimum:
        context.minimum_version = minimum
    if maximum:
        context.maximum_version = maximum
    sock = socket.create_connection(("127.0.0.1", port), timeout=20)
    return context.wrap_socket(sock, server_hostname="127.0.0.1")


def server_cn(certs, port):
    with raw_tls_socket(certs, port) as s:
        subject = dict(item[0] for item in s.getpeercert()["subject"])
        return subject["commonName"]


def refused_without_cert(certs, server):
    """Whether a client without a certificate gets no answer (the handshake is refused)."""
    try:
        client = tls_client(certs, server, cert=False)
        client.ping()
        client.close()
        return False
    except (redis.ConnectionError, ssl.SSLError, OSError):
        return True


def read_all(sock, size):
    data = bytearray()
    while len(data) < size:
        chunk = sock.recv(min(1 << 20, size - len(data)))
        if not chunk:
            break
        data += chunk
    return bytes(data)


@pytest.fixture(scope="module")
def pair(certs):
    """A corvid-server and a redis-server with TLS beside their plain ports."""
    corvid = start_tls("corvid", certs)
    try:
        oracle = start_tls("redis", certs)
    except Exception:
        stop(corvid)
        raise
    yield corvid, oracle
    stop(oracle)
    stop(corvid)


@pytest.fixture(params=[0, 1], ids=["corvid", "redis"])
def each(request, pair):
    server = pair[request.param]
    plain = redis.Redis(host="127.0.0.1", port=server.port)
    plain.flushall()
    plain.close()
    return server


def redis_cli(certs, server, *args, cert=True):
    argv = ["redis-cli", "--tls", "--cacert", certs.ca_crt, "-p", str(server.tls_port)]
    if cert:
        argv += ["--cert", certs.client_crt, "--key", certs.client_key]
    return subprocess.run(argv + list(args), capture_output=True, text=True, timeout=30)


# --- the same answers as over TCP, on both servers ------------------------------------------


def test_redis_py_commands_over_tls_answer_as_redis(certs, pair):
    results = []
    for server in pair:
        client = tls_client(certs, server, decode_responses=True)
        client.flushall()
        out = [client.set("k", "v"), client.get("k"), client.incr("n"), client.rpush("l", "a", "b", "c"),
               client.lrange("l", 0, -1), client.hset("h", mapping={"f": "1"}), client.hgetall("h")]
        try:
            client.lpush("k", "x")
        except redis.ResponseError as e:
            out.append(str(e))
        out.append(client.execute_command("ECHO", "x" * 100000) == "x" * 100000)
        out.append(client.execute_command("CLIENT", "INFO").split(" laddr=")[1].split(" ")[0])
        results.append(out)
        client.close()
    corvid_out, redis_out = results
    assert corvid_out[-1] == "127.0.0.1:%d" % pair[0].tls_port  # laddr is the TLS port
    assert corvid_out[:-1] == redis_out[:-1]


def test_redis_cli_tls_answers_as_redis(certs, pair):
    outputs = []
    for server in pair:
        steps = [("flushall",), ("set", "greeting", "hello"), ("get", "greeting"), ("incrby", "n", "5"),
                 ("lpush", "greeting", "x"), ("config", "get", "tls-port")]
        out = [redis_cli(certs, server, *step).stdout for step in steps]
        outputs.append(out[:-1])
        assert out[-1] == "tls-port\n%d\n" % server.tls_port
    assert outputs[0] == outputs[1]
    assert outputs[0][2] == "hello\n"


def test_config_get_tls_matches_redis_defaults(certs, pair):
    values = []
    for server in pair:
        client = redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)
        got = client.config_get("tls-*")
        client.close()
        del got["tls-port"]
        values.append(got)
    assert values[0] == values[1]
    assert values[0]["tls-auth-clients"] == "yes"
    assert values[0]["tls-cert-file"] == certs.server_crt


def test_pipeline_of_ten_thousand_commands(certs, each):
    client = tls_client(certs, each)
    pipe = client.pipeline(transaction=False)
    for i in range(10000):
        pipe.set("key:%d" % i, i)
        pipe.incr("counter")
    replies = pipe.execute()
    assert replies[-1] == 10000
    assert sum(1 for reply in replies if reply is True) == 10000
    # The same over a raw socket, all requests sent before any reply is read.
    with raw_tls_socket(certs, each.tls_port) as s:
        request = b"".join(b"*2\r\n$3\r\nGET\r\n$%d\r\nkey:%d\r\n" % (len(b"key:%d" % i), i) for i in range(10000))
        s.sendall(request)
        expected = b"".join(b"$%d\r\n%d\r\n" % (len(b"%d" % i), i) for i in range(10000))
        assert read_all(s, len(expected)) == expected
    client.close()


def test_ten_megabyte_value_both_ways(certs, each):
    client = tls_client(certs, each)
    value = os.urandom(10 * 1024 * 1024)
    assert client.set("big", value)
    assert client.strlen("big") == len(value)
    assert client.get("big") == value
    # Several large replies queued at once, read slowly: the server's writes are partial.
    with raw_tls_socket(certs, each.tls_port) as s:
        s.sendall(b"*2\r\n$3\r\nGET\r\n$3\r\nbig\r\n" * 3)
        time.sleep(0.3)
        header = b"$%d\r\n" % len(value)
        assert read_all(s, 3 * (len(header) + len(value) + 2)) == (header + value + b"\r\n") * 3
    client.close()


def test_pubsub_over_tls(certs, each):
    subscriber = tls_client(certs, each).pubsub()
    subscriber.subscribe("news")
    assert subscriber.get_message(timeout=5)["type"] == "subscribe"
    publisher = tls_client(certs, each)
    assert publisher.publish("news", "hello") == 1
    message = subscriber.get_message(timeout=5)
    assert (message["channel"], message["data"]) == (b"news", b"hello")
    # Many messages at once arrive whole and in order.
    for i in range(2000):
        publisher.publish("news", "m%d" % i)
    got = []
    deadline = time.time() + 20
    while len(got) < 2000 and time.time() < deadline:
        message = subscriber.get_message(timeout=1)
        if message:
            got.append(message["data"])
    assert got == [b"m%d" % i for i in range(2000)]
    subscriber.close()
    publisher.close()


def test_blpop_over_tls(certs, each):
    waiter = tls_client(certs, each)
    result = {}
    thread = threading.Thread(target=lambda: result.setdefault("v", waiter.blpop("queue", timeout=10)))
    thread.start()
    pusher = tls_client(certs, each)
    deadline = time.time() + 10
    while pusher.info("clients")["blocked_clients"] != 1 and time.time() < deadline:
        time.sleep(0.02)
    pusher.rpush("queue", "job")
    thread.join(15)
    assert result["v"] == (b"queue", b"job")
    assert waiter.blpop("queue", timeout=0.2) is None
    waiter.close()
    pusher.close()


def test_monitor_over_tls(certs, each):
    with raw_tls_socket(certs, each.tls_port) as monitor:
        monitor.sendall(b"MONITOR\r\n")
        assert read_all(monitor, 5) == b"+OK\r\n"
        client = tls_client(certs, each)
        client.set("watched", "1")
        line = b""
        while b"watched" not in line:
            line += monitor.recv(4096)
        assert b'"SET" "watched" "1"' in line
        client.close()


def test_client_kill_of_a_tls_client(certs, each):
    victim = tls_client(certs, each, single_connection_client=True)
    victim.client_setname("victim")
    admin = redis.Redis(host="127.0.0.1", port=each.port, decode_responses=True)
    entry = [c for c in admin.client_list() if c["name"] == "victim"][0]
    assert entry["laddr"] == "127.0.0.1:%d" % each.tls_port
    assert admin.client_kill_filter(_id=entry["id"]) == 1
    with pytest.raises(redis.ConnectionError):
        victim.execute_command("PING")
    admin.close()


def test_output_buffer_limit_closes_a_tls_subscriber(certs, each):
    admin = redis.Redis(host="127.0.0.1", port=each.port)
    admin.config_set("client-output-buffer-limit", "pubsub 1mb 0 0")
    try:
        with raw_tls_socket(certs, each.tls_port) as s:
            s.sendall(b"SUBSCRIBE flood\r\n")
            read_all(s, len(b"*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n"))
            payload = "x" * 100000
            for _ in range(100):  # 10MB the subscriber never reads
                if admin.publish("flood", payload) == 0:
                    break
            assert admin.publish("flood", payload) == 0  # the subscriber is gone
    finally:
        admin.config_set("client-output-buffer-limit", "pubsub 32mb 8mb 60")
        admin.close()


# --- client certificates and protocol versions ------------------------------------------------


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_auth_clients_yes_optional_no(certs, kind):
    with serving(kind, certs) as server:
        admin = server.admin
        # yes (the default): no certificate, no connection; one from an unknown CA neither.
        assert refused_without_cert(certs, server)
        stranger = tls_client(certs, server, ssl_certfile=certs.stranger_crt, ssl_keyfile=certs.stranger_key)
        with pytest.raises((redis.ConnectionError, OSError)):
            stranger.ping()
        assert tls_client(certs, server).ping()
        # optional: no certificate is fine, a bad one still is not.
        assert admin.config_set("tls-auth-clients", "optional")
        assert not refused_without_cert(certs, server)
        assert tls_client(certs, server).ping()
        stranger = tls_client(certs, server, ssl_certfile=certs.stranger_crt, ssl_keyfile=certs.stranger_key)
        with pytest.raises((redis.ConnectionError, OSError)):
            stranger.ping()
        # no: certificates are not asked for.
        assert admin.config_set("tls-auth-clients", "no")
        assert not refused_without_cert(certs, server)
        stranger = tls_client(certs, server, ssl_certfile=certs.stranger_crt, ssl_keyfile=certs.stranger_key)
        assert stranger.ping()
    if kind == "corvid":
        assert "Error accepting a client connection: " in server.process.read_log()


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_tls_protocols_restrict_versions(certs, kind):
    with serving(kind, certs, "--tls-protocols", "TLSv1.3") as server:
        with raw_tls_socket(certs, server.tls_port, minimum=ssl.TLSVersion.TLSv1_3) as s:
            assert s.version() == "TLSv1.3"
        with pytest.raises((ssl.SSLError, OSError)):
            with raw_tls_socket(certs, server.tls_port, maximum=ssl.TLSVersion.TLSv1_2) as s:
                s.sendall(b"PING\r\n")
                s.recv(10)
        admin = server.admin
        assert admin.config_set("tls-protocols", "tlsv1.2")
        with raw_tls_socket(certs, server.tls_port) as s:
            assert s.version() == "TLSv1.2"
            s.sendall(b"PING\r\n")
            assert s.recv(10) == b"+PONG\r\n"
        with pytest.raises(redis.ResponseError) as failure:
            admin.config_set("tls-protocols", "TLSv1.2 SSLv3")
        assert str(failure.value) == ("CONFIG SET failed (possibly related to argument 'tls-protocols') - "
                                      "Unable to update TLS configuration. Check server logs.")
        assert admin.config_get("tls-protocols") == {"tls-protocols": "tlsv1.2"}
    assert "Invalid tls-protocols specified. Use a combination of 'TLSv1', 'TLSv1.1', 'TLSv1.2' and " \
           "'TLSv1.3'." in server.process.read_log()


def tls_session_of(context, port, session=None):
    """(reused, session) of one connection that ran a PING, offering `session` to resume."""
    with socket.create_connection(("127.0.0.1", port), timeout=20) as raw:
        with context.wrap_socket(raw, server_hostname="127.0.0.1", session=session) as s:
            s.sendall(b"PING\r\n")
            assert s.recv(10) == b"+PONG\r\n"  # TLSv1.3 tickets arrive after the handshake
            return s.session_reused, s.session


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_session_caching_resumes_sessions_until_turned_off(certs, kind):
    with serving(kind, certs) as server:
        admin = server.admin
        context = ssl.create_default_context(cafile=certs.ca_crt)
        context.load_cert_chain(certs.client_crt, certs.client_key)
        reused, session = tls_session_of(context, server.tls_port)
        assert not reused
        reused, _ = tls_session_of(context, server.tls_port, session)
        assert reused
        assert admin.config_set("tls-session-caching", "no")
        reused, session = tls_session_of(context, server.tls_port)
        if kind == "redis":
            # Redis 7.0.15 then fails the handshake of a client that offers a session to
            # resume ("session id context uninitialized"): a difference kept on purpose.
            with pytest.raises(ssl.SSLError):
                tls_session_of(context, server.tls_port, session)
            return
        reused, _ = tls_session_of(context, server.tls_port, session)
        assert not reused


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_ciphersuites_and_ciphers_choose_what_is_negotiated(certs, kind):
    with serving(kind, certs) as server:
        admin = server.admin
        assert admin.config_set("tls-ciphersuites", "TLS_CHACHA20_POLY1305_SHA256")
        with raw_tls_socket(certs, server.tls_port) as s:
            assert s.cipher()[0] == "TLS_CHACHA20_POLY1305_SHA256"
        assert admin.config_set("tls-ciphers", "ECDHE-RSA-AES128-GCM-SHA256")
        with raw_tls_socket(certs, server.tls_port, maximum=ssl.TLSVersion.TLSv1_2) as s:
            assert s.cipher()[0] == "ECDHE-RSA-AES128-GCM-SHA256"


# --- configuration: reloads, start-up errors, listeners ---------------------------------------


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_config_set_cert_reloads_and_bad_files_keep_the_old_context(certs, kind):
    with serving(kind, certs) as server:
        admin = server.admin
        assert server_cn(certs, server.tls_port) == "first-server"
        kept = tls_client(certs, server, single_connection_client=True)
        assert kept.ping()
        # A certificate and its key change together.
        assert admin.execute_command("CONFIG", "SET", "tls-cert-file", certs.server2_crt, "tls-key-file",
                                     certs.server2_key) == "OK"
        assert server_cn(certs, server.tls_port) == "second-server"
        assert kept.ping()  # connections made before keep going
        for name, value, logged in [
            ("tls-cert-file", "/nonexistent/cert.pem", "Failed to load certificate: /nonexistent/cert.pem: "),
            ("tls-key-file", certs.junk_pem, "Failed to load private key: %s: " % certs.junk_pem),
            ("tls-ca-cert-file", certs.junk_pem, "Failed to configure CA certificate(s) file/directory: "),
            ("tls-ciphers", "bogus", "Failed to configure ciphers: bogus"),
            ("tls-ciphersuites", "bogus", "Failed to configure ciphersuites: bogus"),
            ("tls-dh-params-file", certs.junk_pem, "%s: failed to read DH params." % certs.junk_pem),
        ]:
            before = admin.config_get(name)[name]
            with pytest.raises(redis.ResponseError) as failure:
                admin.config_set(name, value)
            assert str(failure.value) == ("CONFIG SET failed (possibly related to argument '%s') - Unable to "
                                          "update TLS configuration. Check server logs." % name)
            assert admin.config_get(name)[name] == before
            assert logged in server.process.read_log()
            assert server_cn(certs, server.tls_port) == "second-server"
        # An encrypted key needs its passphrase.
        assert admin.execute_command("CONFIG", "SET", "tls-cert-file", certs.locked_crt, "tls-key-file",
                                     certs.locked_key, "tls-key-file-pass", "secret") == "OK"
        assert server_cn(certs, server.tls_port) == "locked-server"
        with pytest.raises(redis.ResponseError):
            admin.config_set("tls-key-file-pass", "wrong")
        kept.close()


@pytest.mark.parametrize("kind", ["corvid", "redis"])
def test_startup_refuses_incomplete_tls_settings(certs, kind, tmp_path):
    cases = [
        ([], "No tls-cert-file configured!"),
        (["--tls-cert-file", certs.server_crt], "No tls-key-file configured!"),
        (["--tls-cert-file", certs.server_crt, "--tls-key-file", certs.server_key],
         "Either tls-ca-cert-file or tls-ca-cert-dir must be specified when tls-cluster, tls-replication or "
         "tls-auth-clients are enabled!"),
        (["--tls-cert-file", certs.server_crt, "--tls-key-file", certs.client_key, "--tls-ca-cert-file",
          certs.ca_crt], "Failed to load private key: %s: " % certs.client_key),
    ]
    binary = os.environ.get("CORVID_SERVER") if kind == "corvid" else "redis-server"
    for args, message in cases:
        done = subprocess.run([binary, "--port", "0", "--tls-port", str(free_port()), "--save", ""] + args,
                              cwd=str(tmp_path), capture_output=True, text=True, timeout=30)
        assert done.returncode == 1
        assert message in done.stdout
        assert "Failed to configure TLS. Check logs for more info." in done.stdout


def test_tls_only_server_with_unix_socket(certs, tmp_path):
    """port 0: no plain TCP; TLS and the unix socket serve."""
    unix_path = str(tmp_path / "corvid.sock")
    server = start_tls("corvid", certs, "--unixsocket", unix_path, plain=False)
    try:
        assert tls_client(certs, server).set("k", "v")
        local = redis.Redis(unix_socket_path=unix_path, decode_responses=True)
        assert local.get("k") == "v"
        assert local.config_get("port") == {"port": "0"}
        with pytest.raises(OSError):  # the --port the test harness gave was overridden by --port 0
            socket.create_connection(("127.0.0.1", server.port), timeout=2).close()
        local.close()
    finally:
        stop(server)


def test_config_set_tls_port_opens_and_closes_the_listener(certs):
    server = start_corvid("--tls-cert-file", certs.junk_pem, "--tls-key-file", certs.server_key,
                          "--tls-ca-cert-file", certs.ca_crt)
    try:
        admin = redis.Redis(host="127.0.0.1", port=server.port, decode_responses=True)
        port = free_port()
        # The files are read when tls-port is set: a bad one refuses it.
        with pytest.raises(redis.ResponseError) as failure:
            admin.config_set("tls-port", port)
        assert str(failure.value) == ("CONFIG SET failed (possibly related to argument 'tls-port') - Unable to "
                                      "update TLS configuration. Check server logs.")
        assert admin.config_get("tls-port") == {"tls-port": "0"}
        assert admin.config_set("tls-cert-file", certs.server_crt)  # stored: TLS is off
        assert admin.config_set("tls-port", port)
        handle = TlsServer("corvid", server, port)
        assert tls_client(certs, handle).ping()
        assert admin.config_set("tls-port", 0)
        with pytest.raises(OSError):
            socket.create_connection(("127.0.0.1", port), timeout=2).close()
        assert admin.ping()  # the plain port stays
        admin.close()
    finally:
        server.stop()
    assert server.sanitizer_report() is None
    assert "Failed to load certificate: %s: " % certs.junk_pem in server.read_log()


def test_tls_replication_and_cluster_are_refused_until_built(certs, pair):
    admin = redis.Redis(host="127.0.0.1", port=pair[0].port, decode_responses=True)
    for name, reason in [("tls-replication", "TLS for replication links is not supported yet"),
                         ("tls-cluster", "TLS for the cluster bus is not supported yet")]:
        with pytest.raises(redis.ResponseError) as failure:
            admin.config_set(name, "yes")
        assert str(failure.value) == "CONFIG SET failed (possibly related to argument '%s') - %s yes: %s" % (
            name, name, reason)
        assert admin.config_set(name, "no")
    admin.close()


def test_handshake_counts_and_logs_as_redis(certs, pair):
    """A connection counts as received once its handshake is done; one that fails it is a
    warning in the log."""
    counts = []
    for server in pair:
        admin = redis.Redis(host="127.0.0.1", port=server.port)
        before = admin.info("stats")["total_connections_received"]
        refused_without_cert(certs, server)
        tls_client(certs, server).ping()
        counts.append(admin.info("stats")["total_connections_received"] - before)
        admin.close()
    assert counts[0] == counts[1]
