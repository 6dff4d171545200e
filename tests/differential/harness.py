"""Runs the same command script against corvid-server and redis-server and compares replies.

Script format: one command per line, arguments quoted as redis-cli quotes them
(`split_args`): inside double quotes \\xHH, \\n, \\r, \\t, \\b, \\a and \\<char> are
escapes that become bytes; inside single quotes only \\' is one; outside quotes a backslash
is an ordinary character.
  # comment                   ignored
  SET k v                     replies must be byte-identical
  !unordered SMEMBERS s       an aggregate whose order Redis leaves unspecified: its elements
                              as a multiset, each typed and exact (maps: a multiset of pairs)
  !pairs HGETALL h            a flat field/value array (or RESP3 map): a multiset of pairs
  !scan SCAN 0                cursor exact, page as a multiset
  !scanpairs HSCAN h 0        cursor exact, page as a multiset of field/value pairs
  !commandinfo COMMAND INFO x every field in place, subcommands as a multiset
  !commanddocs COMMAND DOCS x keyed fields as pairs, every value in order
  !replies 3 SUBSCRIBE a b c  a command answering N times: all N replies byte-identical
  !clock XPENDING s g - + 10  integers may differ by up to a second (idle and delivery times),
                              everything else byte-identical
  !type CLIENT ID             only the reply's RESP type must match
  !noreply DEBUG SLEEP 0      run on both, reply not compared
  !sleep 1.5                  wait (expiry cases)
After the last step both connections must have nothing more to say: a PING sent to each
must get the same answer, and it must be a PING reply (an extra reply would come first).
"""

import time

from support.resp import COMPARISONS, RespConnection, comparable, parse_typed


class Mismatch(AssertionError):
    pass


class ScriptSyntaxError(ValueError):
    pass


_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "a": "\a"}
_HEX = "0123456789abcdefABCDEF"


def _escape(line, i, quote):
    """The bytes an escape at line[i] (a backslash) stands for inside `quote`, and how many
    characters it takes; None when the backslash is an ordinary character there."""
    n = len(line)
    if quote == "'":
        return (b"'", 2) if i + 1 < n and line[i + 1] == "'" else None
    if i + 3 < n and line[i + 1] == "x" and line[i + 2] in _HEX and line[i + 3] in _HEX:
        return bytes([int(line[i + 2:i + 4], 16)]), 4
    if i + 1 < n:
        return _ESCAPES.get(line[i + 1], line[i + 1]).encode(), 2
    return None


def split_args(line):
    """Splits a line into arguments (bytes) with redis-cli's quoting rules."""
    args = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return args
        current = bytearray()
        quote = None
        while True:
            if quote is None:
                if i >= n or line[i].isspace():
                    break
                if line[i] in "\"'":
                    quote = line[i]
                else:
                    current += line[i].encode()
                i += 1
                continue
            if i >= n:
                raise ScriptSyntaxError("unbalanced %s quote" % ("double" if quote == '"' else "single"))
            c = line[i]
            escaped = _escape(line, i, quote) if c == "\\" else None
            if escaped is not None:
                current += escaped[0]
                i += escaped[1]
            elif c == quote:
                if i + 1 < n and not line[i + 1].isspace():
                    raise ScriptSyntaxError("closing quote must be followed by a space")
                i += 1
                break
            else:
                current += c.encode()
                i += 1
        args.append(bytes(current))


MODES = ("exact", "type", "noreply", "clock") + tuple(COMPARISONS)


