"""Facts about this server that the Ollama dialect reports."""

from __future__ import annotations

from datetime import datetime

import msgspec


class ServerInfo(msgspec.Struct, frozen=True, kw_only=True):
    ollama_version: str
    started_at: datetime
