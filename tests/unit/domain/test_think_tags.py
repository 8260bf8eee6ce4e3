"""Inline `<think>…</think>` reasoning separated from the answer, however the stream is cut."""

from __future__ import annotations

from itertools import combinations, pairwise

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from shim.domain.think_tags import ThinkTagSplitter


def split(*pieces: str) -> tuple[str, str]:
    """Totals of (thinking, answer) over all feeds plus the final flush."""
    splitter = ThinkTagSplitter()
    thinking: list[str] = []
    answer: list[str] = []
    for piece in pieces:
        t, a = splitter.feed(piece)
        thinking.append(t)
        answer.append(a)
    t, a = splitter.flush()
    return "".join([*thinking, t]), "".join([*answer, a])


def cuts(text: str, points: tuple[int, ...]) -> list[str]:
    bounds = (0, *points, len(text))
    return [text[start:end] for start, end in pairwise(bounds)]


STREAMS = [
    ("<think>a</think>b", ("a", "b")),
    ("<think>let me see</think>The answer is 4.", ("let me see", "The answer is 4.")),
    ("before<think>mid</think>after", ("mid", "beforeafter")),
    ("<think></think>only answer", ("", "only answer")),
    ("<think>x < y</think>so y > x", ("x < y", "so y > x")),
    ("<think>a</think>b<think>c</think>d", ("ac", "bd")),
]


@pytest.mark.parametrize(("text", "expected"), STREAMS)
def test_whole_stream_in_one_feed(text: str, expected: tuple[str, str]) -> None:
    assert split(text) == expected


def test_single_feed_returns_both_parts_at_once() -> None:
    assert ThinkTagSplitter().feed("<think>a</think>b") == ("a", "b")


@pytest.mark.parametrize(("text", "expected"), STREAMS)
def test_every_two_way_split_gives_the_same_totals(text: str, expected: tuple[str, str]) -> None:
    for point in range(len(text) + 1):
        assert split(*cuts(text, (point,))) == expected, point


@pytest.mark.parametrize(("text", "expected"), STREAMS[:3])
def test_every_three_way_split_gives_the_same_totals(text: str, expected: tuple[str, str]) -> None:
    for points in combinations(range(len(text) + 1), 2):
        assert split(*cuts(text, points)) == expected, points


def test_one_character_at_a_time() -> None:
    text = "<think>reasoning</think>answer"
    assert split(*text) == ("reasoning", "answer")


def test_a_partial_open_tag_is_held_back_until_resolved() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("Hi <thi") == ("", "Hi ")
    assert splitter.feed("nk>deep") == ("deep", "")


def test_a_partial_close_tag_is_held_back_until_resolved() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("<think>hmm</th") == ("hmm", "")
    assert splitter.feed("ink>ok") == ("", "ok")


@pytest.mark.parametrize(
    "text", ["a < b", "1 <2", "x <= y", "<b>bold</b>", "<thinking>", "<thin k>", "</think>"]
)
def test_angle_brackets_that_are_not_an_open_tag_pass_through(text: str) -> None:
    assert split(text) == ("", text)
    assert split(*text) == ("", text)


def test_a_lone_less_than_is_released_when_the_next_piece_rules_out_a_tag() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("a <") == ("", "a ")
    assert splitter.feed(" b") == ("", "< b")


def test_text_without_tags_is_answer() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("plain") == ("", "plain")
    assert splitter.flush() == ("", "")


def test_flush_returns_a_held_partial_open_tag_as_answer() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("done <thi") == ("", "done ")
    assert splitter.flush() == ("", "<thi")


def test_flush_returns_a_held_partial_close_tag_as_thinking() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("<think>still going </thi") == ("still going ", "")
    assert splitter.flush() == ("</thi", "")


def test_flush_empties_the_hold() -> None:
    splitter = ThinkTagSplitter()
    splitter.feed("x<")
    assert splitter.flush() == ("", "<")
    assert splitter.flush() == ("", "")


def test_unterminated_think_keeps_going_to_thinking() -> None:
    splitter = ThinkTagSplitter()
    assert splitter.feed("<think>first") == ("first", "")
    assert splitter.feed(" second") == (" second", "")
    assert splitter.feed(" a < b") == (" a < b", "")
    assert splitter.flush() == ("", "")


def test_an_open_tag_inside_thinking_is_just_thinking() -> None:
    assert split("<think>a<think>b</think>c") == ("a<think>b", "c")


def test_empty_feeds_change_nothing() -> None:
    assert split("", "<think>", "", "a", "", "</think>", "", "b", "") == ("a", "b")


NO_TAGS = st.text(alphabet=st.sampled_from("<>/thinkab \n"), max_size=30).filter(
    lambda s: "<think>" not in s and "</think>" not in s
)


@settings(max_examples=300, deadline=None)
@given(thinking=NO_TAGS, answer=NO_TAGS, data=st.data())
def test_property_any_cutting_gives_back_thinking_and_answer(
    thinking: str, answer: str, data: st.DataObject
) -> None:
    stream = "<think>" + thinking + "</think>" + answer
    points = data.draw(
        st.lists(st.integers(min_value=0, max_value=len(stream)), max_size=8).map(sorted)
    )
    assert split(*cuts(stream, tuple(points))) == (thinking, answer)


@settings(max_examples=200, deadline=None)
@given(thinking=st.text(max_size=40), answer=st.text(max_size=40), data=st.data())
def test_property_with_arbitrary_unicode(thinking: str, answer: str, data: st.DataObject) -> None:
    assume("<think>" not in thinking + answer and "</think>" not in thinking + answer)
    stream = "<think>" + thinking + "</think>" + answer
    points = data.draw(
        st.lists(st.integers(min_value=0, max_value=len(stream)), max_size=6).map(sorted)
    )
    assert split(*cuts(stream, tuple(points))) == (thinking, answer)