def parse_script(text):
    steps = []
    for number, line in enumerate(text.splitlines(), 1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        mode = "exact"
        if stripped.startswith("!"):
            directive, _, rest = stripped.partition(" ")
            mode = directive[1:]
            if mode == "sleep":
                steps.append((number, "sleep", [float(rest)]))
                continue
            if mode == "replies":
                count, _, rest = rest.partition(" ")
                mode = "replies:" + str(int(count))
            elif mode not in MODES:
                raise ScriptSyntaxError("line %d: unknown directive %s" % (number, directive))
            stripped = rest
        try:
            steps.append((number, mode, split_args(stripped)))
        except ScriptSyntaxError as e:
            raise ScriptSyntaxError("line %d: %s" % (number, e))
    return steps


CLOCK_TOLERANCE_MS = 1000


def _same_within_clock(ours, theirs):
    """Typed replies equal but for integers within CLOCK_TOLERANCE_MS of each other."""
    if ours[0] != theirs[0]:
        return False
    if ours[0] == b":" and ours[1] is not None and theirs[1] is not None:
        return abs(int(ours[1]) - int(theirs[1])) <= CLOCK_TOLERANCE_MS
    if isinstance(ours[1], list) and isinstance(theirs[1], list):
        return len(ours[1]) == len(theirs[1]) and all(
            _same_within_clock(a, b) for a, b in zip(ours[1], theirs[1]))
    return ours[1] == theirs[1]


def same_reply(mode, raw_ours, raw_theirs):
    if mode == "exact" or mode.startswith("replies:"):
        return raw_ours == raw_theirs
    if mode == "clock":
        return _same_within_clock(parse_typed(raw_ours), parse_typed(raw_theirs))
    if mode == "type":
        return raw_ours[:1] == raw_theirs[:1]
    return comparable(raw_ours, mode) == comparable(raw_theirs, mode)


# What a PING may answer: normally, in RESP2 subscribed mode, or queued inside MULTI.
PING_REPLIES = (b"+PONG\r\n", b"*2\r\n$4\r\npong\r\n$0\r\n\r\n", b">2\r\n$4\r\npong\r\n$0\r\n\r\n",
                b"+QUEUED\r\n")


def assert_nothing_unread(ours, theirs, name):
    """Fails when either connection holds a reply nobody asked for: the PING's answer is
    then that stray reply, not the PING's own."""
    raw_ours = ours.call("PING")[0]
    raw_theirs = theirs.call("PING")[0]
    if raw_ours != raw_theirs or raw_ours not in PING_REPLIES:
        raise Mismatch("%s: unread bytes after the last step\n  corvid: %r\n  redis:  %r" %
                       (name, raw_ours[:500], raw_theirs[:500]))
    if ours.buffer or theirs.buffer:
        raise Mismatch("%s: bytes after the final PING\n  corvid: %r\n  redis:  %r" %
                       (name, ours.buffer[:500], theirs.buffer[:500]))


def printable(args):
    return " ".join(a.decode(errors="backslashreplace") if isinstance(a, bytes) else str(a) for a in args)


def run_script(text, corvid_port, redis_port, name="script"):
    steps = parse_script(text)
    ours = RespConnection("127.0.0.1", corvid_port)
    theirs = RespConnection("127.0.0.1", redis_port)
    try:
        for conn in (ours, theirs):
            conn.call("FLUSHALL")
        for number, mode, args in steps:
            if mode == "sleep":
                time.sleep(args[0])
                continue
            replies = int(mode.split(":")[1]) if mode.startswith("replies:") else 1
            raw_ours, raw_theirs = ours.call_many(replies, *args), theirs.call_many(replies, *args)
            if mode == "noreply":
                continue
            if not same_reply(mode, raw_ours, raw_theirs):
                raise Mismatch("%s:%d: %s\n  corvid: %r\n  redis:  %r" % (name, number, printable(args),
                                                                        raw_ours[:500], raw_theirs[:500]))
        assert_nothing_unread(ours, theirs, name)
    finally:
        ours.close()
        theirs.close()


class ServerPair:
    """One connection to each server, for seeded random sequences: sends every command
    to both and, on a mismatch, fails with the commands that led to it."""

    def __init__(self, corvid_port, redis_port, seed):
        self.ours = RespConnection("127.0.0.1", corvid_port)
        self.theirs = RespConnection("127.0.0.1", redis_port)
        self.seed = seed
        self.history = []

    def __enter__(self):
        return self

    def __exit__(self, exc_type, *exc):
        try:
            if exc_type is None:
                assert_nothing_unread(self.ours, self.theirs, "seed %d" % self.seed)
        finally:
            self.ours.close()
            self.theirs.close()
        return False

    def both(self, args):
        return self.ours.call(*args), self.theirs.call(*args)

    def compare(self, step, args, same):
        """Runs `args` on both; `same(raw_ours, value_ours, raw_theirs, value_theirs)` judges."""
        (raw_ours, value_ours), (raw_theirs, value_theirs) = self.both(args)
        self.history.append(args)
        if not same(raw_ours, value_ours, raw_theirs, value_theirs):
            recent = "\n".join("    " + " ".join(repr(a) for a in h) for h in self.history[-15:])
            raise Mismatch("seed %d step %d: %r\n  corvid: %r\n  redis:  %r\nlast commands:\n%s" %
                           (self.seed, step, args, raw_ours[:300], raw_theirs[:300], recent))

    def compare_checked(self, step, args, check):
        """Runs `args` on both servers; `check(raw_ours, value_ours, raw_theirs, value_theirs)`
        answers None when the replies are right, else why they are not (added to the
        mismatch report). Returns both (raw, value) replies."""
        replies, why = [], []

        def judge(raw_ours, value_ours, raw_theirs, value_theirs):
            replies[:] = [(raw_ours, value_ours), (raw_theirs, value_theirs)]
            reason = check(raw_ours, value_ours, raw_theirs, value_theirs)
            if reason:
                why.append(reason)
            return not reason

        try:
            self.compare(step, args, judge)
        except Mismatch as e:
            if why:
                raise Mismatch("%s\n  why: %s" % (e, why[0])) from None
            raise
        return replies
