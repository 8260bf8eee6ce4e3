"""Model listings in LM Studio's /api/v1/models shape, as captured from LM Studio 0.4.x."""

from __future__ import annotations

from typing import Any

QWEN_MOE: dict[str, Any] = {
    "type": "llm",
    "publisher": "unsloth",
    "key": "qwen3.6-35b-a3b-mtp",
    "display_name": "Qwen3.6 35B A3B UD",
    "architecture": "qwen35moe",
    "quantization": {"name": "Q3_K_M", "bits_per_weight": 3},
    "size_bytes": 18890707872,
    "params_string": "35B-A3B",
    "loaded_instances": [
        {
            "id": "qwen3.6-35b-a3b-mtp",
            "config": {
                "context_length": 32768,
                "eval_batch_size": 2048,
                "parallel": 4,
                "flash_attention": True,
                "physical_batch_size": 512,
            },
        }
    ],
    "max_context_length": 262144,
    "format": "gguf",
    "capabilities": {
        "vision": False,
        "trained_for_tool_use": True,
        "reasoning": {"allowed_options": ["off", "on"], "default": "on"},
    },
    "description": None,
}

GEMMA_VISION: dict[str, Any] = {
    "type": "llm",
    "publisher": "google",
    "key": "google/gemma-4-12b-qat",
    "display_name": "Gemma 4 12B QAT",
    "architecture": "gemma4",
    "quantization": {"name": "Q4_0", "bits_per_weight": 4},
    "size_bytes": 8070000000,
    "params_string": "12B",
    "loaded_instances": [],
    "max_context_length": 131072,
    "format": "mlx",
    "capabilities": {"vision": True, "trained_for_tool_use": False},
    "variants": ["google/gemma-4-12b-qat@q4_0"],
    "selected_variant": "google/gemma-4-12b-qat@q4_0",
}

NOMIC_EMBED: dict[str, Any] = {
    "type": "embedding",
    "publisher": "nomic-ai",
    "key": "text-embedding-nomic-embed-text-v1.5",
    "display_name": "Nomic Embed Text v1.5",
    "quantization": {"name": "Q4_K_M", "bits_per_weight": 4},
    "size_bytes": 84106624,
    "params_string": None,
    "loaded_instances": [],
    "max_context_length": 2048,
    "format": "gguf",
}


def default_models() -> list[dict[str, Any]]:
    return [dict(QWEN_MOE), dict(GEMMA_VISION), dict(NOMIC_EMBED)]


def v0_listing(models: list[dict[str, Any]]) -> dict[str, Any]:
    """The same models as LM Studio's older /api/v0/models reports them."""
    return {"object": "list", "data": [_v0_entry(model) for model in models]}


def _v0_entry(model: dict[str, Any]) -> dict[str, Any]:
    caps = model.get("capabilities") or {}
    kind = "embeddings" if model["type"] == "embedding" else "vlm" if caps.get("vision") else "llm"
    loaded = model.get("loaded_instances") or []
    entry: dict[str, Any] = {
        "id": model["key"],
        "object": "model",
        "type": kind,
        "publisher": model.get("publisher"),
        "arch": model.get("architecture"),
        "compatibility_type": model.get("format"),
        "quantization": (model.get("quantization") or {}).get("name"),
        "state": "loaded" if loaded else "not-loaded",
        "max_context_length": model.get("max_context_length"),
    }
    if loaded:
        entry["loaded_context_length"] = loaded[0]["config"]["context_length"]
    if caps.get("trained_for_tool_use"):
        entry["capabilities"] = ["tool_use"]
    return entry


def openai_listing(models: list[dict[str, Any]]) -> dict[str, Any]:
    """The same models as the OpenAI-compatible /v1/models reports them: ids only."""
    return {
        "data": [
            {"id": model["key"], "object": "model", "owned_by": "organization_owner"}
            for model in models
        ],
        "object": "list",
    }
