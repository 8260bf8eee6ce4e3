"""A worker still building its app stops on SIGTERM, although it inherited a handler of the
supervisor's that would swallow the signal."""

import multiprocessing
import signal
import time
from collections.abc import Callable
from multiprocessing.synchronize import Event

from shim.main.supervisor_watch import default_stop_signals


def _building_worker(ready: Event, reset: Callable[[], None] | None) -> None:
    if reset is not None:
        reset()
    ready.set()
    time.sleep(30)  # a slow app build


def _stopped_by_sigterm(reset: Callable[[], None] | None) -> int | None:
    context = multiprocessing.get_context("fork")
    swallowed = signal.signal(signal.SIGTERM, lambda *_: None)  # as the supervisor's handler
    try:
        ready = context.Event()
        worker = context.Process(target=_building_worker, args=(ready, reset))
        worker.start()
    finally:
        signal.signal(signal.SIGTERM, swallowed)
    assert ready.wait(10)
    worker.terminate()
    worker.join(5)
    if worker.is_alive():
        worker.kill()
        worker.join()
        return None
    return worker.exitcode


def test_a_worker_building_its_app_stops_on_sigterm() -> None:
    assert _stopped_by_sigterm(default_stop_signals) == -signal.SIGTERM


def test_without_the_reset_the_inherited_handler_swallows_sigterm() -> None:
    assert _stopped_by_sigterm(None) is None
