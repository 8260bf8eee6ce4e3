"""The compiled peers: two other Ollama bridges, measured beside shim on the same stand-in.

Their ready-built binaries and configs come from a `shared/peers` directory beside the
repository (or /work/shared/peers); without it, or on a machine the binaries cannot run on,
each peer is skipped and says why. Each binary is unpacked into the run's temporary directory
and unlinked once running, so ~28 MB is never left behind, not even among the logs kept after a
failed run.
"""

from __future__ import annotations

import asyncio
import gzip
import platform
import shutil
import sys
from dataclasses import dataclass, field
from pathlib import Path

from bench.client import Pool
from bench.figures import MODEL, ollama_chat
from bench.procs import BENCH, Server

PLACES = (BENCH.parent.parent / "shared" / "peers", Path("/work/shared/peers"))
# Both peers accept only the model names their config lists; the shipped configs name this one.
RENAME = ("qwen/qwen3-4b", MODEL)


@dataclass(frozen=True)
class Peer:
    project: str
    binary: str  # gzipped, as `<binary>.gz`
    config: str
    args: tuple[str, ...] = ()  # after the binary; {config}: the adapted config, {port}: its port
    env: dict[str, str] = field(default_factory=dict)  # besides EMU_PORT, the stand-in's port
    edits: tuple[tuple[str, str], ...] = (RENAME,)  # (old, new) in the shipped config: all apply


PEERS = {
    "k0in": Peer(
        "K0IN/openai-ollama-proxy (Go, net/http)",
        "k0in-proxy",
        "k0in-bench.toml",
        env={"PEER_PORT": "{port}", "CONFIG_FILE": "{config}"},
    ),
    "swappo": Peer(
        "yuxhuang/llama-swappo b21ecd5 (Go, gin)",
        "llama-swap",
        "swappo-bench.yaml",
        args=("-config", "{config}", "-listen", "127.0.0.1:{port}"),
        # llama-swap admits 10 requests at once per model and answers the rest 429 at once, with
        # no queue: raised above the bench's 200 concurrent streams, so that all are served.
        edits=(RENAME, ("\n    proxy:", "\n    concurrencyLimit: 1000\n    proxy:")),
    ),
}


def place() -> Path | str:
    """The peers directory, or why there is none to use."""
    if sys.platform != "linux" or platform.machine() != "x86_64":
        return f"the binaries are for linux x86-64, this is {sys.platform} {platform.machine()}"
    found = next((p for p in PLACES if p.is_dir()), None)
    return found or f"no peers directory ({' or '.join(map(str, PLACES))})"


def launch(name: str, peer: Peer, source: Path, temp: Path, standin: Server) -> Server | str:
    """Start the peer on a free port, in front of the stand-in; or say why it cannot."""
    archive, shipped = source / f"{peer.binary}.gz", source / peer.config
    missing = [path.name for path in (archive, shipped) if not path.is_file()]
    if missing:
        return f"no {' or '.join(missing)} in {source}"
    text, binary, config = shipped.read_text(), temp / peer.binary, temp / peer.config
    for old, new in peer.edits:
        if old not in text:
            return f"{shipped} no longer has {old.strip()!r} to change"
        text = text.replace(old, new)
    config.write_text(text)
    with gzip.open(archive) as packed, binary.open("wb") as out:
        shutil.copyfileobj(packed, out)
    binary.chmod(0o755)
    args = [arg.replace("{config}", str(config)) for arg in peer.args]
    env = {k: v.replace("{config}", str(config)) for k, v in peer.env.items()}
    server = Server(name, [str(binary), *args], env | {"EMU_PORT": str(standin.port)}, temp)
    binary.unlink()  # exec has mapped it: the running process keeps it
    return server


async def start(temp: Path, servers: dict[str, Server]) -> list[str]:
    """Start every peer that can run, each answering before use, adding it to `servers`; returns
    one line per peer: what it is, or why it was skipped."""
    source, notes = place(), []
    for name, peer in PEERS.items():
        if isinstance(source, str):
            notes.append(f"{name}: skipped: {source}")
        else:
            notes.append(f"{name}: {await bring_up(name, peer, source, temp, servers)}")
        print(f"  {notes[-1]}", flush=True)
    return notes


async def bring_up(
    name: str, peer: Peer, source: Path, temp: Path, servers: dict[str, Server]
) -> str:
    """A peer that fails to start is skipped, its error printed in full: shim's figures go on."""
    try:
        started = launch(name, peer, source, temp, servers["standin"])
        if isinstance(started, str):
            return f"skipped: {started}"
        servers[name] = started
        await started.ready("/api/tags")
        await warm_up(started)
    except (OSError, RuntimeError, TimeoutError) as error:
        print(f"  {name} did not start: {error}", flush=True)
        if name in servers:
            servers.pop(name).stop()
        return f"skipped: did not start: {str(error).splitlines()[0].rstrip(':')}"
    return f"{peer.project}, from {source}"


async def warm_up(server: Server) -> None:
    """One chat before any figure: llama-swappo starts its model's process (for the stand-in, a
    placeholder) on the first request for it, which takes ~300 ms."""
    pool, call = Pool(server.port), ollama_chat(8, stream=False)
    try:
        async with asyncio.timeout(30):
            await pool.request("POST", call.path, call.body)
    finally:
        pool.close()
