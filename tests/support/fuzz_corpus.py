"""Reading a fuzz target's corpus (fuzz/corpus/<target>/) for tests that replay it against
redis-server."""

import os

from support.servers import REPO


def corpus_inputs(target):
    """The bytes of every non-empty input of the target's corpus, by file name."""
    directory = os.path.join(REPO, "fuzz", "corpus", target)
    inputs = []
    for name in sorted(os.listdir(directory)):
        with open(os.path.join(directory, name), "rb") as f:
            data = f.read()
        if data:
            inputs.append(data)
    return inputs
