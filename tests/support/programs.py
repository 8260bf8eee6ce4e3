"""Programs from the system's packages that some tests start (redis-server, nginx).

Without one, those tests skip and say why; under CI (the CI variable set) they fail instead,
since CI installs them and a skip there would hide that the tests never ran.
"""

from __future__ import annotations

import os
import shutil

import pytest

SEARCH_PATH = os.pathsep.join([os.environ.get("PATH", ""), "/usr/sbin", "/usr/local/sbin"])


def program(name: str) -> str:
    """The program's path; skips the test (fails it under CI) when it is not installed."""
    found = shutil.which(name, path=SEARCH_PATH)
    if found is not None:
        return found
    why = f"{name} is not installed (Debian's package of that name: apt-get install {name})"
    if os.environ.get("CI"):
        pytest.fail(why + "; CI must run these tests", pytrace=False)
    pytest.skip(why)
