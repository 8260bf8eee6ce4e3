"""Request bodies decoded by shim itself, so every failure becomes a plain `{"error": ...}`."""

from __future__ import annotations

from typing import Any, TypeVar

import msgspec

from shim.domain.errors import InvalidRequest

T = TypeVar("T")

_decoders: dict[Any, msgspec.json.Decoder[Any]] = {}


def decode_body(body: bytes, into: type[T]) -> T:
    """Decode JSON whatever the Content-Type, as Ollama does; unknown fields are ignored."""
    if not body.strip():
        raise InvalidRequest("missing request body")
    decoder = _decoders.get(into)
    if decoder is None:
        decoder = _decoders[into] = msgspec.json.Decoder(into)
    try:
        decoded: T = decoder.decode(body)
    except msgspec.ValidationError as error:
        raise InvalidRequest(f"invalid request: {error}") from None
    except msgspec.DecodeError as error:
        raise InvalidRequest(f"invalid JSON: {error}") from None
    except RecursionError:
        raise InvalidRequest("invalid JSON: nested too deeply") from None
    return decoded
