"""LATENCY (monitor and per-command histograms) and INFO latencystats, on corvid-server and
on redis-server 7.0.15.

Durations depend on the machine, so the scenarios use DEBUG SLEEP to produce durations
whose bucket is known (50 ms lies in the 2^25..2^26 ns step of the histogram: reported
at 67633 us) and compare exact bytes only where the reply cannot depend on timing.
"""

import re
import time

import pytest

from support.resp import connect


@pytest.fixture
def server(debug_server):
    return debug_server


@pytest.fixture
def conn(server):
    c = connect(server)
    c.call("CONFIG", "SET", "latency-monitor-threshold", "0")
    c.call("CONFIG", "SET", "latency-tracking", "yes")
    c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9")
    c.call("LATENCY", "RESET")
    c.call("CONFIG", "RESETSTAT")
    yield c
    c.call("CONFIG", "SET", "latency-monitor-threshold", "0")
    c.call("CONFIG", "SET", "latency-tracking", "yes")
    c.call("CONFIG", "SET", "latency-tracking-info-percentiles", "50 99 99.9")
    c.close()


def value(c, *args):
    return c.call(*args)[1]


def sleep_durations_ms(c):
    """DEBUG SLEEP durations from the slow log (10 ms threshold by default), in whole
    milliseconds as the latency monitor records them, by argument."""
    out = {}
    for entry in value(c, "SLOWLOG", "GET", "-1"):
        args = entry[3]
        if args[:2] == [b"DEBUG", b"SLEEP"]:
            assert args[2] not in out, "%r slept more than once" % args[2]
            out[args[2]] = entry[2] // 1000
    return out


def as_dict(reply):
    """A RESP3 map, or a RESP2 flat array of pairs, as a list of (key, value) pairs."""
    return [(reply[i], reply[i + 1]) for i in range(0, len(reply), 2)]


# --- the latency monitor


def test_command_over_threshold_is_sampled(conn):
    assert value(conn, "LATENCY", "LATEST") == []
    assert value(conn, "CONFIG", "SET", "latency-monitor-threshold", "10") == b"OK"
    conn.call("SLOWLOG", "RESET")
    before = int(time.time())
    conn.call("DEBUG", "SLEEP", "0.05")
    conn.call("DEBUG", "SLEEP", "0")  # under the threshold: not sampled
    after = int(time.time())
    latest = value(conn, "LATENCY", "LATEST")
    assert len(latest) == 1
    event, at, latency, worst = latest[0]
    assert event == b"command"
    assert before <= at <= after
    # The sample is the duration the server measured (the slow log has it in microseconds),
    # which a 50 ms sleep cannot undercut.
    assert latency == sleep_durations_ms(conn)[b"0.05"] and latency >= 50 and worst == latency
    history = value(conn, "LATENCY", "HISTORY", "command")
    assert history == [[at, latency]]
    assert value(conn, "LATENCY", "HISTORY", "fast-command") == []


def server_second(c):
    return int(value(c, "TIME")[0])


def test_samples_of_one_second_are_folded(conn):
    conn.call("CONFIG", "SET", "latency-monitor-threshold", "10")
    # Two samples are folded only if they fall in the same second of the server's clock;
    # TIME before and after tells whether they did, and an attempt that straddled a second
    # is made again.
    for _ in range(10):
        conn.call("LATENCY", "RESET")
        conn.call("SLOWLOG", "RESET")
        # Start right after a second turns, so that both sleeps are likely in one second.
        time.sleep(1 - (time.time() % 1) + 0.01)
        first = server_second(conn)
        conn.call("DEBUG", "SLEEP", "0.06")
        conn.call("DEBUG", "SLEEP", "0.03")
        if server_second(conn) == first:
            break
    else:
        raise AssertionError("no two DEBUG SLEEPs within one second in 10 attempts")
    # One sample for the second: the worst of the two, not the latest.
    durations = sleep_durations_ms(conn)
    history = value(conn, "LATENCY", "HISTORY", "command")
    assert history == [[first, max(durations[b"0.06"], durations[b"0.03"])]]
    assert history[0][1] >= 60
    # A later second gets its own sample; the all-time worst stays.
    for _ in range(100):
        if server_second(conn) != first:
            break
        time.sleep(0.05)
    else:
        raise AssertionError("the server's clock stays at second %d" % first)
    conn.call("DEBUG", "SLEEP", "0.02")
    later = sleep_durations_ms(conn)[b"0.02"]
    history = value(conn, "LATENCY", "HISTORY", "command")
    assert len(history) == 2 and history[0][0] < history[1][0]
    assert history[1][1] == later
    (_, _, latest, worst), = value(conn, "LATENCY", "LATEST")
    assert latest == later and worst == max(later, history[0][1])


