"""The differential harness itself: what a case sends, and what its comparisons tell apart.

Every other differential test trusts these rules, so each rule here is shown to reject
the difference it exists to catch."""

import pytest

from differential.harness import Mismatch, ScriptSyntaxError, assert_nothing_unread, parse_script, split_args
from support.resp import RespConnection, comparable, parse_typed


@pytest.mark.parametrize("line,expected", [
    (r'SET k "a\x00b"', [b"SET", b"k", b"a\x00b"]),
    (r'SET k "\xff\xFE"', [b"SET", b"k", b"\xff\xfe"]),
    (r'SET k "a\nb\r\t\b\a"', [b"SET", b"k", b"a\nb\r\t\b\a"]),
    (r'SET k "q\"uote" "back\\slash"', [b"SET", b"k", b'q"uote', b"back\\slash"]),
    (r'SET k "\xzz"', [b"SET", b"k", b"xzz"]),  # not a hex escape: the backslash escapes "x"
    (r"SET k 'a\x00b' 'it\'s'", [b"SET", b"k", b"a\\x00b", b"it's"]),
    (r"KEYS h\[e\]llo", [b"KEYS", b"h\\[e\\]llo"]),
    ('SET "" \'\'', [b"SET", b"", b""]),
    ('  a   b\t c ', [b"a", b"b", b"c"]),
    ('caf\u00e9', [b"caf\xc3\xa9"]),
])
def test_split_args_quotes_as_redis_cli(line, expected):
    assert split_args(line) == expected


@pytest.mark.parametrize("line", ['SET k "open', "SET k 'open", 'SET k "a"b', "SET k 'a'b"])
def test_split_args_rejects_what_redis_cli_rejects(line):
    with pytest.raises(ScriptSyntaxError):
        split_args(line)


def test_unknown_directive_is_an_error():
    with pytest.raises(ScriptSyntaxError):
        parse_script("!unorderd SMEMBERS s")


def test_replies_directive_reads_the_count():
    assert parse_script("!replies 3 SUBSCRIBE a b c") == [(1, "replies:3", [b"SUBSCRIBE", b"a", b"b", b"c"])]


def resp2_array(*items):
    return b"*%d\r\n" % len(items) + b"".join(b"$%d\r\n%s\r\n" % (len(i), i) for i in items)


def test_unordered_is_a_multiset():
    assert comparable(resp2_array(b"a", b"b"), "unordered") == comparable(resp2_array(b"b", b"a"), "unordered")
    assert comparable(resp2_array(b"a", b"a"), "unordered") != comparable(resp2_array(b"a"), "unordered")
    assert comparable(resp2_array(b"a", b"a", b"b"), "unordered") != \
        comparable(resp2_array(b"a", b"b", b"b"), "unordered")


def test_unordered_keeps_types():
    simple, bulk = b"*1\r\n+OK\r\n", b"*1\r\n$2\r\nOK\r\n"
    assert comparable(simple, "unordered") != comparable(bulk, "unordered")
    assert comparable(b"*1\r\n,1\r\n", "unordered") != comparable(b"*1\r\n$1\r\n1\r\n", "unordered")
    assert comparable(b"*1\r\n_\r\n", "unordered") != comparable(b"*1\r\n$-1\r\n", "unordered")
    assert comparable(b"*1\r\n*-1\r\n", "unordered") != comparable(b"*1\r\n$-1\r\n", "unordered")
    assert comparable(b"~1\r\n$1\r\na\r\n", "unordered") != comparable(b"*1\r\n$1\r\na\r\n", "unordered")


def test_pairs_keep_field_and_value_together():
    hgetall = resp2_array(b"f1", b"v1", b"f2", b"v2")
    reordered = resp2_array(b"f2", b"v2", b"f1", b"v1")
    swapped = resp2_array(b"v1", b"f1", b"f2", b"v2")
    crossed = resp2_array(b"f1", b"v2", b"f2", b"v1")
    assert comparable(hgetall, "pairs") == comparable(reordered, "pairs")
    assert comparable(hgetall, "pairs") != comparable(swapped, "pairs")
    assert comparable(hgetall, "pairs") != comparable(crossed, "pairs")
    # The same pairs as a plain multiset would not see the crossing.
    assert comparable(hgetall, "unordered") == comparable(crossed, "unordered")


def test_resp3_map_compares_pairs():
    m1 = b"%2\r\n$1\r\na\r\n:1\r\n$1\r\nb\r\n:2\r\n"
    m2 = b"%2\r\n$1\r\nb\r\n:2\r\n$1\r\na\r\n:1\r\n"
    crossed = b"%2\r\n$1\r\na\r\n:2\r\n$1\r\nb\r\n:1\r\n"
    assert comparable(m1, "unordered") == comparable(m2, "unordered")
    assert comparable(m1, "unordered") != comparable(crossed, "unordered")


def test_scan_forms_keep_the_cursor():
    page = resp2_array(b"a", b"b")
    assert comparable(b"*2\r\n$1\r\n0\r\n" + page, "scan") == \
        comparable(b"*2\r\n$1\r\n0\r\n" + resp2_array(b"b", b"a"), "scan")
    assert comparable(b"*2\r\n$1\r\n0\r\n" + page, "scan") != comparable(b"*2\r\n$1\r\n7\r\n" + page, "scan")
    pairs = resp2_array(b"m", b"1", b"n", b"2")
    assert comparable(b"*2\r\n$1\r\n0\r\n" + pairs, "scanpairs") != \
        comparable(b"*2\r\n$1\r\n0\r\n" + resp2_array(b"m", b"2", b"n", b"1"), "scanpairs")


def command_info(arity, first_key, subcommands=()):
    sub = b"*%d\r\n" % len(subcommands) + b"".join(subcommands)
    return (b"*10\r\n$3\r\ncmd\r\n:%d\r\n*1\r\n+write\r\n:%d\r\n:1\r\n:1\r\n*0\r\n*0\r\n*0\r\n" % (arity, first_key)
            + sub)


def test_command_info_compares_fields_in_place():
    one = b"*1\r\n" + command_info(2, 1)
    assert comparable(one, "commandinfo") == comparable(one, "commandinfo")
    assert comparable(one, "commandinfo") != comparable(b"*1\r\n" + command_info(-2, 1), "commandinfo")
    assert comparable(one, "commandinfo") != comparable(b"*1\r\n" + command_info(2, 0), "commandinfo")
    a, b = command_info(2, 1), command_info(3, 1)
    assert comparable(b"*1\r\n" + command_info(-2, 0, [a, b]), "commandinfo") == \
        comparable(b"*1\r\n" + command_info(-2, 0, [b, a]), "commandinfo")


def test_parse_typed_rejects_trailing_bytes():
    with pytest.raises(ValueError):
        parse_typed(b"+OK\r\n+OK\r\n")


def test_an_unread_reply_fails_the_script(corvid_server, redis_server):
    ours = RespConnection("127.0.0.1", corvid_server.port)
    theirs = RespConnection("127.0.0.1", redis_server.port)
    try:
        assert_nothing_unread(ours, theirs, "clean")
        ours.send_raw(ours.encode(["ECHO", "stray"]))  # a reply nobody reads
        with pytest.raises(Mismatch, match="unread"):
            assert_nothing_unread(ours, theirs, "stray")
    finally:
        ours.close()
        theirs.close()
