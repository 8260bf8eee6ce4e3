"""Tests that need redis-server or nginx skip without them, and fail instead under CI."""

import pytest

from tests.support import programs


@pytest.fixture
def nothing_installed(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(programs.shutil, "which", lambda name, path=None: None)


@pytest.mark.usefixtures("nothing_installed")
def test_a_missing_program_skips_the_test_and_names_the_package(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("CI", raising=False)
    with pytest.raises(pytest.skip.Exception, match=r"apt-get install redis-server\)"):
        programs.program("redis-server")


@pytest.mark.usefixtures("nothing_installed")
def test_under_ci_a_missing_program_fails_the_test(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("CI", "true")
    with pytest.raises(pytest.fail.Exception, match=r"nginx is not installed.*CI must run"):
        programs.program("nginx")


def test_an_installed_program_is_found_in_sbin_too(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str | None] = []

    def which(name: str, path: str | None = None) -> str:
        seen.append(path)
        return f"/usr/sbin/{name}"

    monkeypatch.setattr(programs.shutil, "which", which)
    assert programs.program("nginx") == "/usr/sbin/nginx"
    assert seen[0] is not None
    assert "/usr/sbin" in seen[0]