def test_threshold_zero_samples_nothing(conn):
    conn.call("DEBUG", "SLEEP", "0.02")
    assert value(conn, "LATENCY", "LATEST") == []
    assert value(conn, "LATENCY", "HISTORY", "command") == []


def test_reset_counts_the_events_it_removed(conn):
    conn.call("CONFIG", "SET", "latency-monitor-threshold", "10")
    conn.call("DEBUG", "SLEEP", "0.02")
    assert conn.call("LATENCY", "RESET", "nosuch", "command", "command")[0] == b":1\r\n"
    assert value(conn, "LATENCY", "LATEST") == []
    conn.call("DEBUG", "SLEEP", "0.02")
    assert conn.call("LATENCY", "RESET")[0] == b":1\r\n"
    assert conn.call("LATENCY", "RESET")[0] == b":0\r\n"


def test_graph_shape(conn):
    assert conn.call("LATENCY", "GRAPH", "command")[0] == b"-ERR No samples available for event 'command'\r\n"
    conn.call("CONFIG", "SET", "latency-monitor-threshold", "10")
    conn.call("DEBUG", "SLEEP", "0.02")
    time.sleep(1.05)
    conn.call("DEBUG", "SLEEP", "0.06")
    raw, graph = conn.call("LATENCY", "GRAPH", "command")
    assert raw[:1] == b"$"
    lines = graph.decode().split("\n")
    assert re.fullmatch(r"command - high \d+ ms, low \d+ ms \(all time high \d+ ms\)", lines[0])
    assert lines[1] == "-" * 80
    # Four rows of marks (the higher sample reaches the top), a blank row, the age labels.
    assert lines[2:6] == [" #", " |", " |", "_|"]
    assert lines[6] == "  "
    assert re.fullmatch(r"\d\d", lines[7]) and lines[8] == "ss" and lines[9] == ""
    assert len(lines) == 10


def test_doctor_replies_text(conn):
    raw, report = conn.call("LATENCY", "DOCTOR")
    assert raw[:1] == b"$" and len(report) > 0
    conn.call("CONFIG", "SET", "latency-monitor-threshold", "10")
    conn.call("DEBUG", "SLEEP", "0.02")
    raw, report = conn.call("LATENCY", "DOCTOR")
    assert raw[:1] == b"$" and b"command" in report
    conn.call("HELLO", "3")
    raw, _ = conn.call("LATENCY", "DOCTOR")
    assert raw.startswith(b"=") and b"txt:" in raw[:20]


# --- per-command histograms


def test_histogram_of_a_command(debug_servers):
    replies = []
    for srv in debug_servers:
        c = connect(srv)
        c.call("CONFIG", "RESETSTAT")
        for _ in range(2):
            c.call("DEBUG", "SLEEP", "0.05")
        replies.append(c.call("LATENCY", "HISTOGRAM", "debug")[0])
        c.call("HELLO", "3")
        replies.append(c.call("LATENCY", "HISTOGRAM", "debug", "nosuch", "DEBUG")[0])
        c.close()
    assert replies[0] == replies[2]
    assert replies[1] == replies[3]
    assert replies[0] == (b"*2\r\n$5\r\ndebug\r\n*4\r\n$5\r\ncalls\r\n:2\r\n$14\r\nhistogram_usec\r\n"
                          b"*2\r\n:67633\r\n:2\r\n")
    assert replies[1].startswith(b"%2\r\n$5\r\ndebug\r\n%2\r\n$5\r\ncalls\r\n:2\r\n")


