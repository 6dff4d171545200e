"""A minimal RESP2/RESP3 client that keeps the exact bytes of every reply.

Differential tests compare replies byte for byte, so they cannot use a client
library that decodes (and so normalises) replies.
"""

import socket


class RespConnection:
    def __init__(self, host, port, timeout=10.0):
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.buffer = b""

    def close(self):
        try:
            self.sock.close()
        except OSError:
            pass

    @staticmethod
    def encode(args):
        out = [b"*%d\r\n" % len(args)]
        for a in args:
            if isinstance(a, str):
                a = a.encode()
            out.append(b"$%d\r\n%s\r\n" % (len(a), a))
        return b"".join(out)

    def send_raw(self, data):
        self.sock.sendall(data)

    def call(self, *args):
        """Sends one command and returns (raw_bytes, decoded) of its reply."""
        self.send_raw(self.encode(args))
        return self.read_reply()

    def call_many(self, replies, *args):
        """Sends one command that answers `replies` times; returns the raw bytes of all."""
        self.send_raw(self.encode(args))
        return b"".join(self.read_reply()[0] for _ in range(replies))

    def _fill(self):
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("connection closed by server")
        self.buffer += chunk

    def _line(self, pos):
        while True:
            end = self.buffer.find(b"\r\n", pos)
            if end >= 0:
                return self.buffer[pos:end], end + 2
            self._fill()

    def _need(self, end):
        while len(self.buffer) < end:
            self._fill()

    def _parse(self, pos):
        line, pos = self._line(pos)
        kind, body = line[:1], line[1:]
        if kind in (b"+", b"-", b":", b",", b"(", b"#", b"_"):
            if kind == b"-":
                return Error(body.decode(errors="replace")), pos
            if kind == b":":
                return int(body), pos
            if kind == b"_":
                return None, pos
            if kind == b"#":
                return body == b"t", pos
            return body, pos
        if kind in (b"$", b"=", b"!"):
            n = int(body)
            if n < 0:
                return None, pos
            self._need(pos + n + 2)
            return self.buffer[pos:pos + n], pos + n + 2
        if kind in (b"*", b"~", b">", b"%", b"|"):
            n = int(body)
            if n < 0:
                return None, pos
            count = n * 2 if kind in (b"%", b"|") else n
            items = []
            for _ in range(count):
                item, pos = self._parse(pos)
                items.append(item)
            if kind == b"%":
                return Map(items), pos
            if kind == b"~":
                return Set(items), pos
            if kind == b">":
                return Push(items), pos
            return items, pos
        raise ValueError("bad RESP type byte %r in %r" % (kind, self.buffer[:200]))

    def read_reply(self):
        if not self.buffer:
            self._fill()
        value, pos = self._parse(0)
        raw = self.buffer[:pos]
        self.buffer = self.buffer[pos:]
        return raw, value


class Error(str):
    pass


class Map(list):
    pass


class Set(list):
    pass


class Push(list):
    pass


def parse_typed(raw):
    """Parses one complete reply into a tree that keeps every RESP type: a scalar is
    (type byte, body) and an aggregate is (type byte, [children]). Simple and bulk strings,
    doubles and each kind of null stay distinct, so comparisons built on it never equate
    `+OK` with `$2 OK`."""
    node, pos = _typed_at(raw, 0)
    if pos != len(raw):
        raise ValueError("%d bytes after one reply" % (len(raw) - pos))
    return node


def _typed_at(raw, pos):
    end = raw.index(b"\r\n", pos)
    kind, body = raw[pos:pos + 1], raw[pos + 1:end]
    pos = end + 2
    if kind in (b"$", b"=", b"!"):
        n = int(body)
        if n < 0:
            return (kind, None), pos  # a null, never equal to the string "-1"
        return (kind, raw[pos:pos + n]), pos + n + 2
    if kind in (b"*", b"~", b">", b"%", b"|"):
        n = int(body)
        if n < 0:
            return (kind, None), pos
        children = []
        for _ in range(n * 2 if kind in (b"%", b"|") else n):
            child, pos = _typed_at(raw, pos)
            children.append(child)
        return (kind, children), pos
    return (kind, body), pos


