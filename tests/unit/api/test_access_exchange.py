"""What the access line says was sent, and when a client's departure counts as one."""

from shim.api.request_context import Exchange

START = {"type": "http.response.start", "status": 200}
GONE = {"type": "http.disconnect"}


def body(data: bytes, more: bool) -> dict[str, object]:
    return {"type": "http.response.body", "body": data, "more_body": more}


def test_a_complete_answer_then_a_disconnect_is_no_departure() -> None:
    exchange = Exchange()
    for message in (START, body(b"abc", True), body(b"", False)):
        exchange.sending(message)
    exchange.received(GONE)
    assert (exchange.status, exchange.sent, exchange.departure()) == (200, 3, {})


def test_what_is_sent_after_the_client_left_is_not_counted() -> None:
    exchange = Exchange()
    exchange.sending(START)
    exchange.sending(body(b"abc", True))
    exchange.received(GONE)
    exchange.sending(body(b"never read", True))
    assert (exchange.status, exchange.sent, exchange.departure()) == (
        200,
        3,
        {"disconnected": True},
    )


def test_an_answer_started_after_the_client_left_never_started() -> None:
    exchange = Exchange()
    exchange.received({"type": "http.request", "body": b"{", "more_body": True})
    exchange.received(GONE)
    exchange.sending({"type": "http.response.start", "status": 500})
    assert (exchange.status, exchange.sent, exchange.departure()) == (
        None,
        0,
        {"disconnected": True},
    )