def test_histogram_calls_and_buckets(conn):
    for _ in range(5):
        conn.call("SET", "k", "v")
    conn.call("GET", "k")
    reply = value(conn, "LATENCY", "HISTOGRAM", "set", "get", "nosuch", "set")
    names = [name for name, _ in as_dict(reply)]
    assert names == [b"set", b"get", b"set"]
    calls = {}
    for name, histogram in as_dict(reply):
        fields = dict(as_dict(histogram))
        calls[name] = fields[b"calls"]
        buckets = as_dict(fields[b"histogram_usec"])
        counts = [count for _, count in buckets]
        assert counts == sorted(counts) and counts[-1] == fields[b"calls"]
        valid_keys = {(2 ** m + 2 ** (m - 7) - 1) // 1000 for m in range(10, 31)}
        assert all(key in valid_keys for key, _ in buckets)
    assert calls == {b"set": 5, b"get": 1}


def test_histogram_of_containers_and_subcommands(conn):
    # CONFIG RESETSTAT (in the fixture) cleared everything before it, then recorded itself.
    reply = value(conn, "LATENCY", "HISTOGRAM")
    assert [name for name, _ in as_dict(reply)] == [b"config|resetstat"]
    conn.call("CONFIG", "GET", "port")
    names = {name for name, _ in as_dict(value(conn, "LATENCY", "HISTOGRAM", "config"))}
    assert names == {b"config|resetstat", b"config|get"}
    names = [name for name, _ in as_dict(value(conn, "LATENCY", "HISTOGRAM", "CONFIG|GET"))]
    assert names == [b"config|get"]
    assert value(conn, "LATENCY", "HISTOGRAM", "config|nosuch", "get|x", "a|b|c") == []


def test_tracking_off_keeps_histograms_but_records_nothing(conn):
    conn.call("SET", "k", "v")
    conn.call("CONFIG", "SET", "latency-tracking", "no")
    conn.call("SET", "k", "v")
    (_, histogram), = as_dict(value(conn, "LATENCY", "HISTOGRAM", "set"))
    assert dict(as_dict(histogram))[b"calls"] == 1
    assert conn.call("INFO", "latencystats")[1] == b"# Latencystats\r\n"
    conn.call("CONFIG", "SET", "latency-tracking", "yes")
    conn.call("SET", "k", "v")
    (_, histogram), = as_dict(value(conn, "LATENCY", "HISTOGRAM", "set"))
    assert dict(as_dict(histogram))[b"calls"] == 2


def test_resetstat_clears_histograms(conn):
    conn.call("SET", "k", "v")
    conn.call("CONFIG", "RESETSTAT")
    assert value(conn, "LATENCY", "HISTOGRAM", "set") == []


# --- INFO latencystats


def test_info_latencystats(conn):
    conn.call("DEBUG", "SLEEP", "0.05")
    info = value(conn, "INFO", "latencystats").decode()
    lines = info.split("\r\n")
    assert lines[0] == "# Latencystats"
    debug = [line for line in lines if line.startswith("latency_percentiles_usec_debug:")]
    assert len(debug) == 1
    assert re.fullmatch(r"latency_percentiles_usec_debug:p50=(\d+\.\d{3}),p99=\1,p99\.9=\1", debug[0])
    assert any(line.startswith("latency_percentiles_usec_config|resetstat:p50=") for line in lines)

    conn.call("CONFIG", "SET", "latency-tracking-info-percentiles", "0 100 12.5")
    info = value(conn, "INFO", "latencystats").decode()
    debug = re.search(r"latency_percentiles_usec_debug:p0=(\d+\.\d{3}),p100=(\d+\.\d{3}),p12\.5=\2\r\n", info)
    assert debug and float(debug.group(1)) < float(debug.group(2))
    # 50 ms lies in a step of 262.144 us: p0 is where it starts, p100 where it ends.
    assert round(float(debug.group(2)) - float(debug.group(1)), 3) == 262.143
    assert round(float(debug.group(1)) * 1000) % 262144 == 0

    conn.call("CONFIG", "SET", "latency-tracking-info-percentiles", "")
    info = value(conn, "INFO", "latencystats").decode()
    assert "latency_percentiles_usec_debug:\r\n" in info


def test_info_sections(conn):
    assert b"# Latencystats\r\n" in value(conn, "INFO", "all")
    assert b"# Latencystats\r\n" in value(conn, "INFO", "everything")
    assert b"# Latencystats" not in value(conn, "INFO")
    everything = value(conn, "INFO", "everything").decode()
    headers = re.findall(r"^# (\w+)", everything, re.M)
    assert headers[headers.index("Errorstats") + 1] == "Latencystats"
    assert headers[headers.index("Latencystats") + 1] == "Cluster"


# --- exact replies and errors


@pytest.mark.parametrize("args", [
    ("LATENCY", "HELP"),
    ("LATENCY", "help"),
    ("LATENCY",),
    ("LATENCY", "nosuch"),
    ("LATENCY", "HISTORY"),
    ("LATENCY", "HISTORY", "a", "b"),
    ("LATENCY", "GRAPH"),
    ("LATENCY", "GRAPH", "nosuch"),
    ("LATENCY", "LATEST", "x"),
    ("LATENCY", "DOCTOR", "x"),
    ("LATENCY", "HELP", "x"),
    ("LATENCY", "HISTOGRAM", "nosuch"),
    ("CONFIG", "GET", "latency-tracking"),
    ("CONFIG", "GET", "latency-tracking-info-percentiles"),
])
def test_exact_replies(debug_servers, args):
    replies = []
    for srv in debug_servers:
        c = connect(srv)
        replies.append(c.call(*args)[0])
        c.close()
    assert replies[0] == replies[1]
