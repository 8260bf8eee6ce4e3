"""Log probabilities from an OpenAI-style stream chunk, as domain values."""

from __future__ import annotations

from shim.adapters.lmstudio.chunk_wire import ChoiceLogprobs, TokenLogprobWire
from shim.domain.completion import Logprob, TokenLogprob


def logprobs_of(wire: ChoiceLogprobs | None) -> tuple[Logprob, ...]:
    if wire is None or not wire.content:
        return ()
    return tuple(
        Logprob(
            token=entry.token,
            logprob=entry.logprob,
            bytes=tuple(entry.bytes or ()),
            top_logprobs=tuple(_alternative(top) for top in entry.top_logprobs or ()),
        )
        for entry in wire.content
    )


def _alternative(entry: TokenLogprobWire) -> TokenLogprob:
    return TokenLogprob(token=entry.token, logprob=entry.logprob, bytes=tuple(entry.bytes or ()))
