"""Typed path patterns: agent ids with underscores, strict dates, known agents, ambiguous files, and a run that
refuses a pattern matching no file or giving unknown agents; `callqa batch plan --show-metadata` shows the same."""
from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from hostile import transcript

from qa.accounts.users import set_agent
from qa.batch.run import run_batch
from qa.batch.state import file_statuses
from qa.cli import main
from qa.config.path_pattern import compile_path_pattern
from qa.config.settings import Settings
from qa.store.database import Store
from transcribe.errors import InputError

README_PATTERN = "{agent_id}_{date}_{customer_id}"


def settings(**batch) -> Settings:
    s = Settings()
    s.sentiment.backend = "lexicon"
    for k, v in batch.items():
        setattr(s.batch, k, v)
    return s


def write(folder, *names):
    folder.mkdir(parents=True, exist_ok=True)
    for i, name in enumerate(names):
        (folder / f"{name}.json").write_text(json.dumps(transcript(f"c{i}", 4)), encoding="utf-8")


def test_an_agent_id_with_an_underscore_is_read_whole():
    m = compile_path_pattern(README_PATTERN).match("night/agent_lan_20261121_0912345678.wav")
    assert m.meta == {"agent_id": "agent_lan", "date": "2026-11-21", "customer_id": "0912345678"}
    known = compile_path_pattern(README_PATTERN, agent_ids=["agent", "agent_lan", "agent_lan_b"])
    assert known.match("agent_lan_20261121_0912345678.wav").meta["agent_id"] == "agent_lan"
    assert known.match("agent_lan_b_20261121_09.wav").meta["agent_id"] == "agent_lan_b"


def test_a_typed_date_is_strict_and_real():
    p = compile_path_pattern("{agent_id}/{date:%Y-%m-%d}/{customer_id}-*")
    m = p.match("/data/rec/agent_lan/2026-11-21/0912345678-1.wav")
    assert m.meta == {"agent_id": "agent_lan", "date": "2026-11-21", "customer_id": "0912345678"}
    assert "not a real date" in p.match("agent_lan/2026-02-30/09-1.wav").reason
    assert "{date}" in p.match("agent_lan/2026-13-01/09-1.wav").reason  # month 13: no date here
    assert "fewer folders" in p.match("2026-11-21/09-1.wav").reason
    with pytest.raises(ValueError, match="%Q is not supported"):
        compile_path_pattern("{date:%Q}")


def test_a_regex_field_and_an_ambiguous_file():
    free = compile_path_pattern(README_PATTERN)
    amb = free.match("a_b_20261121_20261122_c.wav")
    assert amb.ambiguous and not amb.meta and "agent_id 'a_b_20261121'" in amb.reason
    typed = compile_path_pattern(README_PATTERN, regexes={"customer_id": r"\d+_[a-z]"})
    assert typed.match("a_b_20261121_20261122_c.wav").meta["agent_id"] == "a_b"  # only one reading left
    braces = compile_path_pattern(r"{agent_id}_{date}_{customer_id:\d{10}}")
    assert braces.match("agent_lan_20261121_0912345678.wav").matched
    assert "{customer_id}" in braces.match("agent_lan_20261121_09123.wav").reason


def test_an_unknown_agent_is_named_in_the_reason():
    p = compile_path_pattern(README_PATTERN, agent_ids=["agent_lan"])
    m = p.match("agent_bo_20261121_09.wav")
    assert not m.matched and "known agent id" in m.reason and "agents set" in m.reason


def test_a_run_refuses_unknown_agents_unless_allowed(tmp_path):
    write(tmp_path / "in", "agent_lan_20261121_0912345678", "agent_bo_20261122_0987654321")
    store = Store(str(tmp_path / "qa.duckdb"))
    set_agent(store, "agent_lan", team="north")
    with pytest.raises(InputError) as e:  # agent_bo is unknown; with agent_lan known the pattern is a regex
        run_batch([str(tmp_path / "in")], settings(path_pattern=README_PATTERN,
                                                    path_fields={"agent_id": r"agent_[a-z]+"}), store)
    assert e.value.key == "path_pattern_unknown_agents" and "agent_bo" in e.value.message
    assert "--allow-unknown-agents" in e.value.message and store.list_calls() == []
    report = run_batch([str(tmp_path / "in")], settings(path_pattern=README_PATTERN, allow_unknown_agents=True,
                                                         path_fields={"agent_id": r"agent_[a-z]+"}), store)
    assert len(report.done) == 2
    rows = {r["path"].rsplit("/", 1)[1]: r for r in file_statuses(store)}
    assert (rows["agent_bo_20261122_0987654321.json"]["agent_id"],
            rows["agent_bo_20261122_0987654321.json"]["call_date"]) == ("agent_bo", "2026-11-22")


