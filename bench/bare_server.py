"""How every bare benchmark server is run: uvicorn with uvloop and httptools, nothing else."""

from __future__ import annotations

import sys
from typing import Any

import uvicorn


def run_bare(app: Any) -> None:
    """Serve `app` on the loopback port given as the first argument, as lean as uvicorn goes."""
    uvicorn.run(
        app,
        host="127.0.0.1",
        port=int(sys.argv[1]),
        loop="uvloop",
        http="httptools",
        access_log=False,
        log_level="warning",
        lifespan="off",
    )
