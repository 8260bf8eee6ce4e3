"""The docs name every setting and every route, so they cannot quietly fall behind the code."""

from pathlib import Path

import pytest

from shim.api.openapi import openapi_document
from shim.main.config import SETTING_NAMES, env_var, flag

DOCS = Path(__file__).parents[2] / "docs"


@pytest.mark.parametrize("name", SETTING_NAMES)
def test_every_setting_is_documented_with_its_flag(name: str) -> None:
    configuration = (DOCS / "configuration.md").read_text()
    assert f"`{env_var(name)}`" in configuration
    assert f"`{flag(name)}`" in configuration


@pytest.mark.parametrize("path", sorted(openapi_document("0")["paths"]))
def test_every_route_is_in_the_compatibility_matrix(path: str) -> None:
    matrix = (DOCS / "compatibility.md").read_text() + (DOCS / "reliability.md").read_text()
    written = path.replace("{digest}", ":digest").replace("{model_id}", "{id}")
    assert written in matrix
