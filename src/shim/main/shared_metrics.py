"""Where several workers keep their metrics: files under the state directory, emptied at start.

prometheus_client chooses its multiprocess mode when it is first imported, from
`PROMETHEUS_MULTIPROC_DIR`; the supervisor sets it before any worker exists, and never imports
the library itself.
"""

from __future__ import annotations

import os
import shutil
import sys
from collections.abc import MutableMapping
from pathlib import Path

from shim.main.config import Settings

MULTIPROC_ENV = "PROMETHEUS_MULTIPROC_DIR"


def shared_metrics_dir(settings: Settings) -> Path | None:
    """The directory the workers share their metrics in; None for a lone process."""
    if settings.workers == 1 or settings.metrics == "off":
        return None
    return Path(settings.state_dir) / "metrics"


def share_metrics(settings: Settings, environ: MutableMapping[str, str] = os.environ) -> None:
    """Before the workers start: an empty directory (values of an earlier run would add up),
    named where the library looks."""
    directory = shared_metrics_dir(settings)
    if directory is None:
        return
    if "prometheus_client" in sys.modules:
        raise RuntimeError("prometheus_client was imported before its multiprocess mode was set")
    shutil.rmtree(directory, ignore_errors=True)
    directory.mkdir(parents=True)
    environ[MULTIPROC_ENV] = str(directory)
