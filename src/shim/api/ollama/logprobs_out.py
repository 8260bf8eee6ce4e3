"""Domain log probabilities as Ollama's `logprobs` array; empty parts left out, as Go does."""

from __future__ import annotations

from shim.api.ollama.inference_wire import UNSET, LogprobOut, Logprobs, TokenLogprobOut
from shim.domain.completion import Logprob


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
