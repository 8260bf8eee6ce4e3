"""Ollama `options` → Sampling: the known keys mapped and type-checked, everything else named."""

from __future__ import annotations

from typing import Any

import pytest

from shim.api.errors import status_of
from shim.api.ollama.options import context_length_from_options, sampling_from_options
from shim.domain.completion import Sampling
from shim.domain.errors import InvalidRequest


def sampling(options: dict[str, Any] | None) -> Sampling:
    return sampling_from_options(options)[0]


def ignored(options: dict[str, Any] | None) -> list[str]:
    return sampling_from_options(options)[1]


def rejection(options: dict[str, Any]) -> InvalidRequest:
    with pytest.raises(InvalidRequest) as caught:
        sampling_from_options(options)
    return caught.value


@pytest.mark.parametrize(
    ("option", "value", "field"),
    [
        ("temperature", 0.7, "temperature"),
        ("top_p", 0.9, "top_p"),
        ("min_p", 0.05, "min_p"),
        ("repeat_penalty", 1.1, "repeat_penalty"),
        ("presence_penalty", 0.5, "presence_penalty"),
        ("frequency_penalty", 0.25, "frequency_penalty"),
        ("top_k", 40, "top_k"),
        ("seed", 42, "seed"),
        ("num_predict", 128, "max_tokens"),
    ],
)
def test_each_known_option_lands_on_its_sampling_field(option: str, value: Any, field: str) -> None:
    mapped, skipped = sampling_from_options({option: value})
    assert mapped == Sampling(**{field: value})
    assert skipped == []


def test_all_known_options_at_once() -> None:
    options = {
        "temperature": 0.2,
        "top_p": 0.8,
        "top_k": 20,
        "min_p": 0.1,
        "num_predict": 64,
        "stop": ["\n\n", "User:"],
        "seed": 7,
        "repeat_penalty": 1.05,
        "presence_penalty": 0.3,
        "frequency_penalty": 0.4,
    }
    assert sampling_from_options(options) == (
        Sampling(
            temperature=0.2,
            top_p=0.8,
            top_k=20,
            min_p=0.1,
            max_tokens=64,
            stop=("\n\n", "User:"),
            seed=7,
            repeat_penalty=1.05,
            presence_penalty=0.3,
            frequency_penalty=0.4,
        ),
        [],
    )


@pytest.mark.parametrize("options", [None, {}])
def test_no_options_leave_every_default_in_force(options: dict[str, Any] | None) -> None:
    assert sampling_from_options(options) == (Sampling(), [])


@pytest.mark.parametrize(
    ("option", "value"),
    [("num_predict", -1), ("num_predict", -2), ("seed", -1), ("num_predict", -1.0)],
)
def test_ollamas_unset_sentinels_leave_the_field_unset(option: str, value: Any) -> None:
    assert sampling({option: value}) == Sampling()


def test_minus_two_is_not_an_unset_seed() -> None:
    assert sampling({"seed": -2}).seed == -2


@pytest.mark.parametrize("value", [0, 1])
def test_small_non_sentinel_num_predict_is_kept(value: int) -> None:
    assert sampling({"num_predict": value}).max_tokens == value


def test_any_negative_num_predict_is_open_ended() -> None:
    assert sampling({"num_predict": -3}).max_tokens is None


@pytest.mark.parametrize(
    ("option", "value", "field", "expected"),
    [
        ("top_k", 40.9, "top_k", 40),
        ("seed", 12.5, "seed", 12),
        ("num_predict", 99.99, "max_tokens", 99),
        ("num_predict", -0.5, "max_tokens", 0),
    ],
)
def test_integer_options_accept_floats_truncated(
    option: str, value: float, field: str, expected: int
) -> None:
    result = getattr(sampling({option: value}), field)
    assert result == expected
    assert type(result) is int


@pytest.mark.parametrize(
    "option",
    ["temperature", "top_p", "min_p", "repeat_penalty", "presence_penalty", "frequency_penalty"],
)
def test_float_options_accept_ints_as_floats(option: str) -> None:
    result = getattr(sampling({option: 1}), option)
    assert result == 1.0
    assert type(result) is float


