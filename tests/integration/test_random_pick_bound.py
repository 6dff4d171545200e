"""Random picks with repeats (a negative count) are bounded.

Redis 7.0 builds a reply of whatever size is asked for: SRANDMEMBER/HRANDFIELD/
ZRANDMEMBER with a count near -2^63 would exhaust memory. Corvid refuses counts past
2^24 picks with "ERR value is out of range" and serves smaller ones as Redis does.
"""

import pytest
import redis

LIMIT = 1 << 24


@pytest.mark.parametrize("command,setup", [
    ("SRANDMEMBER", lambda r: r.sadd("k", "a", "b", "c")),
    ("HRANDFIELD", lambda r: r.hset("k", mapping={"a": "1", "b": "2"})),
    ("ZRANDMEMBER", lambda r: r.zadd("k", {"a": 1, "b": 2})),
])
def test_huge_negative_counts_are_refused(r, command, setup):
    setup(r)
    for count in (-(LIMIT + 1), -4000000000000000000, -9223372036854775807):
        with pytest.raises(redis.ResponseError, match="^value is out of range$"):
            r.execute_command(command, "k", count)
    assert len(r.execute_command(command, "k", -1000)) == 1000
    # A missing key still answers before the count is weighed, as in Redis.
    assert r.execute_command(command, "missing", -(LIMIT + 1)) == []
    # The server is still there.
    assert r.ping()