def test_known_agents_run_and_an_unmatched_file_is_still_scored(tmp_path):
    write(tmp_path / "in", "agent_lan_20261121_0912345678", "agent_bo_20261122_0987654321")
    store = Store(str(tmp_path / "qa.duckdb"))
    set_agent(store, "agent_lan")
    report = run_batch([str(tmp_path / "in")], settings(path_pattern=README_PATTERN), store)
    assert len(report.done) == 2  # agent_bo is not a known id: no metadata, not a wrong agent
    rows = {r["path"].rsplit("/", 1)[1]: r for r in file_statuses(store)}
    assert rows["agent_lan_20261121_0912345678.json"]["agent_id"] == "agent_lan"
    bo = rows["agent_bo_20261122_0987654321.json"]
    assert bo["agent_id"] is None and "no match" in json.loads(bo["meta"])["path_pattern"]


def test_a_run_refuses_a_pattern_that_matches_no_file(tmp_path):
    write(tmp_path / "in", "call-0001", "call-0002")
    store = Store(str(tmp_path / "qa.duckdb"))
    with pytest.raises(InputError) as e:
        run_batch([str(tmp_path / "in")], settings(path_pattern=README_PATTERN, allow_unknown_agents=True), store)
    assert e.value.key == "path_pattern_no_match"
    assert README_PATTERN in e.value.message and "call-0001.json" in e.value.message
    assert "callqa batch plan" in e.value.message and store.list_calls() == []


def test_batch_plan_shows_metadata_and_the_refusal(tmp_path):
    write(tmp_path / "in", "agent_lan_20261121_0912345678", "agent_lan_20260230_1", "odd")
    db = str(tmp_path / "qa.duckdb")
    set_agent(Store(db), "agent_lan")
    run = CliRunner().invoke(main, ["batch", "plan", str(tmp_path / "in"), "--db", db, "--path-pattern",
                                    "{agent_id}_{date:%Y%m%d}_{customer_id}", "--show-metadata"])
    assert run.exit_code == 0, run.output
    lines = run.output.splitlines()
    assert "one of 1 known agent id(s)" in run.output and "1 match, 2 do not" in run.output
    row = next(x for x in lines if "agent_lan_20261121" in x)
    assert row.split()[1:] == ["agent_lan", "2026-11-21", "0912345678"]
    assert "not a real date" in next(x for x in lines if "20260230" in x)
    assert "known agent id" in next(x for x in lines if "odd.json" in x)
    assert lines[-1] == "a run would start"
    none = CliRunner().invoke(main, ["batch", "plan", str(tmp_path / "in"), "--db", db, "--path-pattern",
                                     "{agent_id}-{date}"])
    assert none.exit_code == 1 and "matches none of the 3 file(s)" in none.output
    assert Store(db).list_calls() == []  # the plan stores nothing


def test_a_regular_expression_pattern_and_settings_checked_at_load(tmp_path):
    p = compile_path_pattern(r"re:(?P<agent_id>agent_[a-z]+)-(?P<date>\d{8})", "%Y%m%d")
    assert p.match("x/agent_lan-20261121.wav").meta == {"agent_id": "agent_lan", "date": "2026-11-21"}
    assert not p.match("x/agent_lan-2026.wav").matched
    from qa.config.settings import load_settings

    cfg = tmp_path / "s.yaml"
    cfg.write_text('batch: {path_pattern: "{agent_id}_{date}", date_format: "%B-%Y"}', encoding="utf-8")
    with pytest.raises(InputError, match="%B is not supported"):
        load_settings(str(cfg))
    cfg.write_text('batch: {path_pattern: "{agent_id}_{date}", path_fields: {agent_id: "("}}', encoding="utf-8")
    with pytest.raises(InputError, match=r"batch.path_fields: \{agent_id\}: '\(' is not a valid regular expression"):
        load_settings(str(cfg))
