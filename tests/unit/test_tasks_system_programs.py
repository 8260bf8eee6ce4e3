"""`tasks.py test` installs redis-server and nginx with apt where it may, and only then."""

import subprocess
from typing import Any

import pytest
import tasks  # the project's root is on the path, as for tests.support


@pytest.fixture
def commands(monkeypatch: pytest.MonkeyPatch) -> list[list[str]]:
    ran: list[list[str]] = []

    def run(command: list[str], **_: Any) -> subprocess.CompletedProcess[bytes]:
        ran.append(command)
        return subprocess.CompletedProcess(command, 0)

    monkeypatch.setattr(tasks.subprocess, "run", run)
    return ran


def nothing_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(
        tasks.shutil,
        "which",
        lambda name, path=None: "/usr/bin/apt-get" if name == "apt-get" else None,
    )


def test_missing_programs_are_installed_with_apt_as_root(
    monkeypatch: pytest.MonkeyPatch, commands: list[list[str]]
) -> None:
    nothing_installed(monkeypatch)
    monkeypatch.setattr(tasks, "privileged_prefix", list)
    assert tasks.system_programs() == 0
    assert commands == [
        ["/usr/bin/apt-get", "update", "-qq"],
        ["/usr/bin/apt-get", "install", "-y", "-qq", "redis-server", "nginx"],
    ]


def test_nothing_is_installed_without_the_right_to(
    monkeypatch: pytest.MonkeyPatch, commands: list[list[str]], capsys: pytest.CaptureFixture[str]
) -> None:
    nothing_installed(monkeypatch)
    monkeypatch.setattr(tasks, "privileged_prefix", lambda: None)
    assert tasks.system_programs() == 0, "the tests that need them skip, or fail under CI"
    assert commands == []
    assert "redis-server, nginx missing and not installable here" in capsys.readouterr().err


def test_nothing_is_installed_when_both_are_there(
    monkeypatch: pytest.MonkeyPatch, commands: list[list[str]]
) -> None:
    monkeypatch.setattr(tasks.shutil, "which", lambda name, path=None: f"/usr/sbin/{name}")
    assert tasks.system_programs() == 0
    assert commands == []


def test_a_failed_install_fails_the_run(
    monkeypatch: pytest.MonkeyPatch, commands: list[list[str]]
) -> None:
    nothing_installed(monkeypatch)
    monkeypatch.setattr(tasks, "privileged_prefix", list)
    monkeypatch.setattr(
        tasks.subprocess, "run", lambda command, **_: subprocess.CompletedProcess(command, 100)
    )
    assert tasks.system_programs() == 1
