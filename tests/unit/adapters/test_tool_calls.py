"""Streamed tool-call fragments accumulated by index and released whole, with object arguments."""

from __future__ import annotations

import re

import pytest

from shim.adapters.lmstudio.chunk_wire import FunctionFragment, ToolCallFragment
from shim.adapters.lmstudio.tool_calls import ToolCallAccumulator, new_call_id
from shim.domain.completion import ToolCall

GENERATED_ID = re.compile(r"call_[a-z0-9]{8}")


def fragment(
    index: int | None = 0,
    id: str | None = None,
    name: str | None = None,
    arguments: str | None = None,
) -> ToolCallFragment:
    return ToolCallFragment(
        index=index, id=id, function=FunctionFragment(name=name, arguments=arguments)
    )


def accumulate(*batches: list[ToolCallFragment]) -> tuple[ToolCall, ...]:
    accumulator = ToolCallAccumulator()
    for batch in batches:
        accumulator.add(batch)
    return accumulator.take()


def test_openai_style_fragments_accumulate_into_one_call() -> None:
    calls = accumulate(
        [fragment(0, id="365174485", name="get_weather", arguments="")],
        [fragment(0, arguments='{"ci')],
        [fragment(0, arguments='ty": "Par')],
        [fragment(0, arguments='is"}')],
    )
    assert calls == (
        ToolCall(id="365174485", name="get_weather", arguments={"city": "Paris"}, index=0),
    )


def test_arguments_sent_all_at_once() -> None:
    calls = accumulate(
        [fragment(0, id="a", name="search", arguments='{"query": "dell", "limit": 3}')]
    )
    assert calls[0].arguments == {"query": "dell", "limit": 3}


def test_nested_arguments_are_parsed_whole() -> None:
    calls = accumulate(
        [fragment(0, id="a", name="f", arguments='{"a": {"b": [1, 2')],
        [fragment(0, arguments=', {"c": null}]}, "d": true}')],
    )
    assert calls[0].arguments == {"a": {"b": [1, 2, {"c": None}]}, "d": True}


def test_parallel_calls_interleaved_by_index_come_out_in_index_order() -> None:
    calls = accumulate(
        [fragment(1, id="id1", name="get_time", arguments="")],
        [fragment(0, id="id0", name="get_weather", arguments="")],
        [fragment(1, arguments='{"tz": "UTC"}')],
        [fragment(0, arguments='{"city": ')],
        [fragment(2, id="id2", name="get_news", arguments='{"topic": "ai"}')],
        [fragment(0, arguments='"Tokyo"}')],
    )
    assert calls == (
        ToolCall(id="id0", name="get_weather", arguments={"city": "Tokyo"}, index=0),
        ToolCall(id="id1", name="get_time", arguments={"tz": "UTC"}, index=1),
        ToolCall(id="id2", name="get_news", arguments={"topic": "ai"}, index=2),
    )


def test_several_fragments_in_one_batch() -> None:
    calls = accumulate(
        [
            fragment(0, id="a", name="f", arguments='{"x":'),
            fragment(1, id="b", name="g", arguments="{}"),
            fragment(0, arguments="1}"),
        ]
    )
    assert [(c.name, c.arguments, c.index) for c in calls] == [("f", {"x": 1}, 0), ("g", {}, 1)]


def test_sparse_upstream_indexes_are_renumbered_from_zero() -> None:
    calls = accumulate([fragment(5, id="b", name="g")], [fragment(2, id="a", name="f")])
    assert [(c.id, c.index) for c in calls] == [("a", 0), ("b", 1)]


@pytest.mark.parametrize("later_name", ["", None])
def test_later_empty_names_do_not_erase_the_name(later_name: str | None) -> None:
    calls = accumulate(
        [fragment(0, id="a", name="get_weather", arguments="")],
        [fragment(0, name=later_name, arguments='{"city": "Oslo"}')],
    )
    assert calls[0].name == "get_weather"
    assert calls[0].arguments == {"city": "Oslo"}


def test_a_name_arriving_after_empty_names_is_kept() -> None:
    calls = accumulate([fragment(0, id="a", name="", arguments="{}")], [fragment(0, name="late")])
    assert calls[0].name == "late"


def test_fragments_without_function_only_contribute_the_id() -> None:
    calls = accumulate(
        [ToolCallFragment(index=0, id="from_bare_fragment")],
        [fragment(0, name="f", arguments="{}")],
    )
    assert calls == (ToolCall(id="from_bare_fragment", name="f", arguments={}, index=0),)


def test_nameless_calls_are_dropped_and_the_rest_renumbered() -> None:
    calls = accumulate(
        [fragment(0, id="ghost", name="", arguments='{"x": 1}')],
        [fragment(1, id="real", name="f", arguments="{}")],
    )
    assert calls == (ToolCall(id="real", name="f", arguments={}, index=0),)


