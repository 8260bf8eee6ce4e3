"""Every runtime dependency has an upper bound: shim relies on their behaviour, and a new major
release must be a decision, not a surprise."""

import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement

PYPROJECT = Path(__file__).parents[2] / "pyproject.toml"
RUNTIME = tomllib.loads(PYPROJECT.read_text())["project"]["dependencies"]


@pytest.mark.parametrize("requirement", RUNTIME)
def test_a_runtime_dependency_has_an_upper_bound(requirement: str) -> None:
    operators = {spec.operator for spec in Requirement(requirement).specifier}
    assert operators & {"<", "<=", "~=", "=="}, f"{requirement} has no upper bound"
