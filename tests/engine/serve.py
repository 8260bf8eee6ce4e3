"""Run llama.cpp's HTTP server (embedded in xllamacpp) on loopback until this process is ended.

    python -m tests.engine.serve --model tiny.gguf --port 18080 --alias tiny-test

Meant to run as a child of the test session (see `llama_server.py`), so that a crash in native
code cannot take pytest down and a hung server can be killed. SIGTERM ends it.
"""

from __future__ import annotations

import argparse
import threading
from collections.abc import Sequence

import xllamacpp


def parse_arguments(argv: Sequence[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m tests.engine.serve")
    parser.add_argument("--model", required=True, help="path of a GGUF file")
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--alias", required=True, help="the model's name in the API")
    parser.add_argument("--context", type=int, default=8192, help="shared by all slots")
    parser.add_argument("--parallel", type=int, default=2, help="requests served at once")
    # More threads only spin against each other on a small, busy machine; the model is tiny.
    parser.add_argument("--threads", type=int, default=1)
    return parser.parse_args(argv)


def server_params(arguments: argparse.Namespace) -> xllamacpp.CommonParams:
    """What llama-server's flags would say: --jinja --embedding --pooling mean, on 127.0.0.1."""
    params = xllamacpp.CommonParams()
    params.model.path = arguments.model
    params.model_alias = {arguments.alias}
    params.hostnames = ["127.0.0.1"]
    params.port = arguments.port
    params.n_ctx = arguments.context
    params.n_parallel = arguments.parallel
    params.cpuparams.n_threads = arguments.threads
    params.cpuparams_batch.n_threads = arguments.threads
    params.use_jinja = True
    params.embedding = True
    params.pooling_type = xllamacpp.llama_pooling_type.LLAMA_POOLING_TYPE_MEAN
    return params


def main(argv: Sequence[str] | None = None) -> None:
    server = xllamacpp.Server(server_params(parse_arguments(argv)))
    print(f"llama.cpp server listening on {server.listening_address}", flush=True)
    # The server answers from its own threads; this one only keeps the process (and `server`)
    # alive until the default SIGTERM action ends it.
    threading.Event().wait()


if __name__ == "__main__":
    main()
