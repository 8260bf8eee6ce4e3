from datetime import UTC, datetime

import msgspec
import pytest

from shim.api.ollama.models_codec import ps_from_models, show_from_model, tags_from_models
from shim.domain.models import LoadedInstance, ModelRecord

STARTED = datetime(2026, 3, 1, tzinfo=UTC)
LOADED = ModelRecord(
    key="qwen/qwen3-8b",
    display_name="Qwen3 8B",
    architecture="qwen3",
    format="gguf",
    quantization="Q4_K_M",
    size_bytes=5_000_000_000,
    parameter_size="8B",
    max_context_length=40960,
    tool_use=True,
    reasoning=True,
    loaded_instances=(
        LoadedInstance(instance_id="qwen/qwen3-8b", context_length=8192),
        LoadedInstance(instance_id="qwen/qwen3-8b:2", context_length=4096),
    ),
    modified_at=datetime(2026, 2, 1, tzinfo=UTC),
)
MLX = ModelRecord(
    key="mlx-community/phi@4bit", format="mlx", quantization="4bit", max_context_length=16384
)
BARE = ModelRecord(key="some-openai-model")


def as_dict(value: object) -> dict:  # type: ignore[type-arg]
    return msgspec.to_builtins(value)  # type: ignore[no-any-return]


def test_tags_entries_carry_every_field_strict_clients_require() -> None:
    body = as_dict(tags_from_models([LOADED], STARTED))
    (entry,) = body["models"]
    assert entry == {
        "name": "qwen/qwen3-8b:latest",
        "model": "qwen/qwen3-8b:latest",
        "modified_at": "2026-02-01T00:00:00Z",
        "size": 5_000_000_000,
        "digest": entry["digest"],
        "details": {
            "parent_model": "",
            "format": "gguf",
            "family": "qwen3",
            "families": ["qwen3"],
            "parameter_size": "8B",
            "quantization_level": "Q4_K_M",
            "context_length": 8192,
        },
        "capabilities": ["completion", "tools", "thinking"],
    }


def test_tags_fill_unknowns_with_empty_strings_and_the_start_time() -> None:
    (entry,) = as_dict(tags_from_models([BARE], STARTED))["models"]
    assert entry["modified_at"] == "2026-03-01T00:00:00Z"
    assert entry["details"] == {
        "parent_model": "",
        "format": "",
        "family": "",
        "families": None,
        "parameter_size": "",
        "quantization_level": "",
    }


def test_tags_list_newest_first_and_mlx_as_safetensors() -> None:
    names = [m["name"] for m in as_dict(tags_from_models([LOADED, MLX], STARTED))["models"]]
    assert names == ["mlx-community/phi:4bit", "qwen/qwen3-8b:latest"]
    assert (
        as_dict(tags_from_models([MLX], STARTED))["models"][0]["details"]["format"] == "safetensors"
    )


def test_ps_lists_each_loaded_instance_with_its_own_window() -> None:
    now = datetime(2026, 5, 1, tzinfo=UTC)
    body = as_dict(ps_from_models([LOADED, MLX], now))
    assert [(m["name"], m["context_length"]) for m in body["models"]] == [
        ("qwen/qwen3-8b:latest", 8192),
        ("qwen/qwen3-8b:2", 4096),
    ]
    first = body["models"][0]
    assert first["size_vram"] == first["size"] == 5_000_000_000
    assert first["expires_at"].startswith("2318-")
    assert "context_length" not in first["details"]


def test_ps_is_an_empty_list_when_nothing_is_loaded() -> None:
    assert as_dict(ps_from_models([MLX], STARTED)) == {"models": []}


def test_show_reports_architecture_window_and_real_capabilities() -> None:
    body = as_dict(show_from_model(LOADED, "qwen/qwen3-8b", "curl/8", STARTED))
    assert body["model_info"] == {
        "general.basename": "Qwen3 8B",
        "general.architecture": "qwen3",
        "qwen3.context_length": 8192,
    }
    assert body["capabilities"] == ["completion", "tools", "thinking"]
    assert body["parameters"] == "num_ctx                        8192"
    assert "PARAMETER num_ctx 8192" in body["modelfile"]
    assert "context_length" not in body["details"]
    assert body["modified_at"] == "2026-02-01T00:00:00Z"


@pytest.mark.parametrize(
    ("record", "reads_tools", "has_thinking_tags"),
    [
        (LOADED, True, True),
        (msgspec.structs.replace(LOADED, reasoning=None), True, False),
        (msgspec.structs.replace(LOADED, tool_use=False), False, True),
    ],
)
def test_show_template_reads_the_variables_of_the_capabilities_it_grants(
    record: ModelRecord, reads_tools: bool, has_thinking_tags: bool
) -> None:
    body = as_dict(show_from_model(record, "m", "curl/8", STARTED))
    template = body["template"]
    assert ("tools" in body["capabilities"]) is reads_tools
    assert (".Tools" in template and ".ToolCalls" in template) is reads_tools
    assert ("<think>" in template and "</think>" in template) is has_thinking_tags
    assert f'TEMPLATE """{template}"""' in body["modelfile"]


def test_show_template_is_the_passthrough_without_tools_or_thinking() -> None:
    assert as_dict(show_from_model(MLX, "m", "curl/8", STARTED))["template"] == "{{ .Prompt }}"


def test_show_lists_tensors_only_when_asked_verbosely() -> None:
    assert "tensors" not in as_dict(show_from_model(LOADED, "m", "curl/8", STARTED))
    verbose = as_dict(show_from_model(LOADED, "m", "curl/8", STARTED, verbose=True))
    assert verbose["tensors"] == []
    assert list(verbose).index("tensors") == list(verbose).index("model_info") + 1


def test_show_names_the_model_as_copilot_asked_for_it() -> None:
    body = as_dict(
        show_from_model(LOADED, "qwen/qwen3-8b:latest", "GitHubCopilotChat/0.30.1", STARTED)
    )
    assert body["model_info"]["general.basename"] == "qwen/qwen3-8b:latest"


def test_show_uses_the_trained_window_and_no_parameters_when_unloaded() -> None:
    unloaded = msgspec.structs.replace(LOADED, loaded_instances=())
    body = as_dict(show_from_model(unloaded, "q", "", STARTED))
    assert body["model_info"]["qwen3.context_length"] == 40960
    assert body["parameters"] == "", "present and empty: strict clients require the key"
    assert body["license"] == ""


def test_show_omits_what_the_backend_does_not_know() -> None:
    body = as_dict(show_from_model(BARE, "x", "", STARTED))
    assert body["model_info"] == {"general.basename": "some-openai-model"}
    assert body["capabilities"] == ["completion"]
