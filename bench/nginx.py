"""deploy/nginx.conf, the documented example, made to run on loopback: the shims' and nginx's
own addresses put in, its files in a given directory. The bench and the tests both run it."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path

EXAMPLE = Path(__file__).resolve().parents[1] / "deploy" / "nginx.conf"
UPSTREAM_SERVER = re.compile(r"^([ \t]*)server \d+\.\d+\.\d+\.\d+:\d+( .*;)\n", re.MULTILINE)
TEMP_KINDS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def configured(upstreams: Sequence[str], port: int, directory: Path) -> str:
    """The example, listening on 127.0.0.1:`port` and passing to `upstreams` (host:port each)
    with the example's own server options."""
    example = EXAMPLE.read_text()
    first = UPSTREAM_SERVER.search(example)
    if first is None:
        raise ValueError(f"{EXAMPLE} lists no upstream server")
    indent, options = first.group(1), first.group(2)
    servers = "".join(f"{indent}server {upstream}{options}\n" for upstream in upstreams)
    text = UPSTREAM_SERVER.sub("", example)
    text = text.replace("upstream shims {\n", "upstream shims {\n" + servers, 1)
    text = text.replace("listen 11434;", f"listen 127.0.0.1:{port};", 1)
    temp_paths = "".join(f"    {kind}_temp_path {directory / kind};\n" for kind in TEMP_KINDS)
    return text.replace("http {\n", "http {\n" + temp_paths, 1)


def nginx_command(nginx: str, upstreams: Sequence[str], port: int, directory: Path) -> list[str]:
    """nginx in the foreground with the configuration written into `directory`; as root its
    workers stay root, as they write their temporary files there."""
    config = directory / "nginx.conf"
    config.write_text(configured(upstreams, port, directory))
    command = [nginx, "-p", str(directory), "-c", str(config), "-e", str(directory / "error.log")]
    return [*command, "-g", f"daemon off; pid {directory / 'nginx.pid'}; user root;"]
