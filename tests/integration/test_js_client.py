"""The official `ollama` npm client (tests/js) drives shim: one `node --test` run per scenario."""

import pytest

from tests.conftest import StartShim
from tests.support.lmstudio_double import LMStudioDouble
from tests.support.node_tests import node_skips, run_node_tests
from tests.support.sse_scripts import content_script, error_event, tool_call_script

pytestmark = node_skips("ollama")

SCRIPTS = {
    "default": None,
    "tools": tool_call_script([("1", "get_weather", '{"city":"Paris"}')]),
    "stream-error": [*content_script(["partial"])[:2], error_event("boom")],
}


@pytest.mark.timeout(90)  # above node's own 60 s limit, so a hang reports node's output
@pytest.mark.parametrize("scenario", list(SCRIPTS))
def test_official_js_client(lmstudio: LMStudioDouble, start_shim: StartShim, scenario: str) -> None:
    script = SCRIPTS[scenario]
    if script is not None:
        lmstudio.chat_script = script
    run_node_tests("ollama-client.test.mjs", start_shim(), scenario)