def _multiset(nodes):
    return tuple(sorted(repr(n) for n in nodes))


def _pair_multiset(nodes):
    if len(nodes) % 2:
        return ("odd", tuple(nodes))
    return tuple(sorted(repr((nodes[i], nodes[i + 1])) for i in range(0, len(nodes), 2)))


def unordered_form(node):
    """An aggregate whose element order Redis leaves unspecified: its elements as a multiset
    (each compared exactly, type included); a map as a multiset of key/value pairs."""
    kind, body = node
    if not isinstance(body, list):
        return node
    if kind in (b"%", b"|"):
        return (kind, _pair_multiset(body))
    return (kind, _multiset(body))


def pairs_form(node):
    """A RESP2 flat field/value array (HGETALL, CONFIG GET, HRANDFIELD WITHVALUES) or a RESP3
    map: a multiset of (field, value) pairs, so a swapped field and value is a difference."""
    kind, body = node
    if not isinstance(body, list):
        return node
    return (kind, _pair_multiset(body))


def scan_form(node, inner=unordered_form):
    """A SCAN-family reply: the cursor exactly, the page by `inner`."""
    kind, body = node
    if kind != b"*" or not isinstance(body, list) or len(body) != 2:
        return node
    return (kind, [body[0], inner(body[1])])


def scan_pairs_form(node):
    return scan_form(node, pairs_form)


def _map_items(node):
    """(key, value) node pairs of a RESP3 map or a RESP2 flat key/value array."""
    body = node[1]
    return [(body[i], body[i + 1]) for i in range(0, len(body), 2)]


def command_info_form(node):
    """COMMAND INFO: every field in its place; only the subcommand list (Redis orders it by
    its hash table) is a multiset, each subcommand compared the same way."""
    kind, body = node
    if not isinstance(body, list):
        return node
    entries = []
    for entry in body:
        ekind, fields = entry
        if isinstance(fields, list) and len(fields) >= 10:
            sub_kind, subs = fields[9]
            fields = fields[:9] + [(sub_kind, _multiset([repr(command_info_form((b"*", [s]))) for s in subs]))] + \
                fields[10:]
        entries.append((ekind, fields))
    return (kind, entries)


def command_docs_form(node):
    """COMMAND DOCS: a map of command -> doc map. The commands, the fields of a doc map and
    the subcommands map are keyed collections (order unspecified); every value, argument
    lists included, is compared in order."""
    kind, body = node
    if not isinstance(body, list):
        return node
    out = []
    for name, doc in _map_items(node):
        fields = []
        if isinstance(doc[1], list):
            for field, value in _map_items(doc):
                if field[1] == b"subcommands" and isinstance(value[1], list):
                    value = command_docs_form(value)
                fields.append(repr((field, value)))
        out.append(repr((name, doc[0], tuple(sorted(fields)))))
    return (kind, tuple(sorted(out)))


COMPARISONS = {
    "unordered": unordered_form,
    "pairs": pairs_form,
    "scan": scan_form,
    "scanpairs": scan_pairs_form,
    "commandinfo": command_info_form,
    "commanddocs": command_docs_form,
}


def comparable(raw, mode):
    """The form of a raw reply that `mode` (a key of COMPARISONS) compares."""
    return COMPARISONS[mode](parse_typed(raw))


def canonical_unordered(raw):
    """Shorthand for the most common mode: a multiset of typed elements."""
    return comparable(raw, "unordered")


def connect(server):
    """A raw connection to a test server (anything with a .port)."""
    return RespConnection("127.0.0.1", server.port)


def invalidated_keys(conn):
    """On a RESP3 RespConnection with CLIENT TRACKING on: the keys of the invalidation
    pushes that arrive before the answer to a PING sent now."""
    keys = set()
    reply = conn.call("PING")[1]
    while reply != b"PONG":
        assert reply[0] == b"invalidate", reply
        keys.update(reply[1])
        reply = conn.read_reply()[1]
    return keys
