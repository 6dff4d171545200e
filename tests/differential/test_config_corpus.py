"""The config-line fuzz target's corpus (fuzz/corpus/config_lines/), each input started as a
config file by corvid-server and by redis-server 7.0.15.

fuzz/config_lines_fuzz.cc checks that whatever Corvid loads survives CONFIG REWRITE; this
checks that Corvid loads what Redis loads, and nothing else. For every input both servers
start from the file (with the network, directory, logging and daemon settings given on the
command line after it, so that no input can make a server listen elsewhere, write outside
its directory or leave the foreground). Either both refuse it, printing the same fatal
error text, or both start, and then CONFIG GET * agrees on every directive both servers
know. Inputs whose lines name such settings are left out: the command line overrides
them, so they would compare nothing. So are inputs naming directives only Corvid knows
(Redis 7.2's, such as set-max-listpack-entries), and inputs Corvid refuses because they
switch on a feature not built yet (docs/status.md lists them): Redis would start."""

import os
import re
import socket
import subprocess
import tempfile
import time

import pytest

from support.fuzz_corpus import corpus_inputs
from support.resp import RespConnection
from support.servers import corvid_binary, free_port

# Overridden on the command line below, or able to act outside the test's directory.
OVERRIDDEN = {"port", "bind", "dir", "daemonize", "logfile", "pidfile", "unixsocket", "unixsocketperm",
              "tls-port", "supervised", "syslog-enabled", "syslog-ident", "syslog-facility", "include",
              "aclfile", "loadmodule", "oom-score-adj", "oom-score-adj-values", "io-threads", "maxclients"}
# At most this many inputs, in name order (two server starts each); CONFIG_CORPUS_LIMIT
# raises it, to replay the whole corpus after new inputs are merged into it.
LIMIT = int(os.environ.get("CONFIG_CORPUS_LIMIT", "120"))


def first_words(text):
    for line in text.split(b"\n"):
        words = line.strip().split()
        if words and not words[0].startswith(b"#"):
            yield words[0].strip(b"\"'").lower().decode(errors="replace")


def comparable(text, corvid_only):
    return all(word not in OVERRIDDEN and word not in corvid_only and not word.startswith("tls-")
               for word in first_words(text))


def not_built_yet(outcome):
    return outcome[0] == "refused" and outcome[1].endswith("is not supported yet")


def fatal_text(output):
    """What a server printed about the configuration it refused, without log prefixes."""
    text = output.decode(errors="replace")
    start = text.find("*** FATAL CONFIG FILE ERROR")
    if start >= 0:
        return text[start:].strip()
    # Later refusals are log lines: "<pid>:M 07 Dec 2026 12:35:20.187 # <message>". The
    # last says why, or, after ACL errors, the one before it.
    prefix = r"^\d+:[A-Z] \d+ \w+ \d+ [\d:.]+ [#*.-] "
    lines = [re.sub(prefix, "", line) for line in text.strip().split("\n")]
    return "\n".join(lines[-2:] if lines[-1].startswith("Critical error while loading ACLs") else lines[-1:])


class Started:
    """One server started from a config file: its exit output, or its CONFIG GET *."""

    def __init__(self, binary, config_path, workdir):
        self.port = free_port()
        argv = [binary, config_path, "--port", str(self.port), "--bind", "127.0.0.1", "--dir", workdir,
                "--daemonize", "no", "--logfile", "", "--pidfile", "", "--unixsocket", "", "--tls-port", "0",
                "--supervised", "no", "--syslog-enabled", "no"]
        self.proc = subprocess.Popen(argv, cwd=workdir, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)

    def outcome(self):
        """("refused", fatal text) or ("started", {name: value})."""
        deadline = time.time() + 60
        while time.time() < deadline:
            if self.proc.poll() is not None:
                return "refused", fatal_text(self.proc.stdout.read())
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.5):
                    break
            except OSError:
                time.sleep(0.02)
        conn = RespConnection("127.0.0.1", self.port)
        try:
            reply = conn.call("CONFIG", "GET", "*")[1]
        finally:
            conn.close()
        return "started", dict(zip(reply[0::2], reply[1::2]))

    def stop(self):
        if self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        self.proc.stdout.close()


def directive_names(server):
    conn = RespConnection("127.0.0.1", server.port)
    try:
        return {name.decode() for name in conn.call("CONFIG", "GET", "*")[1][0::2]}
    finally:
        conn.close()


@pytest.fixture(scope="module")
def chosen_inputs(corvid_server, redis_server):
    corvid_only = directive_names(corvid_server) - directive_names(redis_server)
    assert "set-max-listpack-entries" in corvid_only
    return [data for data in corpus_inputs("config_lines") if comparable(data, corvid_only)][:LIMIT]


def test_enough_inputs_compare(chosen_inputs):
    assert len(chosen_inputs) >= 50


@pytest.mark.parametrize("chunk", range(4))
def test_both_servers_read_the_corpus_alike(chunk, chosen_inputs, tmp_path):
    inputs = chosen_inputs[chunk::4]
    differing = []
    refused = started = not_built = 0
    for index, data in enumerate(inputs):
        config_path = os.path.join(str(tmp_path), "input-%d.conf" % index)
        with open(config_path, "wb") as f:
            f.write(data)
        # Each in a directory of its own: a server may write its dump or AOF there.
        servers = [Started(binary, config_path, tempfile.mkdtemp(dir=tmp_path))
                   for binary in (corvid_binary(), "redis-server")]
        try:
            ours, theirs = [s.outcome() for s in servers]
        finally:
            for s in servers:
                s.stop()
        if not_built_yet(ours):
            not_built += 1
        elif ours[0] == theirs[0] == "started":
            started += 1
            shared = set(ours[1]) & set(theirs[1]) - {b"port", b"dir"}
            mismatched = {n: (ours[1][n], theirs[1][n]) for n in shared if ours[1][n] != theirs[1][n]}
            if mismatched:
                differing.append((data, mismatched))
        elif ours != theirs:
            differing.append((data, ours, theirs))
        else:
            refused += 1
    assert differing == [], differing[:3]
    assert refused + started + not_built == len(inputs)
    # Most inputs compare something.
    assert not_built <= len(inputs) // 4
