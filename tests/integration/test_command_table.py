"""Every command Corvid has must describe itself exactly as Redis 7.0 does.

This is the tool for fixing a family's table: it asks both servers for COMMAND INFO and
COMMAND DOCS of every command (and subcommand) Corvid knows and lists each difference as
"<command>: <field>: corvid=... redis=...". Run one family's rows with e.g.
    CORVID_COMMANDS=get,set,object pytest -q tests/integration/test_command_table.py
"""

import os

from support.resp import Map, RespConnection


def _plain(value):
    """RESP3 reply -> comparable Python values (maps to dicts, sets kept as ordered lists)."""
    if isinstance(value, Map):
        keys = [_plain(value[i]) for i in range(0, len(value), 2)]
        # A key given twice would vanish into the dict: a malformed map must not compare equal.
        assert len(set(keys)) == len(keys), "a map repeats a key: %r" % keys
        return dict(zip(keys, (_plain(value[i]) for i in range(1, len(value), 2))))
    if isinstance(value, list):  # Set and Push are lists too: Redis's order is fixed, keep it
        return [_plain(v) for v in value]
    if isinstance(value, bytes):
        return value.decode(errors="replace")
    return value


def _connect(port):
    conn = RespConnection("127.0.0.1", port)
    conn.call("HELLO", "3")
    return conn


def _call(conn, *args):
    return _plain(conn.call(*args)[1])


# Commands Corvid has on purpose although Redis 7.0 does not (CLIENT SETINFO is 7.2's).
# Commands newer than the 7.0.15 oracle, built from the Redis documentation.
INTENTIONAL_EXTRAS = {
    "client|setinfo",
    # Hash field expiry (Redis 7.4 and 8.0).
    "hexpire", "hpexpire", "hexpireat", "hpexpireat", "httl", "hpttl", "hexpiretime", "hpexpiretime", "hpersist",
    "hgetdel", "hgetex", "hsetex",
}

# Subcommands of existing containers whose features are later issues (client-side caching,
# blocking commands). The test checks they are still absent, so that whoever adds one
# also removes it from here and gets the row compared.
NOT_BUILT_YET = {"script|debug"}


def _corvid_commands(conn):
    names = _call(conn, "COMMAND", "LIST")
    wanted = os.environ.get("CORVID_COMMANDS")
    if wanted:
        chosen = {w.strip().lower() for w in wanted.split(",") if w.strip()}
        names = [n for n in names if n in chosen or n.split("|")[0] in chosen]
    return [n for n in names if n not in INTENTIONAL_EXTRAS]


INFO_FIELDS = ("name", "arity", "flags", "first_key", "last_key", "step", "acl_categories", "tips", "key_specs",
               "subcommands")


def _info_differences(name, ours, theirs):
    if theirs is None:
        return ["%s: not a Redis 7.0 command" % name]
    if ours is None:
        return ["%s: COMMAND INFO on corvid returned nothing" % name]
    diffs = []
    if not len(ours) == len(theirs) == len(INFO_FIELDS):
        # zip below would stop at the shortest: a missing or extra field must be a difference.
        diffs.append("%s: %d fields: corvid=%d redis=%d" % (name, len(INFO_FIELDS), len(ours), len(theirs)))
    for field, a, b in zip(INFO_FIELDS, ours, theirs):
        if field == "subcommands":
            # Checked row by row, since each subcommand is its own row; Redis orders them by hash.
            a_names = sorted(entry[0] for entry in a if entry[0] not in INTENTIONAL_EXTRAS)
            b_names = sorted(entry[0] for entry in b if entry[0] not in NOT_BUILT_YET)
            built_early = NOT_BUILT_YET & set(a_names)
            if built_early:
                diffs.append("%s: remove %s from NOT_BUILT_YET" % (name, sorted(built_early)))
            if a_names != b_names:
                diffs.append("%s: subcommands: corvid=%s redis=%s" % (name, a_names, b_names))
        elif a != b:
            diffs.append("%s: %s: corvid=%r redis=%r" % (name, field, a, b))
    return diffs


