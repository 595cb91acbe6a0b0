"""`callqa eval rubric`'s figures (macro-F1, evidence precision, splits) and the noise harness."""
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.evaluation.noise import VARIANTS, apply_variant
from qa.evaluation.rubric import CriterionReport, evidence_precision, load_split, select_split
from scoring.types import CriterionResult, Evidence
from transcribe.errors import InputError
from transcribe.formats import load_transcript, transcript_from_dict

SAMPLES = Path(__file__).resolve().parent.parent / "sample_calls"


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


def test_macro_f1_over_the_statuses_present():
    rep = CriterionReport("solve")
    rep.confusion["pass"]["pass"] = 3
    rep.confusion["pass"]["fail"] = 1
    rep.confusion["fail"]["fail"] = 2
    # pass: p 1.0 r .75 f .857; fail: p .667 r 1.0 f .8; na absent from labels and predictions
    assert rep.present() == ["pass", "fail"]
    assert rep.macro_f1 == pytest.approx((6 / 7 + 0.8) / 2)
    rep.confusion["fail"]["na"] = 1  # predicted na, never labelled: counts with F1 0
    assert rep.macro_f1 == pytest.approx((6 / 7 + 2 / 3 + 0) / 3)  # fail: p 2/3, r 2/3


def test_evidence_precision_counts_cited_turns_in_the_labelled_list():
    def res(status, *turns):
        return CriterionResult("listen", "Listen", status, 1.0, 1.0, "", [Evidence(t, 0, 1, "x") for t in turns] +
                               [Evidence(9, 0, 1, "x", kind="context")])
    predicted = {"a": [res("pass", 2, 4)], "b": [res("pass", 3)], "c": [res("fail", 1)]}
    labels = {"a": {"listen": "pass"}, "b": {"listen": "fail"}, "c": {"listen": "pass"}}
    evidence = {"a": {"listen": frozenset({2})}, "b": {"listen": frozenset({3})}, "c": {"listen": frozenset({1})}}
    assert evidence_precision(predicted, labels, evidence) == {"listen": (1, 2)}  # only call a: both say pass


def test_split_file_selects_and_bad_files_are_named(tmp_path):
    good = tmp_path / "split.json"
    good.write_text('{"dev": ["a"], "test": ["b"]}', encoding="utf-8")
    splits = load_split(str(good))
    labels = {"a": {}, "b": {}, "c": {}}
    assert set(select_split(labels, "dev", splits)) == {"a"} and set(select_split(labels, "all", None)) == {"a", "b", "c"}
    bad = tmp_path / "bad.json"
    bad.write_text('{"dev": "a"}', encoding="utf-8")
    with pytest.raises(InputError, match="bad.json"):
        load_split(str(bad))
    with pytest.raises(InputError, match="no split.json"):
        select_split(labels, "test", None)


def _labelled(tmp_path):
    calls, labels = tmp_path / "calls", tmp_path / "labels"
    calls.mkdir()
    labels.mkdir()
    ids = []
    for p in sorted((SAMPLES / "transcripts").glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        (calls / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
        (labels / p.name).write_text(json.dumps({"call_id": d["call_id"], **d["expected"], "evidence": {}}),
                                     encoding="utf-8")
        ids.append(d["call_id"])
    (tmp_path / "split.json").write_text(json.dumps({"dev": ids[:4], "test": ids[4:]}), encoding="utf-8")
    return calls, labels, ids


def test_cli_json_per_split_and_noise_variant(tmp_path):
    calls, labels, _ = _labelled(tmp_path)
    res = run("eval", "rubric", calls, labels, "--sentiment-backend", "lexicon", "--split", "dev", "--json",
              "--noise", "fillers", "--noise", "wer10")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output[res.output.index("{"):])
    assert out["split"] == "dev" and out["calls"] == 4 and set(out["variants"]) == {"clean", "fillers", "wer10"}
    clean = out["variants"]["clean"]
    assert set(clean) == {"listen", "apologize", "solve", "thank"}
    assert all(row["n"] == 4 and 0 <= row["macro_f1"] <= 1 for row in clean.values())
    assert clean["thank"]["macro_f1"] == 1.0  # the sample calls are scored as labelled
    text = run("eval", "rubric", calls, labels, "--sentiment-backend", "lexicon", "--split", "test", "--no-details")
    assert text.exit_code == 0 and "== clean (split test, 3 calls)" in text.output and "macro-F1" in text.output
    bad = run("eval", "rubric", calls, labels, "--noise", "reverb")
    assert bad.exit_code != 0 and "unknown variant" in bad.output


def test_cli_by_source_reports_each_slice(tmp_path):
    calls, labels, ids = _labelled(tmp_path)
    for k, path in enumerate(sorted(calls.glob("*.json"))):  # two slices: "bank" and "written"
        d = json.loads(path.read_text(encoding="utf-8"))
        d["source"] = ("bank:" if k % 2 else "written:helper") + str(k)
        path.write_text(json.dumps(d), encoding="utf-8")
    res = run("eval", "rubric", calls, labels, "--sentiment-backend", "lexicon", "--split", "all", "--json",
              "--by-source")
    assert res.exit_code == 0, res.output
    out = json.loads(res.output[res.output.index("{"):])
    slices = out["slices"]["clean"]
    assert set(slices) == {"bank", "written"}
    assert slices["bank"]["listen"]["n"] + slices["written"]["listen"]["n"] == len(ids)
    text = run("eval", "rubric", calls, labels, "--sentiment-backend", "lexicon", "--no-details", "--by-source")
    assert "-- clean · bank" in text.output and "-- clean · written" in text.output


# ---------------------------------------------------------------- noise harness

def sample(name="vi_complaint_good"):
    return load_transcript(str(SAMPLES / "transcripts" / f"{name}.json"))


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_variants_are_pure_and_seeded(variant):
    t = sample()
    before = [(x.speaker, x.text) for x in t.turns]
    a, b = apply_variant(variant, t, seed=3), apply_variant(variant, t, seed=3)
    assert [(x.speaker, x.text, x.start) for x in a.turns] == [(x.speaker, x.text, x.start) for x in b.turns]
    assert [(x.speaker, x.text) for x in t.turns] == before  # the input is untouched


def test_variants_do_what_they_say():
    t = sample()
    words = sum(len(x.text.split()) for x in t.turns)
    assert all(x.text == x.text.lower() and "," not in x.text for x in apply_variant("lower", t).turns)
    assert all(x.text.isascii() for x in apply_variant("no_diacritics", t).turns)
    assert sum(len(x.text.split()) for x in apply_variant("fillers", t).turns) > words
    changed = sum(a != b for x, y in zip(t.turns, apply_variant("wer10", t).turns)
                  for a, b in zip(x.text.split(), y.text.split()))
    assert 0 < changed < words * 0.5
    assert len(apply_variant("split", t).turns) > len(t.turns)
    assert {x.speaker for x in apply_variant("no_speakers", t).turns} == {"spk_0", "spk_1"}
    merged = apply_variant("merge", transcript_from_dict({"call_id": "m", "language": "en", "turns": [
        {"speaker": "agent", "start": 0, "end": 1, "text": "How can I help?"},
        {"speaker": "customer", "start": 1, "end": 2, "text": "Yes."},
        {"speaker": "agent", "start": 2, "end": 3, "text": "Your balance is ten dollars."}]}))
    assert len(merged.turns) == 2 and merged.turns[0].text == "How can I help? Yes."
    assert apply_variant("wer20", t, seed=1).turns != apply_variant("wer20", t, seed=2).turns
    with pytest.raises(KeyError, match="unknown noise variant"):
        apply_variant("reverb", t)