def test_only_nameless_fragments_yield_nothing() -> None:
    assert accumulate([fragment(0, arguments='{"x": 1}')]) == ()


@pytest.mark.parametrize("missing_id", [None, ""])
def test_missing_id_gets_a_generated_call_id(missing_id: str | None) -> None:
    (call,) = accumulate([fragment(0, id=missing_id, name="f", arguments="{}")])
    assert GENERATED_ID.fullmatch(call.id)


def test_generated_ids_differ_between_calls() -> None:
    calls = accumulate([fragment(0, name="f"), fragment(1, name="f")])
    assert calls[0].id != calls[1].id


def test_new_call_id_shape() -> None:
    ids = {new_call_id() for _ in range(50)}
    assert all(GENERATED_ID.fullmatch(i) for i in ids)
    assert len(ids) > 1


def test_an_id_on_a_later_fragment_is_kept() -> None:
    calls = accumulate([fragment(0, name="f")], [fragment(0, id="late_id", arguments="{}")])
    assert calls[0].id == "late_id"


def test_an_empty_id_on_a_later_fragment_does_not_erase_the_first() -> None:
    calls = accumulate([fragment(0, id="first", name="f")], [fragment(0, id="", arguments="{}")])
    assert calls[0].id == "first"


@pytest.mark.parametrize("text", [None, "", "   ", "\n"])
def test_empty_argument_text_is_an_empty_object(text: str | None) -> None:
    (call,) = accumulate([fragment(0, id="a", name="f", arguments=text)])
    assert call.arguments == {}


@pytest.mark.parametrize("text", ['{"city": "Par', "{'single': 'quotes'}", "not json", "{}{}"])
def test_invalid_json_arguments_are_an_empty_object(text: str) -> None:
    (call,) = accumulate([fragment(0, id="a", name="f", arguments=text)])
    assert call.arguments == {}


@pytest.mark.parametrize(
    ("text", "value"),
    [("[1, 2]", [1, 2]), ('"Paris"', "Paris"), ("42", 42), ("true", True), ("null", None)],
)
def test_non_object_json_is_wrapped_as_value(text: str, value: object) -> None:
    (call,) = accumulate([fragment(0, id="a", name="f", arguments=text)])
    assert call.arguments == {"value": value}


def test_missing_index_continues_the_last_call() -> None:
    calls = accumulate(
        [fragment(1, id="b", name="g", arguments='{"y"')],
        [fragment(None, arguments=": 2}")],
    )
    assert calls == (ToolCall(id="b", name="g", arguments={"y": 2}, index=0),)


def test_missing_index_on_the_first_fragment_is_index_zero() -> None:
    calls = accumulate([fragment(None, id="a", name="f", arguments="{}")])
    assert calls == (ToolCall(id="a", name="f", arguments={}, index=0),)


def test_take_empties_the_accumulator() -> None:
    accumulator = ToolCallAccumulator()
    accumulator.add([fragment(0, id="a", name="f", arguments="{}")])
    assert len(accumulator.take()) == 1
    assert accumulator.take() == ()


def test_take_on_a_fresh_accumulator_is_empty() -> None:
    assert ToolCallAccumulator().take() == ()


def test_calls_after_take_start_over() -> None:
    accumulator = ToolCallAccumulator()
    accumulator.add([fragment(0, id="a", name="f", arguments='{"n": 1}')])
    accumulator.take()
    accumulator.add([fragment(0, id="b", name="g", arguments='{"n": 2}')])
    assert accumulator.take() == (ToolCall(id="b", name="g", arguments={"n": 2}, index=0),)


def test_each_call_is_ready_once_it_and_every_call_before_it_is_whole() -> None:
    accumulator = ToolCallAccumulator()
    accumulator.add([fragment(0, id="a", name="f", arguments='{"n":')])
    accumulator.add([fragment(1, id="b", name="g", arguments="{}")])
    assert accumulator.ready() == (), "the second waits for the first"
    accumulator.add([fragment(0, arguments=" 1}")])
    assert accumulator.ready() == (
        ToolCall(id="a", name="f", arguments={"n": 1}, index=0),
        ToolCall(id="b", name="g", arguments={}, index=1),
    )
    accumulator.add([fragment(2, id="c", name="h", arguments='{"x": "}"')])
    assert accumulator.ready() == (), "a brace inside a string does not end the arguments"
    accumulator.add([fragment(2, arguments="}")])
    assert accumulator.ready() == (ToolCall(id="c", name="h", arguments={"x": "}"}, index=2),)
    assert accumulator.take() == ()


def test_a_call_without_arguments_waits_for_the_end() -> None:
    accumulator = ToolCallAccumulator()
    accumulator.add([fragment(0, id="a", name="now", arguments="")])
    assert accumulator.ready() == ()
    assert accumulator.take() == (ToolCall(id="a", name="now", arguments={}, index=0),)
