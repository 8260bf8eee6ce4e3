from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from shim.adapters.lmstudio.sse import SSEEvent, SSEParser


def parse(*chunks: bytes) -> list[SSEEvent]:
    parser = SSEParser()
    events: list[SSEEvent] = []
    for chunk in chunks:
        events.extend(parser.feed(chunk))
    return events


def msg(data: bytes, event: str = "message") -> SSEEvent:
    return SSEEvent(event=event, data=data)


def test_plain_data_event() -> None:
    assert parse(b'data: {"a": 1}\n\n') == [msg(b'{"a": 1}')]


def test_done_sentinel_and_several_events_in_one_chunk() -> None:
    assert parse(b'data: {"x":1}\n\ndata: [DONE]\n\n') == [msg(b'{"x":1}'), msg(b"[DONE]")]


def test_multi_line_data_is_joined_with_newline() -> None:
    assert parse(b"data: one\ndata: two\ndata:\ndata: three\n\n") == [msg(b"one\ntwo\n\nthree")]


def test_only_a_space_is_dropped_not_other_whitespace() -> None:
    assert parse(b"data:\tx\n\n", b"data:\t x \n\n") == [msg(b"\tx"), msg(b"\t x ")]


def test_data_without_space() -> None:
    assert parse(b"data:{}\n\n") == [msg(b"{}")]


def test_only_one_leading_space_is_dropped() -> None:
    assert parse(b"data:  two spaces\n\n") == [msg(b" two spaces")]


def test_empty_data_line_still_dispatches_an_empty_event() -> None:
    assert parse(b"data:\n\n", b"data\n\n") == [msg(b""), msg(b"")]


def test_colon_in_value_is_kept() -> None:
    assert parse(b"data: a: b:c\n\n") == [msg(b"a: b:c")]


def test_comments_are_ignored() -> None:
    stream = b": keep-alive\n\n:\ndata: x\n: in the middle\ndata: y\n\n"
    assert parse(stream) == [msg(b"x\ny")]


def test_event_field_sets_the_type() -> None:
    stream = b'event: error\ndata: {"error": "boom"}\n\n'
    assert parse(stream) == [msg(b'{"error": "boom"}', "error")]


def test_event_type_resets_after_dispatch() -> None:
    stream = b"event: error\ndata: a\n\ndata: b\n\n"
    assert parse(stream) == [msg(b"a", "error"), msg(b"b")]


def test_event_type_resets_on_blank_line_without_data() -> None:
    assert parse(b"event: error\n\ndata: b\n\n") == [msg(b"b")]


def test_event_value_keeps_all_but_one_leading_space() -> None:
    assert parse(b"event:  two\ndata: x\n\n") == [msg(b"x", " two")]


def test_empty_event_field_means_message() -> None:
    assert parse(b"event:\ndata: b\n\n") == [msg(b"b")]


def test_blank_lines_without_data_dispatch_nothing() -> None:
    assert parse(b"\n\n\r\n\r\r\n") == []


def test_id_retry_and_unknown_fields_are_ignored() -> None:
    stream = b"id: 7\nretry: 1000\nfoo: bar\nid\ndata: x\n\nid: 8\n\n"
    assert parse(stream) == [msg(b"x")]


def test_field_name_must_match_exactly() -> None:
    assert parse(b"Data: x\ndata : y\ndatax: z\n\n") == []


def test_crlf_line_endings() -> None:
    assert parse(b"event: e\r\ndata: a\r\ndata: b\r\n\r\n") == [msg(b"a\nb", "e")]


def test_lone_cr_line_endings() -> None:
    assert parse(b"event: e\rdata: a\rdata: b\r\r") == [msg(b"a\nb", "e")]


def test_mixed_line_endings() -> None:
    assert parse(b"data: a\rdata: b\r\ndata: c\n\r\n") == [msg(b"a\nb\nc")]


