import pytest

from shim.domain.names import lookup_forms, ollama_name


@pytest.mark.parametrize(
    ("key", "name"),
    [
        ("qwen/qwen3-8b", "qwen/qwen3-8b:latest"),
        ("meta-llama-3-8b-instruct", "meta-llama-3-8b-instruct:latest"),
        ("qwen3.8-27b@q4_k_m", "qwen3.8-27b:q4_k_m"),
        ("google/gemma-4-26b-a4b@q4_k_m", "google/gemma-4-26b-a4b:q4_k_m"),
        ("already:tagged", "already:tagged"),
    ],
)
def test_ollama_name_always_carries_a_tag(key: str, name: str) -> None:
    assert ollama_name(key) == name


@pytest.mark.parametrize(
    ("name", "forms"),
    [
        ("Qwen/Qwen3-8B", ("qwen/qwen3-8b", "qwen/qwen3-8b:latest")),
        ("llama3:latest", ("llama3:latest", "llama3")),
        ("foo:Q4_K_M", ("foo:q4_k_m", "foo@q4_k_m")),
        ("host:8080/ns/model", ("host:8080/ns/model", "host:8080/ns/model:latest")),
        ("  spaced  ", ("spaced", "spaced:latest")),
    ],
)
def test_lookup_forms_cover_tag_case_and_variant(name: str, forms: tuple[str, ...]) -> None:
    assert lookup_forms(name) == forms
