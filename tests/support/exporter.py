"""Running prometheus-redis-exporter against a server and reading its /metrics page."""

import http.client
import subprocess
import tempfile
import time
import urllib.request

from support.servers import free_port


class ExporterExited(Exception):
    """The exporter stopped before answering (its port was taken meanwhile, say)."""


def fetch_metrics(port, proc, deadline):
    last_error = None
    while time.time() < deadline:
        try:
            with urllib.request.urlopen("http://127.0.0.1:%d/metrics" % port, timeout=5) as response:
                return response.read().decode()
        except (OSError, http.client.HTTPException) as error:
            last_error = error
            if proc.poll() is not None:
                raise ExporterExited()
            time.sleep(0.1)
    raise AssertionError("exporter did not answer: %s" % last_error)


def start_exporter(exporter, redis_port):
    """Starts the exporter (with --debug, so that it logs every command it sends) on a free
    port; returns (process, port, first scrape). A port another program takes between
    free_port() and the exporter's bind is replaced by a new one. The log goes to a file:
    a pipe nobody reads until the end would fill up and stall the exporter."""
    for _ in range(5):
        port = free_port()
        log = tempfile.TemporaryFile()
        proc = subprocess.Popen([exporter, "--debug", "--redis.addr=redis://127.0.0.1:%d" % redis_port,
                                 "--web.listen-address=127.0.0.1:%d" % port], stdout=log, stderr=subprocess.STDOUT)
        proc.log = log
        try:
            return proc, port, fetch_metrics(port, proc, time.time() + 15)
        except ExporterExited:
            output = stop(proc)
        except BaseException:
            stop(proc)
            raise
    raise AssertionError("the exporter could not listen on any of five free ports:\n" + output)


def stop(proc):
    """Stops the exporter; returns its output."""
    proc.terminate()
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        proc.kill()
        proc.wait()
    proc.log.seek(0)
    output = proc.log.read().decode(errors="replace")
    proc.log.close()
    return output
