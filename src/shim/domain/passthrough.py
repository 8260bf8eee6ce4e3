"""OpenAI-style traffic relayed as bytes; only the model name is rewritten to the backend's key."""

from __future__ import annotations

from collections.abc import AsyncGenerator
from contextlib import aclosing

import msgspec

from shim.domain.admission import AdmissionGate
from shim.domain.errors import InvalidRequest
from shim.domain.ports import ModelSelector, OpenAIPassthrough, RelayHead

_fields = msgspec.json.Decoder(dict[str, msgspec.Raw])
_encoder = msgspec.json.Encoder()


class PassthroughService:
    def __init__(
        self, selector: ModelSelector, passthrough: OpenAIPassthrough, gate: AdmissionGate
    ) -> None:
        self._selector = selector
        self._passthrough = passthrough
        self._gate = gate

    async def open(self, path: str, body: bytes) -> tuple[RelayHead, AsyncGenerator[bytes, None]]:
        """Rewrite, send, and wait for the reply's status, so failures before it can raise."""
        relayed = self._gated(self._passthrough.relay(path, await self.rewrite_model(body)))
        try:
            head = await anext(relayed)
        except BaseException:
            await relayed.aclose()
            raise
        if not isinstance(head, RelayHead):
            await relayed.aclose()
            raise TypeError("a relay must start with its head")
        return head, _body_of(relayed)

    async def rewrite_model(self, body: bytes) -> bytes:
        """Every other field keeps its exact bytes; a body without a model goes as it came."""
        try:
            fields = _fields.decode(body)
            model = msgspec.json.decode(fields["model"]) if "model" in fields else None
        except (msgspec.DecodeError, msgspec.ValidationError, UnicodeDecodeError) as error:
            raise InvalidRequest(f"invalid JSON body: {error}") from None
        except RecursionError:
            raise InvalidRequest("invalid JSON body: nested too deeply") from None
        if not isinstance(model, str):
            return body
        record = await self._selector.resolve(model)
        fields["model"] = msgspec.Raw(_encoder.encode(record.upstream_key))
        return _encoder.encode(fields)

    async def _gated(
        self, relayed: AsyncGenerator[RelayHead | bytes, None]
    ) -> AsyncGenerator[RelayHead | bytes, None]:
        async with self._gate.slot(), aclosing(relayed):
            async for piece in relayed:
                yield piece


async def _body_of(relayed: AsyncGenerator[RelayHead | bytes, None]) -> AsyncGenerator[bytes, None]:
    async with aclosing(relayed):
        async for piece in relayed:
            if isinstance(piece, bytes):
                yield piece
