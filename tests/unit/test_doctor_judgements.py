"""What doctor concludes about JIT loading from /api/v1's and /v1's model lists."""

from __future__ import annotations

import pytest

from shim.domain.models import LoadedInstance, ModelRecord
from shim.main.doctor.judgements import jit_check
from shim.main.doctor.probes import ListingAnswer

LOADED = ModelRecord(key="a", loaded_instances=(LoadedInstance(instance_id="a:2"),))
UNLOADED = ModelRecord(key="b")


def listings(every: list[ModelRecord], offered: list[str] | None) -> list[ListingAnswer]:
    v1 = ListingAnswer(path="/api/v1/models", status=200, models=every)
    models = None if offered is None else [ModelRecord(key=key) for key in offered]
    return [
        v1,
        ListingAnswer(path="/v1/models", status=200 if models is not None else 404, models=models),
    ]


@pytest.mark.parametrize(
    ("every", "offered", "status", "detail"),
    [
        ([LOADED, UNLOADED], ["a", "b"], "ok", "on: models load on first use"),
        ([LOADED, UNLOADED], ["a"], "ok", "off: only the 1 loaded models can answer"),
        ([LOADED, UNLOADED], ["a:2"], "ok", "off: only the 1 loaded models can answer"),
        ([UNLOADED], [], "fail", "off, and no model is loaded: every request will fail"),
        ([LOADED], ["a"], "ok", "cannot tell: every model is loaded"),
        ([LOADED, UNLOADED], ["a", "c"], "ok", "cannot tell: /v1 names other models"),
        ([LOADED, UNLOADED], None, "ok", "cannot tell: needs /api/v1 and /v1"),
    ],
)
def test_jit_is_told_from_what_v1_lists(
    every: list[ModelRecord], offered: list[str] | None, status: str, detail: str
) -> None:
    check = jit_check(listings(every, offered))
    assert (check.status, check.detail) == (status, detail)