def test_crlf_split_across_feeds_is_one_line_ending() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\r") == []
    assert parser.feed(b"\ndata: b\r") == []
    assert parser.feed(b"\n") == []
    assert parser.feed(b"\r\n") == [msg(b"a\nb")]


def test_cr_at_chunk_end_dispatches_without_waiting() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\r\r") == [msg(b"a")]
    assert parser.feed(b"\ndata: b\n\n") == [msg(b"b")]


def test_empty_feeds_between_cr_and_lf() -> None:
    parser = SSEParser()
    assert parser.feed(b"data: a\r") == []
    assert parser.feed(b"") == []
    assert parser.feed(b"\n") == []
    assert parser.feed(b"\n") == [msg(b"a")]


def test_bom_is_stripped() -> None:
    assert parse(b"\xef\xbb\xbfdata: x\n\n") == [msg(b"x")]


def test_bom_split_across_feeds_is_stripped() -> None:
    assert parse(b"\xef", b"", b"\xbb", b"\xbfdata: x\n\n") == [msg(b"x")]


def test_bom_only_stripped_at_stream_start() -> None:
    # A later BOM is part of the field name, so the line is an unknown field.
    assert parse(b"data: x\n\n", b"\xef\xbb\xbfdata: y\n\n") == [msg(b"x")]


def test_bom_in_data_value_is_kept() -> None:
    assert parse(b"data: \xef\xbb\xbfx\n\n") == [msg(b"\xef\xbb\xbfx")]


def test_short_first_chunk_that_is_not_a_bom() -> None:
    assert parse(b"d", b"ata: x\n\n") == [msg(b"x")]


def test_unterminated_trailing_event_is_not_emitted() -> None:
    assert parse(b"data: a\n\ndata: b\n") == [msg(b"a")]
    assert parse(b"data: a\n\ndata: b") == [msg(b"a")]
    assert parse(b"data: a\n\ndata: b\r") == [msg(b"a")]


def test_empty_feed_returns_empty_list() -> None:
    parser = SSEParser()
    assert parser.feed(b"") == []
    assert parser.feed(b"data: x\n\n") == [msg(b"x")]
    assert parser.feed(b"") == []


def test_events_complete_in_the_chunk_that_ends_them() -> None:
    parser = SSEParser()
    assert parser.feed(b"da") == []
    assert parser.feed(b"ta: hel") == []
    assert parser.feed(b"lo\n") == []
    assert parser.feed(b"\ndata: next") == [msg(b"hello")]
    assert parser.feed(b"\n\n") == [msg(b"next")]


def test_a_read_of_plain_events_gives_each_of_them() -> None:
    frames = [b'data: {"n":%d}\n\n' % n for n in range(50)]
    whole = b"".join(frames)
    expected = [msg(b'{"n":%d}' % n) for n in range(50)]
    assert parse(whole) == expected
    assert parse(whole[:333], whole[333:]) == expected


def test_plain_events_after_an_event_left_open_keep_its_state() -> None:
    parser = SSEParser()
    assert parser.feed(b"event: error\n") == []
    assert parser.feed(b"data: x\n\ndata: y\n\n") == [msg(b"x", "error"), msg(b"y")]
    assert parser.feed(b"data: a\n") == []
    assert parser.feed(b"data: b\n\ndata: c\n\n") == [msg(b"a\nb"), msg(b"c")]


def test_multibyte_utf8_split_across_feeds() -> None:
    encoded = "data: é中😀\n\n".encode()
    assert parse(*(encoded[i : i + 1] for i in range(len(encoded)))) == [msg("é中😀".encode())]


def test_non_ascii_event_type() -> None:
    assert parse("event: ünï\ndata: x\n\n".encode()) == [msg(b"x", "ünï")]


def test_events_are_frozen() -> None:
    event = msg(b"x")
    with pytest.raises(AttributeError):
        event.data = b"y"  # type: ignore[misc]


# Property tests: generate events, encode them with random line endings and comments,
# cut the byte stream at random points and check the parser recovers the events.

