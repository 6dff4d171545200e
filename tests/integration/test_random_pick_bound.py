"""Random picks with repeats (a negative count) are bounded.

Redis 7.0 builds a reply of whatever size is asked for: SRANDMEMBER/HRANDFIELD/
ZRANDMEMBER with a count near -2^63 would exhaust memory. Corvid refuses counts past
2^24 picks with "ERR value is out of range" and serves smaller ones as Redis does.
"""

import pytest
import redis

LIMIT = 1 << 24


@pytest.mark.parametrize("command,setup,members", [
    ("SRANDMEMBER", lambda r: r.sadd("k", "a", "b", "c"), {"a", "b", "c"}),
    ("HRANDFIELD", lambda r: r.hset("k", mapping={"a": "1", "b": "2"}), {"a", "b"}),
    ("ZRANDMEMBER", lambda r: r.zadd("k", {"a": 1, "b": 2}), {"a", "b"}),
])
def test_huge_negative_counts_are_refused(r, command, setup, members):
    setup(r)
    for count in (-(LIMIT + 1), -4000000000000000000, -9223372036854775807):
        with pytest.raises(redis.ResponseError, match="^value is out of range$"):
            r.execute_command(command, "k", count)
    # Within the bound, exactly |count| picks, every one of them from the key.
    picks = r.execute_command(command, "k", -1000)
    assert len(picks) == 1000
    assert set(picks) <= members, sorted(set(picks) - members)
    # With 1000 picks from two or three, missing one would take a (2/3)^1000 chance.
    assert set(picks) == members
    # A missing key still answers before the count is weighed, as in Redis.
    assert r.execute_command(command, "missing", -(LIMIT + 1)) == []
    # The server is still there.
    assert r.ping()
