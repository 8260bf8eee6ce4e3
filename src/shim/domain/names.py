"""Ollama-style names for backend model keys: `key:latest`, and `key@variant` as `key:variant`."""

from __future__ import annotations

import re

DEFAULT_TAG = "latest"
# Ollama's grammar: [host/][namespace/]model[:tag], parts starting with a letter, digit or _.
_PART = r"[A-Za-z0-9_][A-Za-z0-9_.-]{0,79}"
_NAME = re.compile(rf"(?:[A-Za-z0-9_.:-]{{1,350}}/)?(?:{_PART}/)?{_PART}(?::{_PART})?")


def ollama_name(key: str) -> str:
    """The name a model key is listed under, always carrying a tag."""
    base, at, variant = key.partition("@")
    if at and variant:
        return f"{base}:{variant}"
    if ":" in key.rsplit("/", 1)[-1]:
        return key
    return f"{key}:{DEFAULT_TAG}"


def lookup_forms(name: str) -> tuple[str, ...]:
    """Case-folded spellings under which `name` may be found, most specific first."""
    folded = name.strip().casefold()
    base, colon, tag = folded.rpartition(":")
    if not colon or "/" in tag:
        return (folded, f"{folded}:{DEFAULT_TAG}")
    if tag == DEFAULT_TAG:
        return (folded, base)
    return (folded, f"{base}@{tag}")


def is_valid_name(name: str) -> bool:
    return bool(_NAME.fullmatch(name))
