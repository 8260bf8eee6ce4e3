"""keep_alive durations, think levels and output formats, as Ollama reads them."""

from __future__ import annotations

from typing import Any

import pytest

from shim.api.ollama.request_fields import (
    json_output,
    keep_alive_seconds,
    parse_go_duration,
    think_setting,
)
from shim.domain.completion import JsonOutput
from shim.domain.errors import InvalidRequest


def duration_error(text: str) -> str:
    with pytest.raises(InvalidRequest) as caught:
        parse_go_duration(text)
    return caught.value.message


@pytest.mark.parametrize(
    ("text", "seconds"),
    [
        ("5m", 300),
        ("1h30m", 5400),
        ("300ms", 0.3),
        ("1.5h", 5400),
        ("-1m", -60),
        ("+5m", 300),
        ("0", 0),
        ("-0", 0),
        ("0s", 0),
        ("2h45m30.5s", 9930.5),
        ("1s", 1),
        ("90s", 90),
        (".5s", 0.5),
        ("5.s", 5),
        ("1h0m0s", 3600),
        ("1m1m", 120),
    ],
)
def test_go_durations_in_seconds(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds)


@pytest.mark.parametrize(
    ("text", "seconds"),
    [("1µs", 1e-6), ("1μs", 1e-6), ("1us", 1e-6), ("1ns", 1e-9), ("250us", 2.5e-4)],
)
def test_sub_millisecond_units(text: str, seconds: float) -> None:
    assert parse_go_duration(text) == pytest.approx(seconds, rel=1e-9, abs=0)


def test_micro_sign_and_greek_mu_are_the_same_unit() -> None:
    assert (
        parse_go_duration("3\u00b5s") == parse_go_duration("3\u03bcs") == parse_go_duration("3us")
    )


def test_a_bare_number_is_missing_its_unit() -> None:
    assert duration_error("300") == 'time: missing unit in duration "300"'


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("", 'time: invalid duration ""'),
        ("m5", 'time: invalid duration "m5"'),
        ("-", 'time: invalid duration "-"'),
        ("00", 'time: missing unit in duration "00"'),
        ("1.5.5h", 'time: missing unit in duration "1.5.5h"'),
    ],
)
def test_malformed_durations_carry_gos_message(text: str, message: str) -> None:
    assert duration_error(text) == message


@pytest.mark.parametrize("text", ["5x", "5d", "1e3s", "1h 30m", "5m-3s", "five minutes", "1S"])
def test_unknown_units_and_junk_are_rejected(text: str) -> None:
    assert duration_error(text).startswith("time: ")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("5x", 'time: unknown unit "x" in duration "5x"'),
        ("1d", 'time: unknown unit "d" in duration "1d"'),
    ],
)
def test_unknown_unit_message_matches_go(text: str, message: str) -> None:
    assert duration_error(text) == message


@pytest.mark.parametrize("text", ["--5m", "+-5m", "-+5m", " 5m", "5m "])
def test_inputs_go_rejects_are_rejected(text: str) -> None:
    with pytest.raises(InvalidRequest):
        parse_go_duration(text)


@pytest.mark.parametrize("value", [300, 0, -1, -60.5, 2.5, 86400])
def test_keep_alive_numbers_are_seconds_already(value: float) -> None:
    assert keep_alive_seconds(value) == value


def test_keep_alive_none_stays_none() -> None:
    assert keep_alive_seconds(None) is None


@pytest.mark.parametrize(("text", "seconds"), [("5m", 300), ("-1m", -60), ("0", 0), ("1h", 3600)])
def test_keep_alive_strings_are_go_durations(text: str, seconds: float) -> None:
    assert keep_alive_seconds(text) == seconds


def test_keep_alive_numeric_string_is_rejected() -> None:
    with pytest.raises(InvalidRequest, match='missing unit in duration "300"'):
        keep_alive_seconds("300")


@pytest.mark.parametrize(
    ("value", "expected"),
    [(True, (True, None)), (False, (False, None)), (None, (None, None))],
)
def test_think_booleans_and_absence_carry_no_level(value: Any, expected: tuple[Any, Any]) -> None:
    assert think_setting(value) == expected


@pytest.mark.parametrize(
    ("value", "level"),
    [("low", "low"), ("medium", "medium"), ("high", "high"), ("max", "high")],
)
def test_think_levels_imply_thinking(value: str, level: str) -> None:
    assert think_setting(value) == (True, level)


@pytest.mark.parametrize("value", ["x", "", "HIGH", "true", "none", "off"])
def test_unknown_think_values_get_ollamas_exact_message(value: str) -> None:
    with pytest.raises(InvalidRequest) as caught:
        think_setting(value)
    assert caught.value.message == (
        f'invalid think value: "{value}" (must be "high", "medium", "low", "max", true, or false)'
    )


def test_json_format_is_plain_json_output() -> None:
    assert json_output("json") == JsonOutput()
    assert json_output("json").schema is None


def test_schema_format_keeps_the_schema() -> None:
    schema = {"type": "object", "properties": {"age": {"type": "integer"}}, "required": ["age"]}
    assert json_output(schema) == JsonOutput(schema=schema)


def test_empty_schema_object_is_still_a_schema() -> None:
    assert json_output({}) == JsonOutput(schema={})


@pytest.mark.parametrize("value", [None, ""])
def test_null_and_empty_format_mean_unset(value: Any) -> None:
    assert json_output(value) is None


@pytest.mark.parametrize("value", ["xml", "JSON", "text", 5, 0, 1.5, True, False, [], ["json"]])
def test_other_formats_are_invalid(value: Any) -> None:
    with pytest.raises(InvalidRequest) as caught:
        json_output(value)
    assert caught.value.message.startswith("invalid format:")
    assert caught.value.message.endswith('expected "json" or a valid JSON Schema object')
