"""A stream that keeps every JSON log line shim writes, for tests that read logs."""

from __future__ import annotations

import json
import threading
from typing import Any


class LogCapture:
    def __init__(self) -> None:
        self._lock = threading.RLock()  # a finalizer may log while a write holds it
        self._buffer = ""
        self.records: list[dict[str, Any]] = []

    def write(self, text: str) -> int:
        with self._lock:
            self._buffer += text
            *lines, self._buffer = self._buffer.split("\n")
            self.records.extend(json.loads(line) for line in lines if line.strip())
        return len(text)

    def flush(self) -> None:
        """Nothing is buffered beyond a partial line."""

    def isatty(self) -> bool:
        return False

    def for_request(self, request_id: str) -> list[dict[str, Any]]:
        return [record for record in self.records if record.get("request_id") == request_id]
