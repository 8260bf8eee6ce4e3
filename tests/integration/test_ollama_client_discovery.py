"""The official `ollama` Python client lists and inspects LM Studio's models through shim."""

import ollama
import pytest

from tests.support.lmstudio_double import LMStudioDouble


def test_list_shows_every_model_with_ollama_names(shim: str) -> None:
    listed = ollama.Client(host=shim).list()
    assert [m.model for m in listed.models] == [
        "qwen3.6-35b-a3b-mtp:latest",
        "google/gemma-4-12b-qat:latest",
        "text-embedding-nomic-embed-text-v1.5:latest",
    ]
    qwen = listed.models[0]
    assert qwen.size == 18890707872
    assert qwen.modified_at is not None
    assert len(qwen.digest or "") == 64
    assert qwen.details is not None
    assert qwen.details.family == "qwen35moe"
    assert qwen.details.quantization_level == "Q3_K_M"
    assert qwen.details.parameter_size == "35B-A3B"


def test_show_reports_real_capabilities_and_window(shim: str) -> None:
    client = ollama.Client(host=shim)
    qwen = client.show("qwen3.6-35b-a3b-mtp")
    assert qwen.capabilities == ["completion", "tools", "thinking"]
    assert qwen.modelinfo is not None
    assert qwen.modelinfo["general.architecture"] == "qwen35moe"
    assert qwen.modelinfo["qwen35moe.context_length"] == 32768, "the loaded window, not the max"
    assert qwen.modelinfo["general.basename"] == "Qwen3.6 35B A3B UD"
    assert client.show("google/gemma-4-12b-qat:latest").capabilities == ["completion", "vision"]
    assert client.show("text-embedding-nomic-embed-text-v1.5").capabilities == ["embedding"]


def test_show_of_an_unknown_model_raises_404(shim: str) -> None:
    with pytest.raises(ollama.ResponseError) as raised:
        ollama.Client(host=shim).show("no-such-model")
    assert raised.value.status_code == 404
    assert raised.value.error == "model 'no-such-model:latest' not found"


def test_ps_lists_only_loaded_models(shim: str) -> None:
    running = ollama.Client(host=shim).ps()
    assert [m.model for m in running.models] == ["qwen3.6-35b-a3b-mtp:latest"]
    (qwen,) = running.models
    assert qwen.context_length == 32768
    assert qwen.expires_at is not None
    assert qwen.size_vram == qwen.size == 18890707872


@pytest.mark.parametrize("api", ["v0", "openai"])
def test_older_lm_studio_and_plain_openai_servers_still_list(
    lmstudio: LMStudioDouble, start_shim, api: str
) -> None:
    lmstudio.api = api
    listed = ollama.Client(host=start_shim()).list()
    assert "qwen3.6-35b-a3b-mtp:latest" in [m.model for m in listed.models]
