"""The project's two entry points, needing nothing but Python 3.11+.

    python3 tasks.py serve [shim flags]   install, then start shim (127.0.0.1:11434);
                                          `serve --help` lists the flags
    python3 tasks.py doctor [shim flags]  install, then check the connection to LM Studio
    python3 tasks.py test [pytest args]   install, then lint and run the whole test suite

The tests of several shims need redis-server and nginx; on Debian or Ubuntu `test` installs them
with apt when they are missing and it may (as root, or with sudo that asks no password).

uv runs everything from the committed lock file. When uv is not installed it is bootstrapped into
a private virtual environment (.tools/), which works even where the system pip refuses to install.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import sys
import venv
from pathlib import Path

ROOT = Path(__file__).resolve().parent
TOOLS = ROOT / ".tools"
JS_DIR = ROOT / "tests" / "js"
CHECKS = (
    ("ruff", "check", "."),
    ("ruff", "format", "--check", "."),
    ("mypy",),
    ("lint-imports",),
)
PYTEST_NO_TESTS = 5
SYSTEM_PROGRAMS = {"redis-server": "redis-server", "nginx": "nginx"}  # program: Debian package
SBIN = os.pathsep.join(["/usr/sbin", "/usr/local/sbin"])


def uv() -> list[str]:
    found = shutil.which("uv")
    if found:
        return [found]
    bindir = TOOLS / ("Scripts" if os.name == "nt" else "bin")
    local = bindir / ("uv.exe" if os.name == "nt" else "uv")
    if not local.exists():
        print("tasks: bootstrapping uv into .tools/", file=sys.stderr)
        venv.EnvBuilder(with_pip=True, clear=True).create(TOOLS)
        subprocess.run([str(bindir / "python"), "-m", "pip", "install", "-q", "uv"], check=True)
    return [str(local)]


def install(*options: str) -> int:
    """The locked dependencies, under a header of their own (uv reports what it installs).
    Inexact: whatever else the environment holds stays."""
    print("tasks: installing from uv.lock", file=sys.stderr, flush=True)
    command = [*uv(), "sync", "--locked", "--inexact", *options]
    return subprocess.run(command, cwd=ROOT).returncode


def run(*command: str) -> int:
    return subprocess.run([*uv(), "run", "--locked", *command], cwd=ROOT).returncode


def serve(args: list[str]) -> int:
    if install("--no-dev") != 0:
        return 1
    command = [*uv(), "run", "--locked", "--no-dev", "shim", "serve", *args]
    if os.name == "posix":
        # This process becomes uv, which hands Ctrl-C and SIGTERM to shim: stopping it stops shim.
        os.chdir(ROOT)
        os.execv(command[0], command)
    child = subprocess.Popen(command, cwd=ROOT)
    try:
        return child.wait()
    except KeyboardInterrupt:  # the console sent Ctrl-C to shim too; let it drain and stop
        return child.wait()


def doctor(args: list[str]) -> int:
    if install("--no-dev") != 0:
        return 1
    return run("--no-dev", "shim", "doctor", *args)


def test(args: list[str]) -> int:
    if install() != 0:
        return 1
    for check in CHECKS:
        print(f"tasks: {' '.join(check)}", file=sys.stderr, flush=True)
        if run(*check) != 0:
            return 1
    if js_deps() != 0 or system_programs() != 0:
        return 1
    code = run("pytest", *args)
    if code == PYTEST_NO_TESTS:
        print("tasks: pytest collected no tests; that is a failure here", file=sys.stderr)
        return 1
    return code


def js_deps() -> int:
    """`npm ci` for the JS client tests when the lock file changed; without npm they skip."""
    npm = shutil.which("npm")
    if npm is None:
        print("tasks: npm not found; the JS client tests will be skipped", file=sys.stderr)
        return 0
    digest = hashlib.sha256((JS_DIR / "package-lock.json").read_bytes()).hexdigest()
    stamp = JS_DIR / "node_modules" / ".lock-sha256"
    if stamp.is_file() and stamp.read_text() == digest:
        return 0
    print("tasks: npm ci --prefix tests/js", file=sys.stderr, flush=True)
    code = subprocess.run([npm, "ci", "--prefix", str(JS_DIR)], cwd=ROOT).returncode
    if code == 0:
        stamp.write_text(digest)
    return code


def system_programs() -> int:
    """apt-get install what the tests of several shims start, where that is possible; elsewhere
    those tests skip (and fail under CI, which must run them)."""
    path = os.pathsep.join([os.environ.get("PATH", ""), SBIN])
    missing = [pkg for name, pkg in SYSTEM_PROGRAMS.items() if not shutil.which(name, path=path)]
    if not missing:
        return 0
    apt = shutil.which("apt-get")
    prefix = privileged_prefix()
    if apt is None or prefix is None:
        print(f"tasks: {', '.join(missing)} missing and not installable here", file=sys.stderr)
        return 0
    print(f"tasks: apt-get install {' '.join(missing)}", file=sys.stderr, flush=True)
    quiet = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    for command in (["update", "-qq"], ["install", "-y", "-qq", *missing]):
        if subprocess.run([*prefix, apt, *command], env=quiet).returncode != 0:
            return 1
    return 0


def privileged_prefix() -> list[str] | None:
    """Nothing as root, sudo where it asks no password, otherwise None."""
    if os.name != "posix":
        return None
    if os.geteuid() == 0:
        return []
    sudo = shutil.which("sudo")
    if sudo and subprocess.run([sudo, "-n", "true"], capture_output=True).returncode == 0:
        return [sudo, "-n"]
    return None


def main() -> int:
    tasks = {"serve": serve, "doctor": doctor, "test": test}
    if sys.argv[1:2] in (["-h"], ["--help"], ["help"]):
        print(__doc__)
        return 0
    if len(sys.argv) < 2 or sys.argv[1] not in tasks:
        print(__doc__, file=sys.stderr)
        return 2
    return tasks[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    sys.exit(main())