EVENT_TYPES = [None, "message", "error", " spaced", "ünï"]
LINE_TEXT = st.text(
    alphabet=st.one_of(
        st.sampled_from(' :aZ0{}"[]é中😀\u2028\x00\t'),
        st.characters(exclude_categories=["Cs"], exclude_characters="\r\n"),
    ),
    max_size=12,
)
ENDINGS = [b"\n", b"\r\n", b"\r"]


@st.composite
def streams(draw: st.DrawFn) -> tuple[bytes, list[SSEEvent]]:
    events = draw(
        st.lists(
            st.tuples(st.sampled_from(EVENT_TYPES), st.lists(LINE_TEXT, min_size=1, max_size=4)),
            max_size=6,
        )
    )
    lines: list[bytes] = []
    expected: list[SSEEvent] = []

    def maybe_noise(*, between_events: bool) -> None:
        kinds = ["comment", "id", "retry"] + (["blank"] if between_events else [])
        for _ in range(draw(st.integers(0, 2))):
            kind = draw(st.sampled_from(kinds))
            if kind == "comment":
                lines.append(b":" + draw(LINE_TEXT).encode())
            elif kind == "id":
                lines.append(b"id: " + draw(LINE_TEXT).encode())
            elif kind == "retry":
                lines.append(b"retry: 1000")
            else:
                lines.append(b"")  # no data yet, so dispatches nothing

    for event_type, data_lines in events:
        maybe_noise(between_events=True)
        if event_type is not None:
            colon = b"event: " if event_type.startswith(" ") or draw(st.booleans()) else b"event:"
            lines.append(colon + event_type.encode())
        for text in data_lines:
            maybe_noise(between_events=False)
            value = text.encode()
            if value.startswith(b" ") or draw(st.booleans()):
                lines.append(b"data: " + value)
            else:
                lines.append(b"data:" + value)
        lines.append(b"")
        expected.append(SSEEvent(event_type or "message", "\n".join(data_lines).encode()))
    trailing = draw(st.lists(LINE_TEXT, max_size=2))
    lines.extend(b"data: " + text.encode() for text in trailing)

    stream = bytearray(b"\xef\xbb\xbf" if draw(st.booleans()) else b"")
    previous = b""
    for line in lines:
        ending = draw(st.sampled_from(ENDINGS))
        # `\r` then an empty line ended by `\n` would read as one `\r\n`, swallowing the blank line.
        if previous == b"\r" and not line and ending == b"\n":
            ending = b"\r\n"
        stream += line + ending
        previous = ending
    drop_last_ending = draw(st.booleans())
    if trailing and drop_last_ending:
        stream = stream[: -len(previous)]
    return bytes(stream), expected


def cut(stream: bytes, positions: list[int]) -> list[bytes]:
    points = sorted({p % (len(stream) + 1) for p in positions})
    return [stream[a:b] for a, b in zip([0, *points], [*points, len(stream)], strict=True)]


@settings(max_examples=200, deadline=None)
@given(streams(), st.lists(st.integers(0, 2000), max_size=40))
def test_random_splits_give_the_encoded_events(
    generated: tuple[bytes, list[SSEEvent]], positions: list[int]
) -> None:
    stream, expected = generated
    assert parse(*cut(stream, positions)) == expected


@settings(max_examples=200, deadline=None)
@given(streams())
def test_byte_by_byte_equals_all_at_once(generated: tuple[bytes, list[SSEEvent]]) -> None:
    stream, expected = generated
    whole = parse(stream)
    assert whole == expected
    assert parse(*(stream[i : i + 1] for i in range(len(stream)))) == whole


@settings(max_examples=200, deadline=None)
@given(st.binary(max_size=200), st.lists(st.integers(0, 200), max_size=20))
def test_arbitrary_bytes_split_anywhere_match_one_feed(data: bytes, positions: list[int]) -> None:
    assert parse(*cut(data, positions)) == parse(data)
