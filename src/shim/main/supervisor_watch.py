"""A worker's ties to its supervisor: stop signals that work while the worker is still building
its app, and an end when the supervisor is gone.

A forked worker inherits the supervisor's Python signal handlers until Granian installs the
worker's own, just before serving; until then a SIGTERM from the supervisor ran the inherited
handler in the worker's copy of the supervisor and was lost, and the worker went on to serve
with no one to stop it. A supervisor killed outright (SIGKILL, the OOM killer) leaves its
workers to init; they notice and stop instead of holding the port unmanaged."""

from __future__ import annotations

import os
import signal
import threading
import time

import structlog

log = structlog.get_logger(__name__)

CHECK_SECONDS = 1.0


def default_stop_signals() -> None:
    """Until Granian takes them over, a stop ends the worker, which serves nothing yet."""
    signal.signal(signal.SIGTERM, signal.SIG_DFL)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def stop_when_supervisor_goes(check_seconds: float = CHECK_SECONDS) -> threading.Thread:
    supervisor = os.getppid()
    watch = threading.Thread(
        target=_watch, args=(supervisor, check_seconds), name="supervisor-watch", daemon=True
    )
    watch.start()
    return watch


def _watch(supervisor: int, check_seconds: float) -> None:
    while True:
        time.sleep(check_seconds)
        if os.getppid() != supervisor:
            log.warning("worker.supervisor_gone", supervisor_pid=supervisor)
            # The worker's own stop signal: Granian's handler drains it like any stop.
            os.kill(os.getpid(), signal.SIGTERM)
            return
