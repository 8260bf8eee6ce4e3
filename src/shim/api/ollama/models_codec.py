"""Pure mapping from catalog records to Ollama's /api/tags, /api/ps and /api/show bodies."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

import msgspec

from shim.api.ollama.go_format import FOREVER, digest_of, go_time, go_value, parameter_line
from shim.api.ollama.show_template import template_for
from shim.api.ollama.wire import (
    ListedModel,
    ModelDetails,
    PsResponse,
    RunningModel,
    ShowResponse,
    TagsResponse,
)
from shim.domain.models import LoadedInstance, ModelDefaults, ModelRecord
from shim.domain.names import ollama_name

COPILOT_USER_AGENT = "GitHubCopilotChat/"
UNKNOWN_ARCHITECTURE = "unknown"
OLLAMA_PARAMETERS = {
    "temperature": "temperature",
    "top_p": "top_p",
    "top_k": "top_k",
    "min_p": "min_p",
    "max_tokens": "num_predict",
    "seed": "seed",
    "repeat_penalty": "repeat_penalty",
    "presence_penalty": "presence_penalty",
    "frequency_penalty": "frequency_penalty",
}
FORMAT_NAMES = {"gguf": "gguf", "mlx": "safetensors", "safetensors": "safetensors"}


def details_of(record: ModelRecord, *, with_window: bool) -> ModelDetails:
    family = record.architecture or ""
    details = ModelDetails(
        format=FORMAT_NAMES.get((record.format or "").lower(), record.format or ""),
        family=family,
        families=[family] if family else None,
        parameter_size=record.parameter_size or "",
        quantization_level=record.quantization or "",
    )
    if with_window and record.context_length:
        details.context_length = record.context_length
    return details


def tags_from_models(records: Sequence[ModelRecord], fallback_time: datetime) -> TagsResponse:
    listed = sorted(records, key=lambda r: r.modified_at or fallback_time, reverse=True)
    return TagsResponse(models=[_listed(record, fallback_time) for record in listed])


def _listed(record: ModelRecord, fallback_time: datetime) -> ListedModel:
    name = ollama_name(record.key)
    return ListedModel(
        name=name,
        model=name,
        modified_at=go_time(record.modified_at or fallback_time),
        size=record.size_bytes,
        digest=digest_of(record),
        details=details_of(record, with_window=True),
        capabilities=[str(capability) for capability in record.capabilities],
    )


def ps_from_models(records: Sequence[ModelRecord], now: datetime) -> PsResponse:
    expires_at = go_time(now + FOREVER)
    running = [
        _running(record, instance, expires_at)
        for record in records
        for instance in record.loaded_instances
    ]
    return PsResponse(models=running)


def _running(record: ModelRecord, instance: LoadedInstance, expires_at: str) -> RunningModel:
    name = ollama_name(record.key) if instance.instance_id == record.key else instance.instance_id
    return RunningModel(
        name=name,
        model=name,
        size=record.size_bytes,
        digest=digest_of(record),
        details=details_of(record, with_window=False),
        expires_at=expires_at,
        # LM Studio offloads fully to the GPU by default and does not report the split.
        size_vram=record.size_bytes,
        context_length=instance.context_length or msgspec.UNSET,
    )


def show_from_model(
    record: ModelRecord,
    requested: str,
    user_agent: str,
    fallback_time: datetime,
    *,
    verbose: bool = False,
) -> ShowResponse:
    name = ollama_name(record.key)
    parameters = _parameters(record)
    defaults = record.defaults or ModelDefaults()
    template = defaults.template or template_for(record.capabilities)
    return ShowResponse(
        modelfile=_modelfile(name, parameters, template, defaults.system),
        parameters="\n".join(parameter_line(key, value) for key, value in parameters),
        template=template,
        system=defaults.system or msgspec.UNSET,
        details=details_of(record, with_window=False),
        model_info=_model_info(record, requested, user_agent),
        # Asked for verbosely, Ollama lists the weights' tensors; LM Studio shows none to shim.
        tensors=[] if verbose else msgspec.UNSET,
        capabilities=[str(capability) for capability in record.capabilities],
        modified_at=go_time(record.modified_at or fallback_time),
    )


Parameter = tuple[str, int | float | str]


def _parameters(record: ModelRecord) -> list[Parameter]:
    """num_ctx is the window in use (or an alias's own); then whatever an alias sets."""
    defaults = record.defaults or ModelDefaults()
    loaded = next((i.context_length for i in record.loaded_instances if i.context_length), None)
    window = defaults.context_length or loaded
    pairs: list[Parameter] = [("num_ctx", window)] if window else []
    for field, name in OLLAMA_PARAMETERS.items():
        value = getattr(defaults.sampling, field)
        if value is not None:
            pairs.append((name, value))
    pairs.extend(("stop", word) for word in defaults.sampling.stop)
    return pairs


def _model_info(record: ModelRecord, requested: str, user_agent: str) -> dict[str, Any]:
    # Copilot shows general.basename as the model's name; Ollama answers it with what it asked for.
    copilot = user_agent.startswith(COPILOT_USER_AGENT)
    info: dict[str, Any] = {
        "general.basename": requested if copilot else record.display_name or record.key
    }
    # Clients find the window under "<architecture>.context_length": keep it findable even when
    # the backend does not name the architecture.
    architecture = record.architecture or (UNKNOWN_ARCHITECTURE if record.context_length else None)
    if architecture:
        info["general.architecture"] = architecture
        if record.context_length:
            info[f"{architecture}.context_length"] = record.context_length
    return info


def _modelfile(name: str, parameters: list[Parameter], template: str, system: str | None) -> str:
    lines = [
        '# Modelfile generated by "ollama show"',
        "# To build a new Modelfile based on this, replace FROM with:",
        f"# FROM {name}",
        "",
        f"FROM {name}",
        f'TEMPLATE """{template}"""',
        *([f'SYSTEM """{system}"""'] if system else []),
        *(f"PARAMETER {key} {go_value(value)}" for key, value in parameters),
    ]
    return "\n".join(lines) + "\n"
