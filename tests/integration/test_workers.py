"""`--workers 2`: one port, two worker processes that each build the whole app from the
parent's final Settings. A worker that dies is replaced, SIGHUP replaces them all, one that
cannot start stops the service, and the parent itself never loads the app."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import ollama

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.servers import free_port
from tests.support.shim_process import ShimProcess, running_shim
from tests.support.sse_scripts import content_script

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO = [{"role": "user", "content": "hello"}]


def worker_env(lmstudio: LMStudioDouble, tmp_path: Path) -> dict[str, str]:
    # Flags override the environment in the workers too: the tests' flags win over these.
    return {
        "SHIM_LMSTUDIO_URL": lmstudio.url,
        "SHIM_STATE_DIR": str(tmp_path / "state"),
        "SHIM_LOG_FORMAT": "json",
        "SHIM_WORKERS": "3",
        "SHIM_OLLAMA_VERSION": "0.9.0",
    }


def wait_for_workers(
    shim: ShimProcess, count: int, exclude: frozenset[int] = frozenset()
) -> set[int]:
    deadline = time.monotonic() + 20
    while len(pids := shim.worker_pids() - exclude) < count:
        assert time.monotonic() < deadline, f"workers: {pids}"
        time.sleep(0.1)
    return pids


def a_serving_worker(shim: ShimProcess) -> int:
    """The worker that answered a request: started is not yet serving (a worker builds its app
    first), and the port answers only through workers that serve."""
    httpx.get(shim.url + "/healthz")
    return next(line["pid"] for line in shim.log_lines() if line["event"] == "request")


def test_two_workers_serve_the_ollama_client(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    lmstudio.chat_script = content_script(["Hel", "lo"])
    env = worker_env(lmstudio, tmp_path)
    flags = ("--workers", "2", "--ollama-version", "0.12.1")
    with running_shim(tmp_path / "log", env, *flags) as shim:
        workers = wait_for_workers(shim, 2)
        assert len(workers) == 2
        client = ollama.Client(host=shim.url)
        for _ in range(4):  # each on a new connection, whichever worker takes it
            assert MODEL + ":latest" in [m.model for m in client.list().models]
            assert client.chat(model=MODEL, messages=HELLO).message.content == "Hello"
            client = ollama.Client(host=shim.url)
        assert httpx.get(shim.url + "/api/version").json() == {"version": "0.12.1"}
    access = [line for line in shim.log_lines() if line["event"] == "request"]
    assert {line["path"] for line in access} >= {"/api/tags", "/api/chat", "/api/version"}
    assert {line["pid"] for line in access} <= workers, "each line names the worker that wrote it"


def test_a_worker_that_dies_is_replaced(lmstudio: LMStudioDouble, tmp_path: Path) -> None:
    with running_shim(tmp_path / "log", worker_env(lmstudio, tmp_path), "--workers", "2") as shim:
        workers = wait_for_workers(shim, 2)
        serving = a_serving_worker(shim)
        [other] = workers - {serving}
        os.kill(other, signal.SIGKILL)
        replaced = wait_for_workers(shim, 2, exclude=frozenset({other}))
        assert serving in replaced
        assert other not in replaced
        for _ in range(4):
            assert httpx.get(shim.url + "/api/tags").status_code == 200


def test_workers_stop_when_their_supervisor_is_killed(
    lmstudio: LMStudioDouble, tmp_path: Path
) -> None:
    """A supervisor killed outright (SIGKILL, the OOM killer) must not leave its workers serving
    the port with no one to stop them."""
    with running_shim(tmp_path / "log", worker_env(lmstudio, tmp_path), "--workers", "2") as shim:
        workers = wait_for_workers(shim, 2)
        shim.process.kill()
        shim.process.wait()
        deadline = time.monotonic() + 30
        while alive := {pid for pid in workers if Path(f"/proc/{pid}").exists()}:
            assert time.monotonic() < deadline, f"workers still running: {alive}"
            time.sleep(0.1)
    gone = [line for line in shim.log_lines() if line["event"] == "worker.supervisor_gone"]
    assert {line["pid"] for line in gone} == workers


def test_sighup_replaces_every_worker_while_the_service_answers(
    lmstudio: LMStudioDouble, tmp_path: Path
) -> None:
    with running_shim(tmp_path / "log", worker_env(lmstudio, tmp_path), "--workers", "2") as shim:
        old = wait_for_workers(shim, 2)
        shim.wait_until_workers_serve(old)
        shim.process.send_signal(signal.SIGHUP)
        deadline = time.monotonic() + 30
        while shim.worker_pids() & old or len(shim.worker_pids()) < 2:
            assert httpx.get(shim.url + "/api/version").status_code == 200
            assert time.monotonic() < deadline, f"still {shim.worker_pids()}"
            time.sleep(0.05)
        assert httpx.get(shim.url + "/api/tags").status_code == 200


def test_the_supervising_parent_never_loads_the_app() -> None:
    """It only binds the port and watches the workers, so it leaves the app's modules out."""
    probe = "import sys, shim.main.cli, shim.main.workers; print(sorted({'litestar', 'shim.main.app'} & set(sys.modules)))"
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"


def test_workers_that_cannot_start_stop_the_service_with_an_error(tmp_path: Path) -> None:
    """A broken install the parent never notices (it does not load the app) must not become
    workers restarted forever: each says why, and the service exits with an error."""
    (tmp_path / "litestar.py").write_text("raise ImportError('litestar is broken here')\n")
    path = os.pathsep.join(filter(None, [str(tmp_path), os.environ.get("PYTHONPATH")]))
    env = {**os.environ, "PYTHONPATH": path, "SHIM_BACKEND": "fake", "SHIM_LOG_FORMAT": "json"}
    command = [sys.executable, "-m", "shim", "serve", "--workers", "2", "--port", str(free_port())]
    stopped = subprocess.run(command, env=env, capture_output=True, text=True, timeout=60)
    assert stopped.returncode == 1
    failures = [line for line in stopped.stderr.splitlines() if "worker.startup_failed" in line]
    assert failures
    assert "litestar is broken here" in failures[0]
