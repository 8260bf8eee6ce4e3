"""OpenAI's reasoning efforts as think levels, as Ollama reads them (openai.go
`thinkFromReasoningEffort`)."""

from __future__ import annotations

from shim.domain.completion import ThinkLevel
from shim.domain.errors import InvalidRequest

# Ollama's own levels, and the clamped ends of OpenAI's scale; LM Studio's highest is "high".
EFFORTS: dict[str, tuple[bool, ThinkLevel | None]] = {
    "none": (False, None),
    "minimal": (True, "low"),
    "low": (True, "low"),
    "medium": (True, "medium"),
    "high": (True, "high"),
    "max": (True, "high"),
    "xhigh": (True, "high"),
    "ultra": (True, "high"),
}
EFFORT_CHOICES = '"minimal", "low", "medium", "high", "xhigh", "ultra", "max", or "none"'


def think_from_effort(effort: str) -> tuple[bool | None, ThinkLevel | None]:
    """No effort leaves the model's default."""
    if not effort:
        return None, None
    setting = EFFORTS.get(effort)
    if setting is None:
        raise InvalidRequest(f'invalid reasoning value: "{effort}" (must be {EFFORT_CHOICES})')
    return setting
