"""A tiny llama-architecture GGUF whose weights are set by hand, for tests against real llama.cpp.

Nothing is trained or downloaded: `write_tiny_model` computes every weight, in a fraction of a
second. Whatever the sampler settings, a chat gets one of three answers:

- no tools, no tool result: "Hello! I am a tiny test model."
- tools declared: `<tool_call>` get_weather {"city": "Paris"} `</tool_call>` (Hermes style),
  which llama.cpp's server, run with its Jinja templates, returns as an OpenAI tool call;
- a tool result in the conversation: "Tool result received."

Embeddings (mean pooled) have 64 dimensions and depend on the text.

How: one transformer block used as a bigram machine. Every token of a canned answer owns one
dimension of the residual stream, and the LM head maps that dimension to the answer's next
token (the last one to the end-of-turn token). Two attention heads search the whole context for
the `<tools>` and `<tool_response>` markers; each writes a "marker seen" feature that makes the
LM head start the matching answer. Without either, a constant bias starts the greeting. The
feed-forward layer is all zeros, so it adds nothing.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from itertools import pairwise
from pathlib import Path

import gguf
import numpy as np

MODEL_NAME = "tiny-test"
GREETING = "Hello! I am a tiny test model."
TOOL_ACKNOWLEDGEMENT = "Tool result received."
TOOL_NAME = "get_weather"
TOOL_ARGUMENTS = {"city": "Paris"}

HIDDEN = 64
HEADS = 2
HEAD_DIM = HIDDEN // HEADS
FEED_FORWARD = 64
TRAINED_CONTEXT = 32768
# Rotary position embedding barely turns the last dimension pair at this base, so what the
# marker-seeking heads read there is the same at every position.
ROPE_BASE = 1e12

# The residual stream, dimension by dimension.
BIAS = 0
TOOLS_MARKER = 1
RESPONSE_MARKER = 2
SAW_TOOLS = 3
SAW_RESPONSE = 4
FIRST_ANSWER_DIM = 5
TEXT_DIMS = slice(24, HIDDEN)

# LM head gains. A later rule must outvote an earlier one by a wide margin: the greeting is the
# default, declared tools beat it, a tool result beats declared tools, and inside an answer
# the next token beats everything.
GREETING_GAIN = 25.0
TOOLS_GAIN = 50.0
RESPONSE_GAIN = 75.0
NEXT_TOKEN_GAIN = 250.0
# Makes a marker's attention score dwarf every other token's (score ~70 against 0).
MARKER_KEY_GAIN = 12.0
TEXT_NOISE = 0.15
SEED = 20240611

SPACE = "\u2581"  # how SentencePiece vocabularies spell a leading space
TURN_END = "<|im_end|>"
CONTROL_PIECES = ("<unk>", "<s>", "</s>", "<|im_start|>", TURN_END)
TAG_PIECES = (
    "<tools>",
    "</tools>",
    "<tool_call>",
    "</tool_call>",
    "<tool_response>",
    "</tool_response>",
)
ANSWERS = (
    (
        "Hello",
        "!",
        f"{SPACE}I",
        f"{SPACE}am",
        f"{SPACE}a",
        f"{SPACE}tiny",
        f"{SPACE}test",
        f"{SPACE}model",
        ".",
    ),
    (
        "<tool_call>",
        f'\n{{"name":{SPACE}"',
        TOOL_NAME,
        f'",{SPACE}"arguments":{SPACE}{{"city":{SPACE}"',
        "Paris",
        '"}}\n',
        "</tool_call>",
    ),
    ("Tool", f"{SPACE}result", f"{SPACE}received", "."),
)
FILLER_PIECES = ("the", f"{SPACE}the", f"{SPACE}and", f"{SPACE}is", f"{SPACE}of", "ing")

CHAT_TEMPLATE = """\
{%- if messages and messages[0].role == 'system' -%}
    {%- set system_text = messages[0].content -%}
{%- else -%}
    {%- set system_text = 'You are a tiny test model.' -%}
{%- endif -%}
{{- '<|im_start|>system\\n' + system_text -}}
{%- if tools -%}
    {{- '\\n\\nYou can call these functions:\\n<tools>' -}}
    {%- for tool in tools -%}
        {{- '\\n' + (tool | tojson) -}}
    {%- endfor -%}
    {{- '\\n</tools>\\n\\nTo call one, reply with its name and arguments like this:\\n' -}}
    {{- '<tool_call>\\n{"name": <function-name>, "arguments": <args-json-object>}\\n</tool_call>' -}}
{%- endif -%}
{{- '<|im_end|>\\n' -}}
{%- for message in messages -%}
    {%- if message.role == 'system' and loop.first -%}
    {%- elif message.role == 'tool' -%}
        {{- '<|im_start|>user\\n<tool_response>\\n' + message.content -}}
        {{- '\\n</tool_response><|im_end|>\\n' -}}
    {%- elif message.role == 'assistant' and message.tool_calls -%}
        {{- '<|im_start|>assistant' -}}
        {%- if message.content -%}
            {{- '\\n' + message.content -}}
        {%- endif -%}
        {%- for call in message.tool_calls -%}
            {%- if call.function is defined -%}
                {%- set call = call.function -%}
            {%- endif -%}
            {{- '\\n<tool_call>\\n{"name": "' + call.name + '", "arguments": ' -}}
            {{- (call.arguments | tojson) + '}\\n</tool_call>' -}}
        {%- endfor -%}
        {{- '<|im_end|>\\n' -}}
    {%- else -%}
        {{- '<|im_start|>' + message.role + '\\n' + message.content + '<|im_end|>\\n' -}}
    {%- endif -%}
{%- endfor -%}
{%- if add_generation_prompt -%}
    {{- '<|im_start|>assistant\\n' -}}
{%- endif -%}
"""


@dataclass
class Vocabulary:
    """A SentencePiece-style vocabulary: pieces, their merge scores and token types."""

    pieces: list[str] = field(default_factory=list)
    scores: list[float] = field(default_factory=list)
    types: list[gguf.TokenType] = field(default_factory=list)
    ids: dict[str, int] = field(default_factory=dict)

    def add(self, piece: str, token_type: gguf.TokenType) -> None:
        if piece in self.ids:
            return
        self.ids[piece] = len(self.pieces)
        self.pieces.append(piece)
        # Earlier pieces win SentencePiece merges.
        self.scores.append(-float(len(self.pieces)))
        self.types.append(token_type)

    def __len__(self) -> int:
        return len(self.pieces)


def write_tiny_model(path: Path) -> None:
    """Write the model (about 280 KB) to `path`."""
    vocabulary = build_vocabulary()
    successors = answer_successors(vocabulary)
    answer_dims = {token: FIRST_ANSWER_DIM + i for i, token in enumerate(sorted(successors))}
    assert FIRST_ANSWER_DIM + len(answer_dims) <= TEXT_DIMS.start, "answers overlap text dims"
    tensors = {
        "token_embd.weight": token_embeddings(vocabulary, answer_dims),
        "output.weight": lm_head(vocabulary, successors, answer_dims),
        "output_norm.weight": np.ones(HIDDEN, np.float32),
        "blk.0.attn_norm.weight": np.ones(HIDDEN, np.float32),
        **marker_attention(),
        "blk.0.ffn_norm.weight": np.ones(HIDDEN, np.float32),
        "blk.0.ffn_gate.weight": np.zeros((FEED_FORWARD, HIDDEN), np.float32),
        "blk.0.ffn_up.weight": np.zeros((FEED_FORWARD, HIDDEN), np.float32),
        "blk.0.ffn_down.weight": np.zeros((HIDDEN, FEED_FORWARD), np.float32),
    }
    write_gguf(path, vocabulary, tensors)


def build_vocabulary() -> Vocabulary:
    """Control tokens, byte fallbacks for any other text, the tags, then the answers' pieces."""
    vocabulary = Vocabulary()
    for piece in CONTROL_PIECES:
        vocabulary.add(
            piece, gguf.TokenType.UNKNOWN if piece == "<unk>" else gguf.TokenType.CONTROL
        )
    for byte in range(256):
        vocabulary.add(f"<0x{byte:02X}>", gguf.TokenType.BYTE)
    for piece in TAG_PIECES:
        vocabulary.add(piece, gguf.TokenType.USER_DEFINED)
    for piece in (*(p for answer in ANSWERS for p in answer), *FILLER_PIECES):
        vocabulary.add(piece, gguf.TokenType.NORMAL)
    return vocabulary


