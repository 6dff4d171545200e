"""Every script in cases/ must get identical replies from corvid-server and redis-server 7.0.
Scripts named debug_*.txt run on a pair started with enable-debug-command yes."""

import glob
import os

import pytest

from differential.harness import run_script

ALL_CASES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "cases", "*.txt")))
DEBUG_CASES = [p for p in ALL_CASES if os.path.basename(p).startswith("debug_")]
CASES = [p for p in ALL_CASES if p not in DEBUG_CASES]


def _ids(paths):
    return [os.path.basename(p)[:-4] for p in paths]


def _run(path, corvid, redis_server):
    with open(path) as f:
        run_script(f.read(), corvid.port, redis_server.port, name=os.path.basename(path))


@pytest.mark.parametrize("path", CASES, ids=_ids(CASES))
def test_script(path, corvid_server, redis_server):
    _run(path, corvid_server, redis_server)


@pytest.mark.parametrize("path", DEBUG_CASES, ids=_ids(DEBUG_CASES))
def test_debug_script(path, debug_servers):
    _run(path, *debug_servers)
