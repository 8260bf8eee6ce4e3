"""The `template` /api/show answers: a Go template whose variables agree with the capabilities.

LM Studio applies each model's real chat template itself and does not expose it. Ollama grants
`tools` exactly when a template reads `.Tools` (and `thinking` when it has thinking tags), and
clients apply the same rule to the template they are shown, so the template shim describes reads
the variables of the capabilities it grants, and nothing more.
"""

from __future__ import annotations

from shim.domain.models import Capability

# Ollama's default for a model without a chat template of its own.
PASSTHROUGH_TEMPLATE = "{{ .Prompt }}"

_SYSTEM = "{{- if .System }}<|system|>{{ .System }}\n{{ end }}"
_TOOLS = "{{- if .Tools }}<|tools|>{{ range .Tools }}{{ json . }}\n{{ end }}{{ end }}"
_OPEN_MESSAGE = "{{- range .Messages }}<|{{ .Role }}|>"
_THINKING = "{{ if .Thinking }}<think>{{ .Thinking }}</think>{{ end }}"
_CONTENT = "{{ .Content }}"
_TOOL_CALLS = "{{ range .ToolCalls }}<|call|>{{ json .Function }}{{ end }}"
_CLOSE_MESSAGE = "\n{{ end }}<|assistant|>"


def template_for(capabilities: tuple[Capability, ...]) -> str:
    """A chat template reading `.Tools` and `.ToolCalls` when tools are granted, thinking tags
    when thinking is; the passthrough template when neither is."""
    tools = Capability.TOOLS in capabilities
    thinking = Capability.THINKING in capabilities
    if not (tools or thinking):
        return PASSTHROUGH_TEMPLATE
    parts = [
        _SYSTEM,
        _TOOLS if tools else "",
        _OPEN_MESSAGE,
        _THINKING if thinking else "",
        _CONTENT,
        _TOOL_CALLS if tools else "",
        _CLOSE_MESSAGE,
    ]
    return "".join(parts)
