"""Every script in cases/ must get identical replies from corvid-server and redis-server 7.0."""

import glob
import os

import pytest

from differential.harness import run_script

CASES = sorted(glob.glob(os.path.join(os.path.dirname(__file__), "cases", "*.txt")))


@pytest.mark.parametrize("path", CASES, ids=[os.path.basename(p)[:-4] for p in CASES])
def test_script(path, corvid_server, redis_server):
    with open(path) as f:
        run_script(f.read(), corvid_server.port, redis_server.port, name=os.path.basename(path))
