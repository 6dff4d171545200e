"""The glob fuzz target's corpus (fuzz/corpus/glob/), replayed against redis-server 7.0.15.

fuzz/glob_fuzz.cc checks Corvid's matcher against a second matcher built from glob.h's
account of Redis's dialect; this checks that account against Redis itself. Every input of
the corpus is a pattern and a subject (see the target). All subjects are stored as keys on
both servers, then every pattern is asked for with KEYS (case-sensitive matching: every
pattern against every subject) and with CONFIG GET (case-insensitive matching against the
directive names both servers know). The replies must name the same keys and directives."""

import pytest

from support.fuzz_corpus import corpus_inputs as target_inputs
from support.resp import RespConnection
from support.servers import server_pair


def corpus_inputs():
    """(nocase, pattern, subject) of every corpus input."""
    inputs = []
    for data in target_inputs("glob"):
        pattern, _, subject = data[1:].partition(b"\0")
        inputs.append((data[0] & 1 == 1, pattern, subject))
    return inputs


def pipelined(conn, commands):
    conn.send_raw(b"".join(RespConnection.encode(c) for c in commands))
    return [conn.read_reply()[1] for _ in commands]


@pytest.fixture(scope="module")
def pair():
    with server_pair() as servers:
        yield [RespConnection("127.0.0.1", s.port) for s in servers]


def config_names(conn):
    reply = conn.call("CONFIG", "GET", "*")[1]
    return set(reply[0::2])


def test_corpus_is_there():
    # Enough inputs that the replay below means something.
    assert len(corpus_inputs()) >= 100


def test_keys_matches_as_redis_does(pair):
    inputs = corpus_inputs()
    # An empty subject cannot be a key name here: KEYS * would list it unmatched.
    subjects = sorted({s for _, _, s in inputs if s})
    patterns = sorted({p for _, p, _ in inputs})
    answers = []
    for conn in pair:
        pipelined(conn, [("FLUSHALL",)])
        for start in range(0, len(subjects), 500):
            pipelined(conn, [("SET", s, "1") for s in subjects[start:start + 500]])
        answers.append([sorted(keys) for keys in pipelined(conn, [("KEYS", p) for p in patterns])])
    ours, theirs = answers
    differing = [(p, o, t) for p, o, t in zip(patterns, ours, theirs) if o != t]
    assert differing == [], differing[:5]
    # The patterns match something now and then, or the comparison says little.
    assert sum(1 for keys in theirs if keys) >= len(patterns) // 10


def test_config_get_matches_as_redis_does(pair):
    ours_conn, theirs_conn = pair
    shared = config_names(ours_conn) & config_names(theirs_conn)
    patterns = sorted({p for _, p, _ in corpus_inputs()})
    answers = []
    for conn in pair:
        replies = pipelined(conn, [("CONFIG", "GET", p) for p in patterns])
        answers.append([sorted(set(reply[0::2]) & shared) for reply in replies])
    ours, theirs = answers
    differing = [(p, o, t) for p, o, t in zip(patterns, ours, theirs) if o != t]
    assert differing == [], differing[:5]