def answer_successors(vocabulary: Vocabulary) -> dict[int, int]:
    """Each answer token's next token; the last token of every answer ends the turn."""
    successors: dict[int, int] = {}
    for answer in ANSWERS:
        ids = [vocabulary.ids[piece] for piece in (*answer, TURN_END)]
        successors.update(pairwise(ids))
    return successors


def token_embeddings(vocabulary: Vocabulary, answer_dims: dict[int, int]) -> np.ndarray:
    """A bias on every token, one-hot answer dims, marker flags, and random text features."""
    embeddings = np.zeros((len(vocabulary), HIDDEN), np.float32)
    embeddings[:, BIAS] = 1.0
    for token, dim in answer_dims.items():
        embeddings[token, dim] = 1.0
    embeddings[vocabulary.ids["<tools>"], TOOLS_MARKER] = 1.0
    embeddings[vocabulary.ids["<tool_response>"], RESPONSE_MARKER] = 1.0
    text_tokens = [
        token
        for token, token_type in enumerate(vocabulary.types)
        if token_type in (gguf.TokenType.NORMAL, gguf.TokenType.BYTE) and token not in answer_dims
    ]
    width = TEXT_DIMS.stop - TEXT_DIMS.start
    noise = np.random.default_rng(SEED).normal(0.0, TEXT_NOISE, (len(text_tokens), width))
    embeddings[text_tokens, TEXT_DIMS] = noise
    return embeddings


