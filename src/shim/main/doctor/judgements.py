"""What LM Studio's model lists say about its set-up: which APIs it serves, whether it wants a
token, whether it loads models on first use."""

from __future__ import annotations

from urllib.parse import urlsplit

from shim.domain.errors import UpstreamError
from shim.main.config import Settings, env_var
from shim.main.doctor import probes
from shim.main.doctor.findings import Check
from shim.main.doctor.probes import ListingAnswer

TOKEN = env_var("lmstudio_api_token")
MAKE_TOKEN = "LM Studio's Developer tab > Server Settings > Manage Tokens"
START_SERVER = (
    "start LM Studio's server: `lms server start`, or the server switch in LM Studio's "
    f"Developer tab; or set {env_var('lmstudio_url')} to where it listens"
)


def listing_check(listings: list[ListingAnswer], settings: Settings) -> Check:
    said = "; ".join(f"{probes.API_NAMES[answer.path]}: {_outcome(answer)}" for answer in listings)
    if any(answer.lists_models for answer in listings):
        return Check(name="apis", status="ok", detail=said)
    if any(answer.refused for answer in listings):
        fix = f"set {TOKEN} to a token LM Studio accepts ({MAKE_TOKEN})"
        return Check(name="apis", status="fail", detail=said, fix=fix)
    if all(answer.status is None for answer in listings):
        unreached = listings[0].error or "no answer"
        return Check(name="apis", status="fail", detail=unreached, fix=START_SERVER)
    if all(answer.error_with_200 for answer in listings):
        path = urlsplit(settings.lmstudio_url).path
        blame = f" (its path {path} is likely why)" if path not in ("", "/") else ""
        return Check(
            name="apis",
            status="fail",
            detail=f"the URL answers HTTP 200 with an error body to every model list: {said}",
            fix=f"set {env_var('lmstudio_url')} to LM Studio's server root, such as "
            f"http://localhost:1234, with nothing after the port{blame}",
        )
    return Check(
        name="apis",
        status="fail",
        detail=f"no model list answered: {said}",
        fix="point shim at LM Studio (or another OpenAI-compatible server) and its root URL",
    )


def _outcome(answer: ListingAnswer) -> str:
    if answer.models is not None:
        return f"{len(answer.models)} models"
    if answer.error_with_200:
        return f"HTTP 200 with an error body ({answer.error})"
    if answer.status is None:
        return answer.error or "no answer"
    return f"HTTP {answer.status}"


async def auth_check(listings: list[ListingAnswer], settings: Settings) -> Check:
    token = settings.lmstudio_api_token
    if any(answer.refused for answer in listings):
        if token:
            return Check(
                name="auth",
                status="fail",
                detail=f"LM Studio refuses the token in {TOKEN}",
                fix=f"create a token in {MAKE_TOKEN} and set {TOKEN} to it",
            )
        return Check(
            name="auth",
            status="fail",
            detail="LM Studio requires authentication and no token is set",
            fix=f"set {TOKEN} to a token from {MAKE_TOKEN}, or turn off Require Authentication",
        )
    if token and await _refuses_anonymous(settings):
        return Check(name="auth", status="ok", detail="required; the token is accepted")
    extra = f" ({TOKEN} is sent anyway)" if token else ""
    return Check(name="auth", status="ok", detail=f"not required{extra}")


async def _refuses_anonymous(settings: Settings) -> bool:
    async with probes.lmstudio_client(settings, with_token=False) as client:
        try:
            reply = await client.call("GET", "/v1/models")
        except UpstreamError:
            return False
    return reply.status in (401, 403)


def jit_check(listings: list[ListingAnswer]) -> Check:
    """/api/v1 lists every downloaded model; /v1 lists the unloaded ones only with JIT on."""
    by_path = {answer.path: answer.models for answer in listings}
    every, offered = by_path.get("/api/v1/models"), by_path.get("/v1/models")
    if every is None or offered is None:
        return Check(name="jit", status="ok", detail="cannot tell: needs /api/v1 and /v1")
    loaded = [model for model in every if model.is_loaded]
    unloaded = {model.key for model in every if not model.is_loaded}
    if not unloaded:
        return Check(name="jit", status="ok", detail="cannot tell: every model is loaded")
    offered_keys = {model.key for model in offered}
    if unloaded & offered_keys:
        return Check(name="jit", status="ok", detail="on: models load on first use")
    loaded_names = {model.key for model in loaded} | {
        instance.instance_id for model in loaded for instance in model.loaded_instances
    }
    if not offered_keys <= loaded_names:
        return Check(name="jit", status="ok", detail="cannot tell: /v1 names other models")
    if loaded:
        return Check(
            name="jit",
            status="ok",
            detail=f"off: only the {len(loaded)} loaded models can answer",
        )
    return Check(
        name="jit",
        status="fail",
        detail="off, and no model is loaded: every request will fail",
        fix="load a model (`lms load <model>`, or LM Studio's Developer tab), or turn on "
        "Just in Time Model Loading in LM Studio's server settings",
    )