# COMMAND DOCS fields: the short ones every table should have right, and the argument
# trees (what redis-cli shows as hints) which are long to write. Summaries and the text
# of history entries are prose, which Corvid words itself: only their presence and the
# history versions are compared.
DOCS_TEXT_FIELDS = ("since", "group", "complexity", "doc_flags", "deprecated_since", "replaced_by")
DOCS_TREE_FIELDS = ("history", "arguments")


def _prose_free(field, value):
    if field == "history" and value is not None:
        return [entry[0] for entry in value]
    return value


def _docs_differences(name, ours, theirs, fields, every_field_present=False):
    diffs = []
    if ("summary" in ours) != ("summary" in theirs):
        diffs.append("%s: docs summary present: corvid=%s redis=%s" % (name, "summary" in ours, "summary" in theirs))
    if every_field_present and set(ours) != set(theirs):
        diffs.append("%s: docs fields only in corvid=%s only in redis=%s" %
                     (name, sorted(set(ours) - set(theirs)), sorted(set(theirs) - set(ours))))
    for field in fields:
        a, b = _prose_free(field, ours.get(field)), _prose_free(field, theirs.get(field))
        if a != b:
            diffs.append("%s: docs %s: corvid=%r redis=%r" % (name, field, a, b))
    return diffs


def _report(title, diffs):
    return "%s (%d):\n  %s" % (title, len(diffs), "\n  ".join(diffs))


def test_command_info_matches_redis(corvid_server, redis_server):
    ours = _connect(corvid_server.port)
    theirs = _connect(redis_server.port)
    try:
        diffs = []
        for name in _corvid_commands(ours):
            [a] = _call(ours, "COMMAND", "INFO", name)
            [b] = _call(theirs, "COMMAND", "INFO", name)
            diffs.extend(_info_differences(name, a, b))
    finally:
        ours.close()
        theirs.close()
    assert not diffs, _report("COMMAND INFO rows that differ from Redis 7.0", diffs)


def _compare_docs(corvid_server, redis_server, fields, every_field_present=False):
    ours = _connect(corvid_server.port)
    theirs = _connect(redis_server.port)
    try:
        diffs = []
        for name in _corvid_commands(ours):
            a = _call(ours, "COMMAND", "DOCS", name)
            b = _call(theirs, "COMMAND", "DOCS", name)
            if not b:
                diffs.append("%s: not a Redis 7.0 command" % name)
                continue
            if sorted(a) != sorted(b):
                diffs.append("%s: docs rows: corvid=%s redis=%s" % (name, sorted(a), sorted(b)))
            a = a.get(name, {})
            diffs.extend(_docs_differences(name, a, b[name], fields, every_field_present))
    finally:
        ours.close()
        theirs.close()
    return diffs


def test_command_docs_match_redis(corvid_server, redis_server):
    diffs = _compare_docs(corvid_server, redis_server, DOCS_TEXT_FIELDS, every_field_present=True)
    assert not diffs, _report("COMMAND DOCS fields that differ from Redis 7.0", diffs)


def test_command_docs_arguments_match_redis(corvid_server, redis_server):
    diffs = _compare_docs(corvid_server, redis_server, DOCS_TREE_FIELDS)
    assert not diffs, _report("COMMAND DOCS arguments/history that differ from Redis 7.0", diffs)


def test_every_subcommand_is_listed_under_its_container(corvid_server):
    conn = _connect(corvid_server.port)
    try:
        names = _call(conn, "COMMAND", "LIST")
        containers = {n.split("|")[0] for n in names if "|" in n}
        for container in containers:
            [info] = _call(conn, "COMMAND", "INFO", container)
            listed = sorted(entry[0] for entry in info[9])
            assert listed == sorted(n for n in names if n.startswith(container + "|"))
    finally:
        conn.close()
