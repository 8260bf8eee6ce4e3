"""Word of model changes through a file: seen by every worker (another ChangeFile on the same
path), every time, the file kept small."""

from pathlib import Path

from shim.adapters.state import change_file
from shim.adapters.state.change_file import ChangeFile
from tests.support.log_capture import LogCapture


def test_a_change_announced_by_one_worker_is_seen_by_another(tmp_path: Path) -> None:
    announcer, listener = (
        ChangeFile(tmp_path / "state" / "changed"),
        ChangeFile(tmp_path / "state" / "changed"),
    )
    seen = {listener.revision()}
    for _ in range(5):
        announcer.announce()
        revision = listener.revision()
        assert revision not in seen, "each change is a new revision"
        seen.add(revision)
    assert listener.revision() == listener.revision(), "and nothing changes it but a change"


def test_the_file_starts_again_when_full_and_the_change_still_shows(tmp_path: Path) -> None:
    path = tmp_path / "changed"
    path.write_bytes(b"." * change_file.MAX_BYTES)
    changes = ChangeFile(path)
    before = changes.revision()
    changes.announce()
    assert path.stat().st_size == 1
    assert changes.revision() != before


def test_a_change_that_cannot_be_shared_fails_nothing_and_is_logged(
    tmp_path: Path, log_capture: LogCapture
) -> None:
    (tmp_path / "plain-file").write_text("")
    changes = ChangeFile(tmp_path / "plain-file" / "changed")
    changes.announce()
    assert changes.revision() is None
    (line,) = [r for r in log_capture.records if r["event"] == "models.change_not_shared"]
    assert line["level"] == "warning"
