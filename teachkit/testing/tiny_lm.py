"""A tiny character-level causal language model and its tokenizer, built locally.

For tests, examples and CPU benchmarks of the LLM integrations: nothing is downloaded. The
tokenizer knows one token per character of ``alphabet`` plus ``<pad>``, ``<bos>`` and
``<eos>``; the model is a randomly initialised Llama-architecture decoder of the requested
size (``transformers`` builds it from a config).

Example:
    >>> from teachkit.testing.tiny_lm import tiny_lm
    >>> model, tokenizer = tiny_lm(seed=0)
    >>> tokenizer("12+3=")["input_ids"]
    [4, 5, 13, 6, 17]
    >>> tokenizer.decode([4, 5, 13, 6])
    '12+3'
"""

from __future__ import annotations

from typing import Any

from teachkit.errors import MissingDependencyError

ALPHABET = "0123456789+-*/=() ,:?abcdefghijklmnopqrstuvwxyz"
SPECIALS = ("<pad>", "<bos>", "<eos>")


def char_tokenizer(alphabet: str = ALPHABET) -> Any:
    """A ``PreTrainedTokenizerFast`` with one token per character (ids 3.. in order)."""
    try:
        from tokenizers import Tokenizer, decoders, models, pre_tokenizers
        from transformers import PreTrainedTokenizerFast
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "teachkit.testing.tiny_lm needs transformers: pip install 'teachkit[trl]'"
        ) from None
    vocab = {tok: i for i, tok in enumerate(SPECIALS)}
    for ch in dict.fromkeys(alphabet):
        vocab[ch] = len(vocab)
    core = Tokenizer(models.WordLevel(vocab=vocab, unk_token="<pad>"))
    core.pre_tokenizer = pre_tokenizers.Split("", behavior="isolated")
    core.decoder = decoders.Fuse()
    tok = PreTrainedTokenizerFast(
        tokenizer_object=core, pad_token="<pad>", bos_token="<bos>", eos_token="<eos>"
    )
    tok.padding_side = "left"
    return tok


def tiny_lm(
    *,
    hidden: int = 32,
    layers: int = 2,
    heads: int = 2,
    context: int = 64,
    alphabet: str = ALPHABET,
    seed: int = 0,
) -> tuple[Any, Any]:
    """``(model, tokenizer)``: a randomly initialised Llama-style decoder (seeded)."""
    try:
        import torch
        from transformers import AutoModelForCausalLM, LlamaConfig
    except ImportError:  # pragma: no cover - depends on the environment
        raise MissingDependencyError(
            "teachkit.testing.tiny_lm needs transformers: pip install 'teachkit[trl]'"
        ) from None
    tok = char_tokenizer(alphabet)
    config = LlamaConfig(
        vocab_size=len(tok),
        hidden_size=hidden,
        intermediate_size=hidden * 4,
        num_hidden_layers=layers,
        num_attention_heads=heads,
        num_key_value_heads=heads,
        max_position_embeddings=context,
        pad_token_id=tok.pad_token_id,
        bos_token_id=tok.bos_token_id,
        eos_token_id=tok.eos_token_id,
        tie_word_embeddings=True,
    )
    torch.manual_seed(seed)
    model = AutoModelForCausalLM.from_config(config)
    model.generation_config.pad_token_id = tok.pad_token_id
    model.generation_config.eos_token_id = tok.eos_token_id
    return model, tok