@pytest.mark.parametrize(
    "option", ["temperature", "top_p", "top_k", "seed", "num_predict", "min_p"]
)
@pytest.mark.parametrize("value", [True, False])
def test_booleans_are_not_numbers(option: str, value: bool) -> None:
    go_type = "integer" if option in ("top_k", "seed", "num_predict") else "float32"
    assert rejection({option: value}).message == f'option "{option}" must be of type {go_type}'


@pytest.mark.parametrize("value", ["0.5", [0.5], {"v": 1}])
def test_non_numbers_are_rejected_for_number_options(value: Any) -> None:
    assert (
        rejection({"temperature": value}).message == 'option "temperature" must be of type float32'
    )


@pytest.mark.parametrize(
    ("option", "value", "message"),
    [
        ("top_k", "40", 'option "top_k" must be of type integer'),
        ("temperature", "hot", 'option "temperature" must be of type float32'),
    ],
)
def test_type_errors_use_ollamas_wording(option: str, value: Any, message: str) -> None:
    assert rejection({option: value}).message == message


def test_stop_list_becomes_a_tuple() -> None:
    assert sampling({"stop": ["</s>", "###"]}).stop == ("</s>", "###")


def test_empty_stop_list_is_fine() -> None:
    assert sampling({"stop": []}).stop == ()


def test_bare_string_stop_is_rejected_with_ollamas_message() -> None:
    assert rejection({"stop": "</s>"}).message == 'option "stop" must be of type array'


@pytest.mark.parametrize("value", [["ok", 1], [None], 5, {"a": "b"}])
def test_stop_must_be_a_list_of_strings(value: Any) -> None:
    with pytest.raises(InvalidRequest):
        sampling_from_options({"stop": value})


def test_stop_with_non_string_items_uses_ollamas_wording() -> None:
    assert rejection({"stop": ["ok", 1]}).message == 'option "stop" must be of an array of strings'


def test_option_type_errors_answer_400_as_the_clients_mistake() -> None:
    """Ollama answers 500 here; shim's brief asks for 400, since the client sent a wrong type."""
    assert status_of(rejection({"stop": "x"})) == 400


@pytest.mark.parametrize(
    "option",
    [
        "mirostat",
        "mirostat_eta",
        "mirostat_tau",
        "tfs_z",
        "penalize_newline",
        "numa",
        "low_vram",
        "f16_kv",
        "logits_all",
        "vocab_only",
        "use_mlock",
        "embedding_only",
        "num_gqa",
        "num_thread",
        "num_batch",
        "num_gpu",
        "main_gpu",
        "use_mmap",
        "num_keep",
        "typical_p",
        "repeat_last_n",
        "draft_num_predict",
        "completely_made_up",
    ],
)
def test_unknown_and_legacy_options_are_named_not_rejected(option: str) -> None:
    assert sampling_from_options({option: 1}) == (Sampling(), [option])


def test_ignored_options_keep_request_order_alongside_mapped_ones() -> None:
    mapped, skipped = sampling_from_options(
        {"num_ctx": 8192, "temperature": 0.1, "mirostat": 2, "num_thread": 8}
    )
    assert mapped == Sampling(temperature=0.1)
    assert skipped == ["mirostat", "num_thread"]


def test_legacy_options_of_any_type_are_still_only_named() -> None:
    assert ignored({"mirostat": "on", "tfs_z": [1], "numa": "yes"}) == ["mirostat", "tfs_z", "numa"]


@pytest.mark.parametrize(
    "option", ["temperature", "top_k", "num_predict", "seed", "stop", "mirostat", "num_ctx"]
)
def test_none_values_are_skipped_entirely(option: str) -> None:
    assert sampling_from_options({option: None}) == (Sampling(), [])


@pytest.mark.parametrize(
    ("value", "expected"), [(8192, 8192), (4096.7, 4096), (0, None), (None, None)]
)
def test_num_ctx_is_the_context_window_to_load(value: Any, expected: int | None) -> None:
    assert context_length_from_options({"num_ctx": value}) == expected
    assert "num_ctx" not in sampling_from_options({"num_ctx": value})[1]


def test_num_ctx_must_be_an_integer() -> None:
    with pytest.raises(InvalidRequest, match='option "num_ctx" must be of type integer'):
        context_length_from_options({"num_ctx": "big"})
