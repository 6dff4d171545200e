"""Runs the same command script against corvid-server and redis-server and compares replies.

Script format: one command per line, arguments split like a shell (shlex) does.
  # comment                  ignored
  SET k v                    replies must be byte-identical
  !unordered SMEMBERS s      replies compared as multisets (order unspecified in Redis)
  !type CLIENT ID            only the reply's RESP type must match
  !noreply DEBUG SLEEP 0     run on both, reply not compared
  !sleep 1.5                 wait (expiry cases)
"""

import shlex
import time

from support.resp import RespConnection, canonical_unordered


class Mismatch(AssertionError):
    pass


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
            if mode not in ("unordered", "type", "noreply"):
                raise ValueError("line %d: unknown directive %s" % (number, directive))
            stripped = rest
        steps.append((number, mode, shlex.split(stripped)))
    return steps


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
            raw_ours, value_ours = ours.call(*args)
            raw_theirs, value_theirs = theirs.call(*args)
            if mode == "noreply":
                continue
            if mode == "type":
                same = raw_ours[:1] == raw_theirs[:1]
            elif mode == "unordered":
                same = canonical_unordered(value_ours) == canonical_unordered(value_theirs)
            else:
                same = raw_ours == raw_theirs
            if not same:
                raise Mismatch("%s:%d: %s\n  corvid: %r\n  redis:  %r" % (name, number, " ".join(args), raw_ours[:500],
                                                                        raw_theirs[:500]))
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

    def __exit__(self, *exc):
        self.ours.close()
        self.theirs.close()

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
