"""String commands on inputs too long for the scripted differential cases, replayed on
corvid-server and redis-server 7.0 with byte-exact replies."""

import pytest

from support.resp import RespConnection


@pytest.fixture
def both(corvid_server, redis_server):
    conns = [RespConnection("127.0.0.1", corvid_server.port), RespConnection("127.0.0.1", redis_server.port)]

    def call(*args):
        ours, theirs = (c.call(*args)[0] for c in conns)
        assert ours == theirs, "%r\n  corvid: %r\n  redis:  %r" % (args[:3], ours[:200], theirs[:200])
        return ours

    # Other tests share these servers and may leave these keys behind, of any type.
    for c in conns:
        c.call("DEL", "f", "g", "a", "b", "s")
    yield call
    for c in conns:
        c.close()


@pytest.mark.parametrize("length", [5118, 5119, 5120, 5121, 8000])
def test_incrbyfloat_long_numbers(both, length):
    # Redis refuses float texts of 5120 bytes or more, stored or given.
    number = "1." + "0" * (length - 2)
    both("SET", "f", number)
    both("INCRBYFLOAT", "f", "1")
    both("INCRBYFLOAT", "g", number)
    both("INCRBYFLOAT", "g", "0." + "0" * (length - 3) + "1")
    both("INCRBYFLOAT", "g", "1" + "0" * 400)


def test_long_integers_are_not_integers(both):
    both("SET", "f", "1" * 25)
    both("INCR", "f")
    both("INCRBY", "g", "1" * 25)
    both("SET", "f", "0" * 30)
    both("INCRBYFLOAT", "f", "1")


def test_lcs_on_longer_strings(both):
    a = "".join("ACGT"[(i * 7 + i // 3) % 4] for i in range(600))
    b = "".join("ACGT"[(i * 5 + i // 2) % 4] for i in range(500))
    both("MSET", "a", a, "b", b)
    both("LCS", "a", "b")
    both("LCS", "a", "b", "LEN")
    both("LCS", "a", "b", "IDX")
    both("LCS", "a", "b", "IDX", "MINMATCHLEN", "3", "WITHMATCHLEN")
    both("LCS", "b", "a", "IDX", "WITHMATCHLEN")


def test_big_values_round_trip(both):
    value = "".join(chr(32 + i % 90) for i in range(300000))
    both("SET", "s", value)
    both("GET", "s")
    both("SET", "s", value[:250000])
    both("GET", "s")
    both("SET", "s", value[:100], "GET")
    both("APPEND", "s", value)
    both("GETRANGE", "s", "1000", "1100")
    both("SETRANGE", "s", "299990", value[:50])
    both("STRLEN", "s")
    both("GETRANGE", "s", "-60", "-1")
    both("GETDEL", "s")
