"""Precision and recall of PII redaction (qa.privacy) on the labelled set eval/pii (dev and held-out splits,
Vietnamese and English, numbers written as speech recognition writes them).

    python bench/pii_redaction.py [--split dev|heldout|all] [--errors]

Per kind: a found entity counts when it overlaps a labelled one of the same kind (precision: of those found;
recall: of those labelled). "digits, redacted" is what privacy needs: a labelled phone, CCCD, card, account or SSN
whose every digit lies inside some placeholder (whatever its kind), and the share of found digit entities that are
labelled personal data of any digit kind. Targets (issue 16): digit recall >= 0.95, precision >= 0.9."""
from __future__ import annotations

import argparse
import json
import time
from collections import Counter

import _common  # the repository on sys.path

from qa.privacy import KINDS, find_entities
from qa.privacy.recognisers import DIGIT_KINDS

SPLITS = ("dev", "heldout")


def load(split: str) -> list[dict]:
    with open(_common.ROOT / "eval" / "pii" / f"{split}.jsonl", encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _overlap(a: dict, b: tuple[int, int]) -> bool:
    return a["start"] < b[1] and b[0] < a["end"]


def evaluate(rows: list[dict], errors: list[str] | None = None) -> dict[str, dict[str, float]]:
    tp: Counter[str] = Counter()
    found_n: Counter[str] = Counter()
    gold_n: Counter[str] = Counter()
    digit = {"gold": 0, "covered": 0, "found": 0, "right": 0}
    for row in rows:
        text, gold = row["text"], row["entities"]
        found = find_entities(text)
        spans = [(e.start, e.end) for e in found]
        for g in gold:
            gold_n[g["kind"]] += 1
            hit = any(e.kind == g["kind"] and _overlap(g, (e.start, e.end)) for e in found)
            tp[g["kind"]] += hit
            if g["kind"] in DIGIT_KINDS:
                digit["gold"] += 1
                covered = all(any(s <= k < e for s, e in spans) for k in range(g["start"], g["end"])
                              if text[k].isalnum())
                digit["covered"] += covered
                if not covered and errors is not None:
                    errors.append(f"missed {g['kind']}: {text!r} -> {[(e.kind, e.value) for e in found]}")
            elif not hit and errors is not None:
                errors.append(f"missed {g['kind']}: {text!r} -> {[(e.kind, e.value) for e in found]}")
        for e in found:
            found_n[e.kind] += 1
            if e.kind in DIGIT_KINDS:
                digit["found"] += 1
                digit["right"] += any(g["kind"] in DIGIT_KINDS and _overlap(g, (e.start, e.end)) for g in gold)
            if not any(g["kind"] == e.kind and _overlap(g, (e.start, e.end)) for g in gold) and errors is not None:
                errors.append(f"wrong {e.kind} {e.value!r}: {text!r} (labelled {[g['kind'] for g in gold]})")
    out: dict[str, dict[str, float]] = {}
    for kind in KINDS:
        if gold_n[kind] or found_n[kind]:
            out[kind] = {"labelled": gold_n[kind], "found": found_n[kind],
                         "precision": tp[kind] / found_n[kind] if found_n[kind] else 1.0,
                         "recall": tp[kind] / gold_n[kind] if gold_n[kind] else 1.0}
    out["digits, redacted"] = {"labelled": digit["gold"], "found": digit["found"],
                               "precision": digit["right"] / digit["found"] if digit["found"] else 1.0,
                               "recall": digit["covered"] / digit["gold"] if digit["gold"] else 1.0}
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--split", choices=[*SPLITS, "all"], default="all")
    ap.add_argument("--errors", action="store_true", help="list every miss and every wrong entity")
    args = ap.parse_args()
    find_entities("warm up 0912345678")  # the analyzer is built once, outside the timing
    for split in SPLITS if args.split == "all" else (args.split,):
        rows = load(split)
        errors: list[str] = []
        t0 = time.perf_counter()
        table = evaluate(rows, errors if args.errors else None)
        took = time.perf_counter() - t0
        print(f"\n{split}: {len(rows)} utterances ({sum(r['lang'] == 'vi' for r in rows)} vi), "
              f"{took / len(rows) * 1000:.1f} ms per utterance")
        print(f"{'kind':<18}{'labelled':>9}{'found':>7}{'precision':>11}{'recall':>8}")
        for kind, m in table.items():
            print(f"{kind:<18}{m['labelled']:>9.0f}{m['found']:>7.0f}{m['precision']:>11.3f}{m['recall']:>8.3f}")
        for line in errors:
            print("  ", line)


if __name__ == "__main__":
    main()
