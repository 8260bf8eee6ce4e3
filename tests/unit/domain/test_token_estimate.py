import pytest

from shim.domain.token_estimate import estimated_tokens


@pytest.mark.parametrize(
    ("texts", "tokens"),
    [
        ([], 0),
        ([""], 0),
        (["hello"], 1),
        (["The sky is blue."], 5),
        (["a", "b"], 2),
        (["   "], 1),
        (["2026-12-02"], 5),
        (["internationalization"], 4),
    ],
)
def test_estimates_count_words_symbols_and_long_words(texts: list[str], tokens: int) -> None:
    assert estimated_tokens(texts) == tokens


def test_every_non_empty_text_costs_at_least_one_token() -> None:
    assert estimated_tokens(["x"] * 7) == 7
