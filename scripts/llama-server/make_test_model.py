#!/usr/bin/env python3
"""Writes llmgate's deterministic test model for integration tests against a real llama-server.

The model is a llama-architecture GGUF of about 4 MB that was never trained. Every transformer
block has zero weights, so the residual stream of a position is the one-hot embedding of its token
and the output head alone decides the next token: it is a bigram table written by hand. That makes
the server's answers fixed and fast:

  * a plain chat turn answers "Hello from the llmgate test model." and stops;
  * under the server's grammars (tool calls, JSON Schema) the table prefers closing JSON tokens,
    so constrained decoding ends quickly with a valid tool call or JSON object.

Usage: make_test_model.py OUTPUT.gguf [CHAT_TEMPLATE.jinja]
Needs python3-gguf and python3-numpy (Debian packages).
"""
import os
import string
import sys

import gguf
import numpy as np

REPLY = ["Hello", "\u2581from", "\u2581the", "\u2581llmgate", "\u2581test", "\u2581model"]


def vocabulary():
    kinds = gguf.TokenType
    vocab = [("<unk>", kinds.UNKNOWN), ("<s>", kinds.CONTROL), ("</s>", kinds.CONTROL),
             ("<|im_start|>", kinds.CONTROL), ("<|im_end|>", kinds.CONTROL),
             ("<tool_call>", kinds.USER_DEFINED), ("</tool_call>", kinds.USER_DEFINED)]
    vocab += [("<0x%02X>" % b, kinds.BYTE) for b in range(256)]
    vocab.append(("\u2581", kinds.NORMAL))
    vocab += [(c, kinds.NORMAL) for c in string.ascii_letters + string.digits + string.punctuation]
    vocab += [(w, kinds.NORMAL) for w in REPLY]
    return vocab


def next_token_logits(vocab):
    """logits[prev, next]: how much the model wants `next` after `prev`."""
    index = {text: i for i, (text, _) in enumerate(vocab)}
    normal = gguf.TokenType.NORMAL
    row = np.array([1.0 if kind == normal else -5.0 for _, kind in vocab], dtype=np.float32)
    for whitespace in ("\u2581", "<0x0A>", "<0x09>", "<0x20>"):
        row[index[whitespace]] = 0.0
    # What ends things comes first, so that any grammar-constrained answer terminates soon.
    for text, weight in (("<|im_end|>", 10.0), ("}", 8.0), ('"', 7.0), (":", 6.0), (",", 5.5), ("]", 5.0),
                         ("P", 4.5), ("t", 4.5)):
        row[index[text]] = weight
    logits = np.tile(row, (len(vocab), 1))

    def prefer(prev, nxt, boost):
        logits[index[prev], index[nxt]] += boost

    sentence = ["<0x0A>"] + REPLY + [".", "<|im_end|>"]
    for prev, nxt in zip(sentence, sentence[1:]):
        prefer(prev, nxt, 20.0)
    prefer("<0x0A>", "{", 15.0)          # a constrained answer opens its JSON object
    prefer(".", "<tool_call>", 15.0)     # with tool_choice "required", call after the sentence
    prefer("<tool_call>", "<0x0A>", 20.0)
    prefer("{", '"', 20.0)
    prefer('"', '"', 20.0)               # close strings as soon as the grammar allows
    prefer("}", "<|im_end|>", 20.0)
    prefer("}", "</tool_call>", 15.0)
    prefer("</tool_call>", "<|im_end|>", 20.0)
    return logits, index


def write(path, template):
    vocab = vocabulary()
    logits, index = next_token_logits(vocab)
    n_vocab = len(vocab)
    n_embd, n_head, n_ff, n_ctx = 384, 4, 64, 4096
    if n_vocab > n_embd:
        raise SystemExit("the vocabulary must fit the one-hot embedding width")

    writer = gguf.GGUFWriter(path, "llama")
    writer.add_name("llmgate-test-model")
    writer.add_context_length(n_ctx)
    writer.add_embedding_length(n_embd)
    writer.add_block_count(1)
    writer.add_feed_forward_length(n_ff)
    writer.add_head_count(n_head)
    writer.add_head_count_kv(n_head)
    writer.add_layer_norm_rms_eps(1e-5)
    writer.add_rope_dimension_count(n_embd // n_head)
    writer.add_vocab_size(n_vocab)
    writer.add_file_type(gguf.LlamaFileType.ALL_F32)
    writer.add_tokenizer_model("llama")
    writer.add_token_list([t for t, _ in vocab])
    writer.add_token_scores([0.0 if k != gguf.TokenType.NORMAL else 0.1 * len(t) - 1.0 for t, k in vocab])
    writer.add_token_types([k for _, k in vocab])
    writer.add_bos_token_id(index["<s>"])
    writer.add_eos_token_id(index["<|im_end|>"])
    writer.add_unk_token_id(index["<unk>"])
    writer.add_add_bos_token(False)
    writer.add_add_space_prefix(False)
    writer.add_chat_template(template)

    f32 = np.float32
    embeddings = np.zeros((n_vocab, n_embd), dtype=f32)
    embeddings[np.arange(n_vocab), np.arange(n_vocab)] = 1.0
    # RMSNorm turns a one-hot vector into sqrt(n_embd) times itself; the head undoes that factor.
    head = np.zeros((n_vocab, n_embd), dtype=f32)
    head[:, :n_vocab] = logits.T / np.sqrt(n_embd)
    writer.add_tensor("token_embd.weight", embeddings)
    writer.add_tensor("output_norm.weight", np.ones(n_embd, dtype=f32))
    writer.add_tensor("output.weight", head)
    block = "blk.0."
    writer.add_tensor(block + "attn_norm.weight", np.ones(n_embd, dtype=f32))
    for name in ("attn_q", "attn_k", "attn_v", "attn_output"):
        writer.add_tensor(block + name + ".weight", np.zeros((n_embd, n_embd), dtype=f32))
    writer.add_tensor(block + "ffn_norm.weight", np.ones(n_embd, dtype=f32))
    writer.add_tensor(block + "ffn_gate.weight", np.zeros((n_ff, n_embd), dtype=f32))
    writer.add_tensor(block + "ffn_up.weight", np.zeros((n_ff, n_embd), dtype=f32))
    writer.add_tensor(block + "ffn_down.weight", np.zeros((n_embd, n_ff), dtype=f32))
    writer.write_header_to_file()
    writer.write_kv_data_to_file()
    writer.write_tensors_to_file()
    writer.close()
    print("wrote %s (%d tokens)" % (path, n_vocab))


if __name__ == "__main__":
    if len(sys.argv) < 2:
        raise SystemExit("usage: make_test_model.py OUTPUT.gguf [CHAT_TEMPLATE.jinja]")
    here = os.path.dirname(os.path.abspath(__file__))
    template_path = sys.argv[2] if len(sys.argv) > 2 else os.path.join(here, "chat_template.jinja")
    with open(template_path, encoding="utf-8") as f:
        write(sys.argv[1], f.read())
