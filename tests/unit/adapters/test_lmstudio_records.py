from pathlib import Path

import msgspec
import pytest

from shim.adapters.lmstudio.records import from_openai, from_v0, from_v1, human_count, with_props
from shim.adapters.lmstudio.wire import OpenAIModelList, ServerProps, V0ModelList, V1ModelList
from shim.domain.models import Capability, LoadedInstance

PAYLOADS = Path(__file__).parents[2] / "payloads" / "lmstudio"


def load(name: str, into: type) -> object:
    return msgspec.json.decode((PAYLOADS / name).read_bytes(), type=into)


def test_v1_listing_keeps_everything_lm_studio_reports() -> None:
    qwen, gemma, nomic = from_v1(load("api_v1_models.json", V1ModelList), "http://lms")
    assert qwen.key == "qwen3.6-35b-a3b-mtp"
    assert (qwen.architecture, qwen.format, qwen.quantization) == ("qwen35moe", "gguf", "Q3_K_M")
    assert (qwen.size_bytes, qwen.parameter_size, qwen.max_context_length) == (
        18890707872,
        "35B-A3B",
        262144,
    )
    assert qwen.loaded_instances == (
        LoadedInstance(instance_id="qwen3.6-35b-a3b-mtp", context_length=262144),
        LoadedInstance(instance_id="qwen3.6-35b-a3b-mtp:2", context_length=4096),
    )
    assert qwen.capabilities == (
        Capability.COMPLETION,
        Capability.TOOLS,
        Capability.VISION,
        Capability.THINKING,
    )
    assert qwen.backend == "http://lms"
    assert gemma.capabilities == (Capability.COMPLETION,), (
        "reasoning that only allows 'off' is no thinking"
    )
    assert nomic.kind == "embedding"
    assert nomic.capabilities == (Capability.EMBEDDING,)
    assert (qwen.reasoning, gemma.reasoning, nomic.reasoning) == (True, False, None)


def test_v1_model_without_a_reasoning_config_may_still_think() -> None:
    listing = load("api_v1_models.json", V1ModelList)
    assert isinstance(listing, V1ModelList)
    bare = msgspec.structs.replace(
        listing.models[0],
        capabilities=msgspec.structs.replace(listing.models[0].capabilities, reasoning=None),
    )
    (record,) = from_v1(V1ModelList(models=[bare]), "http://lms")
    assert record.reasoning is None
    assert Capability.THINKING not in record.capabilities


def test_v0_listing_reads_type_state_and_tool_use() -> None:
    gemma, llama, nomic = from_v0(load("api_v0_models.json", V0ModelList), "http://lms")
    assert gemma.capabilities == (Capability.COMPLETION, Capability.TOOLS, Capability.VISION)
    assert gemma.loaded_instances == (
        LoadedInstance(instance_id="google/gemma-4-12b-qat", context_length=32768),
    )
    assert gemma.context_length == 32768
    assert (llama.is_loaded, llama.context_length, llama.architecture) == (False, 8192, "llama")
    assert nomic.kind == "embedding", "v0 says 'embeddings', plural"


def test_openai_listing_uses_llama_cpp_meta_when_present() -> None:
    (tiny,) = from_openai(load("llamacpp_v1_models.json", OpenAIModelList), "http://engine")
    assert (tiny.key, tiny.size_bytes, tiny.max_context_length) == ("tiny-test", 276480, 8192)
    assert tiny.parameter_size == "7.2B"
    assert tiny.capabilities == (Capability.COMPLETION,)


def test_openai_listing_without_meta_knows_only_ids() -> None:
    body = (
        b'{"data":[{"id":"text-embedding-bge-m3","object":"model"},{"id":"phi-4"}],"object":"list"}'
    )
    bge, phi = from_openai(msgspec.json.decode(body, type=OpenAIModelList), "http://any")
    assert (bge.kind, bge.size_bytes, bge.max_context_length, bge.architecture) == (
        "embedding",
        0,
        None,
        None,
    )
    assert (phi.kind, phi.capabilities) == ("llm", (Capability.COMPLETION,))


@pytest.mark.parametrize(
    ("count", "text"),
    [
        (None, None),
        (7241732096, "7.2B"),
        (8_000_000_000, "8B"),
        (135_000_000, "135M"),
        (22_500, "22.5K"),
        (512, "512"),
    ],
)
def test_human_count(count: int | None, text: str | None) -> None:
    assert human_count(count) == text


def test_a_model_llama_cpp_serves_counts_as_loaded_at_its_slot_window() -> None:
    body = b'{"data":[{"id":"tiny","meta":{"n_ctx":4096,"n_ctx_train":32768}}]}'
    (tiny,) = from_openai(msgspec.json.decode(body, type=OpenAIModelList), "http://engine")
    assert tiny.loaded_instances == (LoadedInstance(instance_id="tiny", context_length=4096),)
    assert (tiny.context_length, tiny.max_context_length) == (4096, 32768)


def test_llama_cpp_props_give_tools_and_vision() -> None:
    models = from_openai(
        msgspec.json.decode(b'{"data":[{"id":"m"},{"id":"e-embed"}]}', type=OpenAIModelList), "x"
    )
    props = msgspec.json.decode(
        b'{"chat_template_caps":{"supports_tools":true},"modalities":{"vision":true}}',
        type=ServerProps,
    )
    llm, embedder = with_props(models, props)
    assert llm.capabilities == (Capability.COMPLETION, Capability.TOOLS, Capability.VISION)
    assert embedder.capabilities == (Capability.EMBEDDING,)
    assert with_props(models, None) == models
