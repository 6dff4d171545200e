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


def canonical_unordered(value):
    """A comparable form of a reply whose element order Redis leaves unspecified."""
    if isinstance(value, Map):
        pairs = [(repr(canonical_unordered(value[i])), repr(canonical_unordered(value[i + 1])))
                 for i in range(0, len(value), 2)]
        return ("map", tuple(sorted(pairs)))
    if isinstance(value, list):
        return (type(value).__name__, tuple(sorted(repr(canonical_unordered(v)) for v in value)))
    return value


def connect(server):
    """A raw connection to a test server (anything with a .port)."""
    return RespConnection("127.0.0.1", server.port)