def marker_attention() -> dict[str, np.ndarray]:
    """Head 0 finds `<tools>`, head 1 finds `<tool_response>`, anywhere before the query."""
    query, key, value, output = (np.zeros((HIDDEN, HIDDEN), np.float32) for _ in range(4))
    for head, (marker, seen) in enumerate(
        ((TOOLS_MARKER, SAW_TOOLS), (RESPONSE_MARKER, SAW_RESPONSE))
    ):
        first = head * HEAD_DIM
        probe = first + HEAD_DIM - 1  # in the slowest-turning rotary pair
        query[probe, BIAS] = 1.0
        key[probe, marker] = MARKER_KEY_GAIN
        value[first, marker] = 1.0
        # RMS norm scales a marker token (bias 1, flag 1) to sqrt(HIDDEN / 2) per dimension;
        # undo that so "seen" is 1, like the bias.
        output[seen, first] = 1.0 / np.sqrt(HIDDEN / 2)
    return {
        "blk.0.attn_q.weight": query,
        "blk.0.attn_k.weight": key,
        "blk.0.attn_v.weight": value,
        "blk.0.attn_output.weight": output,
    }


def lm_head(
    vocabulary: Vocabulary, successors: dict[int, int], answer_dims: dict[int, int]
) -> np.ndarray:
    """Logits: which answer to start, from the bias and marker features; then the next token."""
    head = np.zeros((len(vocabulary), HIDDEN), np.float32)
    greeting, tool_call, acknowledgement = (vocabulary.ids[answer[0]] for answer in ANSWERS)
    head[greeting, BIAS] = GREETING_GAIN
    head[tool_call, SAW_TOOLS] = TOOLS_GAIN
    head[acknowledgement, SAW_RESPONSE] = RESPONSE_GAIN
    for token, successor in successors.items():
        head[successor, answer_dims[token]] = NEXT_TOKEN_GAIN
    return head


def write_gguf(path: Path, vocabulary: Vocabulary, tensors: dict[str, np.ndarray]) -> None:
    writer = gguf.GGUFWriter(str(path), "llama")
    writer.add_name(MODEL_NAME)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_context_length(TRAINED_CONTEXT)
    writer.add_embedding_length(HIDDEN)
    writer.add_block_count(1)
    writer.add_feed_forward_length(FEED_FORWARD)
    writer.add_head_count(HEADS)
    writer.add_head_count_kv(HEADS)
    writer.add_rope_dimension_count(HEAD_DIM)
    writer.add_rope_freq_base(ROPE_BASE)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_pooling_type(gguf.PoolingType.MEAN)
    add_tokenizer(writer, vocabulary)
    for name, tensor in tensors.items():
        writer.add_tensor(name, tensor)
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()


def add_tokenizer(writer: gguf.GGUFWriter, vocabulary: Vocabulary) -> None:
    writer.add_tokenizer_model("llama")
    writer.add_vocab_size(len(vocabulary))
    writer.add_token_list(vocabulary.pieces)
    writer.add_token_scores(vocabulary.scores)
    writer.add_token_types([int(token_type) for token_type in vocabulary.types])
    writer.add_unk_token_id(vocabulary.ids["<unk>"])
    writer.add_bos_token_id(vocabulary.ids["<s>"])
    writer.add_eos_token_id(vocabulary.ids[TURN_END])
    writer.add_pad_token_id(vocabulary.ids["</s>"])
    writer.add_add_bos_token(False)
    writer.add_add_eos_token(False)
    writer.add_add_space_prefix(False)
    writer.add_chat_template(CHAT_TEMPLATE)
