"""`callqa rescore` (a changed rubric applied to stored calls, no re-transcription) and `callqa eval rubric`."""
import json
from importlib import resources
from pathlib import Path

import pytest
from click.testing import CliRunner

from qa.cli import main
from qa.store.database import Store

SAMPLES = Path(__file__).resolve().parent.parent / "sample_calls"
LAST = (resources.files("rubrics") / "last.yaml").read_text(encoding="utf-8")


def run(*args):
    return CliRunner().invoke(main, [str(a) for a in args], catch_exceptions=False)


@pytest.fixture
def db(tmp_path):
    path = tmp_path / "calls.duckdb"
    cfg = tmp_path / "callqa.yaml"  # the sample transcripts name their recordings in ../audio
    cfg.write_text(f"audio:\n  allowed_roots: [{SAMPLES}]\n", encoding="utf-8")
    res = run("score", SAMPLES / "transcripts", "--db", path, "--config", cfg, "--sentiment-backend", "lexicon",
              "-q")
    assert res.exit_code == 0, res.output
    return path


def test_rescore_applies_an_edited_rubric_without_transcribing(db, tmp_path):
    before = Store(str(db)).get_call("en_complaint_good").to_dict()
    assert before["total"] == 100.0 and before["metrics"]["talk_ratio"] > 0
    # the team keeps only "apologize" in the English apologies and bumps the version: "sorry" no longer counts
    # (the whole English list: its long forms say "sorry" too, and tolerant matching finds "I completely
    # understand your frustration")
    start = LAST.index('en: [sorry, apologize,')
    edited = LAST[:start] + 'en: [apologize]\n' + LAST[LAST.index('      vi: ["xin lỗi", "thành thật xin lỗi"', start):]
    edited = edited.replace('version: "3.0"', 'version: "3.1-team"')
    assert edited != LAST
    team = tmp_path / "team.yaml"
    team.write_text(edited, encoding="utf-8")
    res = run("rescore", "en_complaint_good", "--db", db, "--rubric", team)
    assert res.exit_code == 0, res.output
    assert "(last 3.0) ->  75.0 (last 3.1-team)" in res.output
    after = Store(str(db)).get_call("en_complaint_good").to_dict()
    assert after["rubric_version"] == "3.1-team" and after["models"]["rubric"]["path"] == str(team)
    assert next(c for c in after["criteria"] if c["id"] == "apologize")["status"] == "fail"
    def same(turns):  # transcript and sentiment untouched; only which criteria each turn earned changes
        return [{k: v for k, v in t.items() if k != "criteria"} for t in turns]

    assert same(after["turns"]) == same(before["turns"])
    assert Store(str(db)).get_call("vi_complaint_good").to_dict()["rubric_version"] == "3.0"  # only the named call


def test_rescore_with_another_rubric_and_unknown_call(db):
    res = run("rescore", "--db", db, "--rubric", "service")
    assert res.exit_code == 0 and "7 call(s) re-scored" in res.output
    card = Store(str(db)).get_call("vi_complaint_good").to_dict()
    assert [c["id"] for c in card["criteria"]] == ["greeting", "hold", "calm", "escalation"]
    calm = next(c for c in card["criteria"] if c["id"] == "calm")
    assert calm["status"] == "pass" and "voice" in calm["reason"]  # measured from the linked recording
    assert card["metrics"]["prosody"] and card["metrics"]["prosody"][0]["loudness_db"] < 0
    bad = run("rescore", "nope", "--db", db)
    assert bad.exit_code != 0 and "no stored call 'nope'" in bad.output


def labels(tmp_path, flip=None):
    folder = tmp_path / "labels"
    folder.mkdir()
    for p in sorted((SAMPLES / "transcripts").glob("*.json")):
        d = json.loads(p.read_text(encoding="utf-8"))
        row = {"call_id": d["call_id"], **d["expected"]}
        if flip and d["call_id"] == flip[0]:
            row[flip[1]] = flip[2]
        (folder / f"{d['call_id']}.json").write_text(json.dumps(row), encoding="utf-8")
    return folder


def test_eval_rubric_agrees_with_the_sample_labels(tmp_path):
    res = run("eval", "rubric", SAMPLES / "transcripts", labels(tmp_path), "--sentiment-backend", "lexicon")
    assert res.exit_code == 0, res.output
    assert "0 disagreement(s)" in res.output
    for crit in ("listen", "apologize", "solve", "thank"):
        assert f"{crit:<11} accuracy  100% over 7 call(s)" in res.output


def test_eval_rubric_lists_disagreements_with_evidence(tmp_path):
    res = run("eval", "rubric", SAMPLES / "transcripts", labels(tmp_path, ("en_complaint_bad", "apologize", "pass")),
              "--sentiment-backend", "lexicon")
    assert "1 disagreement(s)" in res.output
    assert "en_complaint_bad apologize: label pass, rubric fail" in res.output
    assert "[not_counted] turn 2" in res.output and "Sorry, could you" in res.output
    assert "apologize   pass         100%    75%   86%  (4)" in res.output


def test_eval_rubric_bad_label_names_the_file(tmp_path):
    folder = labels(tmp_path)
    (folder / "broken.json").write_text('{"call_id": "x", "listen": "maybe"}', encoding="utf-8")
    res = run("eval", "rubric", SAMPLES / "transcripts", folder, "--sentiment-backend", "lexicon")
    assert res.exit_code != 0 and "broken.json: field 'listen' is 'maybe' — expected pass, fail or na" in res.output
