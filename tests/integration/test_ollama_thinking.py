"""Reasoning from LM Studio in any of its three forms becomes Ollama's `thinking`, or nothing."""

import ollama
import pytest

from tests.support.lmstudio_double import LMStudioDouble
from tests.support.sse_scripts import reasoning_script

MODEL = "qwen3.6-35b-a3b-mtp"
HELLO = [{"role": "user", "content": "why?"}]
FORMS = ["reasoning_content", "reasoning", "inline"]


@pytest.mark.parametrize("form", FORMS)
@pytest.mark.parametrize("think", [None, True])
def test_reasoning_becomes_thinking(
    lmstudio: LMStudioDouble, shim: str, form: str, think: bool | None
) -> None:
    lmstudio.chat_script = reasoning_script(["Because ", "physics."], ["It ", "is."], form=form)  # type: ignore[arg-type]
    response = ollama.Client(host=shim).chat(model=MODEL, messages=HELLO, think=think)
    assert response.message.thinking == "Because physics."
    assert response.message.content == "It is."


@pytest.mark.parametrize("form", FORMS)
def test_think_false_lets_no_thinking_through(
    lmstudio: LMStudioDouble, shim: str, form: str
) -> None:
    lmstudio.chat_script = reasoning_script(["secret"], ["answer"], form=form)  # type: ignore[arg-type]
    chunks = list(
        ollama.Client(host=shim).chat(model=MODEL, messages=HELLO, think=False, stream=True)
    )
    assert all(not c.message.thinking for c in chunks)
    assert "".join(c.message.content for c in chunks) == "answer"
    assert "secret" not in "".join(c.message.content for c in chunks)


def test_thinking_streams_before_the_answer(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = reasoning_script(["a", "b"], ["c"], form="inline")
    chunks = list(ollama.Client(host=shim).chat(model=MODEL, messages=HELLO, stream=True))
    assert [(c.message.thinking or "", c.message.content) for c in chunks if not c.done] == [
        ("a", ""),
        ("b", ""),
        ("", "c"),
    ]


def test_generate_reports_thinking_too(lmstudio: LMStudioDouble, shim: str) -> None:
    lmstudio.chat_script = reasoning_script(["hmm"], ["yes"], form="reasoning_content")
    response = ollama.Client(host=shim).generate(model=MODEL, prompt="why?")
    assert (response.thinking, response.response) == ("hmm", "yes")
