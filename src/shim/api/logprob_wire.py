"""Domain log probabilities as Ollama's `api.Logprob` list, which its own answers and its `/v1`
layer's `choices[].logprobs.content` both carry; empty parts left out, as Go does."""

from __future__ import annotations

import msgspec

from shim.domain.completion import Logprob

UNSET = msgspec.UNSET


class TokenLogprobOut(msgspec.Struct):
    token: str
    logprob: float
    bytes: list[int] | msgspec.UnsetType = UNSET


class LogprobOut(msgspec.Struct):
    token: str
    logprob: float
    bytes: list[int] | msgspec.UnsetType = UNSET
    top_logprobs: list[TokenLogprobOut] | msgspec.UnsetType = UNSET


Logprobs = list[LogprobOut] | msgspec.UnsetType


def logprobs_out(logprobs: tuple[Logprob, ...]) -> Logprobs:
    if not logprobs:
        return UNSET
    return [
        LogprobOut(
            token=entry.token,
            logprob=entry.logprob,
            bytes=list(entry.bytes) or UNSET,
            top_logprobs=[
                TokenLogprobOut(
                    token=top.token, logprob=top.logprob, bytes=list(top.bytes) or UNSET
                )
                for top in entry.top_logprobs
            ]
            or UNSET,
        )
        for entry in logprobs
    ]
