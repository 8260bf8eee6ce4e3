"""Request bodies decoded by shim itself, so every failure becomes a plain `{"error": ...}`."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec
import structlog

from shim.domain.errors import InvalidRequest

T = TypeVar("T")

log = structlog.get_logger(__name__)

_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}
_known_fields: dict[Any, frozenset[str]] = {}
_top_level = msgspec.json.Decoder(dict[str, msgspec.Raw])


def decode_body(body: bytes, into: type[T]) -> T:
    """Decode JSON whatever the Content-Type, as Ollama does; unknown fields are ignored, as
    Ollama ignores them, but named in a debug line."""
    if not body.strip():
        raise InvalidRequest("missing request body")
    decoder = _decoders.get(into)
    if decoder is None:
        decoder = _decoders[into] = msgspec.json.Decoder(into)
        _known_fields[into] = frozenset(f.encode_name for f in msgspec.structs.fields(into))  # type: ignore[arg-type]
    try:
        decoded: T = decoder.decode(body)
        _note_unknown_fields(body, _known_fields[into])  # their names are decoded only here
    except msgspec.ValidationError as error:
        raise InvalidRequest(f"invalid request: {error}") from None
    except (msgspec.DecodeError, UnicodeDecodeError) as error:
        raise InvalidRequest(f"invalid JSON: {error}") from None
    except RecursionError:
        raise InvalidRequest("invalid JSON: nested too deeply") from None
    return decoded


def _note_unknown_fields(body: bytes, known: frozenset[str]) -> None:
    unknown = sorted(set(_top_level.decode(body)) - known)
    if unknown:
        log.debug("request.unknown_fields", fields=unknown[:20])


def log_ignored(fields: list[str], reason: str) -> None:
    """Fields a client sent that shim accepted but cannot or need not apply: never dropped
    without a line that names them."""
    if fields:
        log.info("request.ignored_fields", fields=fields, reason=reason)
