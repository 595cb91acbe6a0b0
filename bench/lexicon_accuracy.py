"""Accuracy of the built-in lexicon sentiment scorer on labelled Vietnamese and English sets.

    python bench/lexicon_accuracy.py DATA_DIR

DATA_DIR holds sentiment_en/twitter_us_airline/Tweets.csv, sentiment_vi/uit-vsfc/test_combined.tsv,
sentiment_vi/aivivn2019/test.csv and sentiment_vi/uit-visfd/Test.csv (missing sets are skipped).
Three-class sets report accuracy and macro-F1 over negative/neutral/positive; aivivn2019 (positive vs
negative reviews) reports binary accuracy, counting "neutral" as positive (not negative); uit-visfd uses the
star rating (1-2 negative, 3 neutral, 4-5 positive).
"""
from __future__ import annotations

import csv
import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.dirname(os.path.abspath(__file__))))

from scoring.lexicon import lexicon_sentiment
from transcribe.types import Turn

LABELS = ("negative", "neutral", "positive")


def predict(text: str, language: str) -> str:
    return lexicon_sentiment(Turn("customer", 0.0, 0.0, text), language).label


def report(name: str, rows: list[tuple[str, str]], language: str, binary: bool = False) -> None:
    t0 = time.perf_counter()
    pred = [predict(text, language) for text, _ in rows]
    dt = time.perf_counter() - t0
    gold = [g for _, g in rows]
    if binary:
        pred = ["negative" if p == "negative" else "positive" for p in pred]
    correct = sum(p == g for p, g in zip(pred, gold))
    f1s = []
    for lb in sorted(set(gold)):
        tp = sum(p == g == lb for p, g in zip(pred, gold))
        pp, gg = pred.count(lb), gold.count(lb)
        prec, rec = (tp / pp if pp else 0.0), (tp / gg if gg else 0.0)
        f1s.append(2 * prec * rec / (prec + rec) if prec + rec else 0.0)
    majority = max(gold.count(lb) for lb in set(gold)) / len(gold)
    print(f"{name:<28} {language}  n={len(rows):>6}  accuracy {100 * correct / len(rows):5.1f}%  "
          f"macro-F1 {100 * sum(f1s) / len(f1s):5.1f}%  (majority class {100 * majority:4.1f}%)  "
          f"{len(rows) / dt:,.0f} texts/s")


def main() -> None:
    if len(sys.argv) != 2 or not os.path.isdir(sys.argv[1]):
        sys.exit(__doc__)
    root = sys.argv[1]
    path = os.path.join(root, "sentiment_en/twitter_us_airline/Tweets.csv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            rows = [(r["text"], r["airline_sentiment"]) for r in csv.DictReader(fh)]
        report("twitter_us_airline", rows, "en")
    path = os.path.join(root, "sentiment_vi/uit-vsfc/test_combined.tsv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            rows = [(line.split("\t", 2)[2].strip(), LABELS[int(line.split("\t")[0])]) for line in fh if line.strip()]
        report("uit-vsfc (3-class)", rows, "vi")
    path = os.path.join(root, "sentiment_vi/aivivn2019/test.csv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            rows = [(r["discriptions"], "negative" if r["mapped_rating"] == "1" else "positive")
                    for r in csv.DictReader(fh)]
        report("aivivn2019 (binary)", rows, "vi", binary=True)
    path = os.path.join(root, "sentiment_vi/uit-visfd/Test.csv")
    if os.path.exists(path):
        with open(path, encoding="utf-8") as fh:
            rows = [(r["comment"], "negative" if int(r["n_star"]) <= 2 else "neutral" if int(r["n_star"]) == 3
                     else "positive") for r in csv.DictReader(fh)]
        report("uit-visfd (stars)", rows, "vi")


if __name__ == "__main__":
    main()
