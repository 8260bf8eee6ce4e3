"""Aliases: listed beside the backend's models, resolved to them, their defaults merged in."""

from __future__ import annotations

import msgspec

from shim.domain.completion import ChatMessage, CompletionRequest, Sampling
from shim.domain.models import ModelDefaults, ModelRecord
from shim.domain.ports import AliasStore, ModelCatalog


class AliasingCatalog(ModelCatalog):
    """The backend's models, then one record per alias whose target the backend still has."""

    def __init__(self, source: ModelCatalog, store: AliasStore) -> None:
        self._source = source
        self._store = store

    async def list_models(self) -> list[ModelRecord]:
        models = list(await self._source.list_models())
        by_key = {record.key: record for record in models}
        for alias in await self._store.load():
            target = by_key.get(alias.target)
            if target is not None:
                models.append(
                    msgspec.structs.replace(
                        target,
                        key=alias.name,
                        display_name=alias.name,
                        alias_of=target.key,
                        modified_at=alias.created_at,
                        defaults=alias.defaults,
                    )
                )
        return models


def with_defaults(request: CompletionRequest, defaults: ModelDefaults | None) -> CompletionRequest:
    """The request's own settings win; the model's fill what it left open."""
    if defaults is None:
        return request
    messages = request.messages
    if defaults.system and messages and not any(m.role == "system" for m in messages):
        messages = (ChatMessage(role="system", content=defaults.system), *messages)
    return msgspec.structs.replace(
        request,
        messages=messages,
        sampling=merged(defaults.sampling, request.sampling),
        context_length=request.context_length or defaults.context_length,
    )


def merged(base: Sampling, override: Sampling) -> Sampling:
    fields = {
        field.name: value
        if (value := getattr(override, field.name)) not in (None, ())
        else getattr(base, field.name)
        for field in msgspec.structs.fields(Sampling)
    }
    return Sampling(**fields)


def combine(base: ModelDefaults | None, extra: ModelDefaults) -> ModelDefaults:
    """An alias of an alias keeps what the first one set, unless it sets it again."""
    if base is None:
        return extra
    return ModelDefaults(
        system=extra.system or base.system,
        sampling=merged(base.sampling, extra.sampling),
        context_length=extra.context_length or base.context_length,
        template=extra.template or base.template,
    )


def alias_key(name: str) -> str:
    """Aliases are kept without the default tag, as backend keys are."""
    return name.strip().removesuffix(":latest")
