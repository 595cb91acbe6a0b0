"""`callqa export`: every table as CSV (UTF-8 with BOM) and Parquet, the queue's filters, the access rules of the
app (an agent: own calls and shared reviews; a supervisor: their teams), Vietnamese text intact, no formulas."""
from __future__ import annotations

import csv
from datetime import date

import pyarrow.parquet as pq
import pytest
from click.testing import CliRunner
from queuehelp import CALLS, build_store

from qa.accounts.access import PermissionDenied
from qa.cli import main
from qa.review.export import OPERATOR, csv_cell, export, viewer_as
from qa.review.queue import QueueFilter
from transcribe.errors import InputError


@pytest.fixture(scope="module")
def store(tmp_path_factory):
    return build_store(tmp_path_factory.mktemp("export") / "qa.duckdb")


def read_csv(path):
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")  # the byte-order mark Excel needs for UTF-8
    with open(path, encoding="utf-8-sig", newline="") as fh:
        return list(csv.DictReader(fh))


def test_calls_csv_as_the_operator_has_every_call(store, tmp_path):
    out = tmp_path / "calls.csv"
    result = export(store, OPERATOR, "calls", str(out))
    rows = read_csv(out)
    assert result.rows == len(rows) == len(CALLS) and {r["call_id"] for r in rows} == set(CALLS)
    assert {"total", "service_level", "failed_criteria", "review_state", "team"} <= set(rows[0])
    by_id = {r["call_id"]: r for r in rows}
    assert by_id["a2_w1_1"]["review_state"] == "final" and by_id["a3_w1_1"]["team"] == "south"


def test_turns_keep_vietnamese_text_in_csv_and_parquet(store, tmp_path):
    with store.connect() as con:
        expected = con.execute("SELECT idx, text FROM turns WHERE call_id = 'a2_w1_1' ORDER BY idx").fetchall()
    assert any(ch in "".join(t for _, t in expected) for ch in "ạảãơưđ")
    export(store, OPERATOR, "turns", str(tmp_path / "t.csv"), filt=QueueFilter(agent_ids=("a2",)))
    rows = [r for r in read_csv(tmp_path / "t.csv") if r["call_id"] == "a2_w1_1"]
    assert [(int(r["turn"]), r["text"]) for r in rows] == [(i, csv_cell(t)) for i, t in expected]
    export(store, OPERATOR, "turns", str(tmp_path / "t.parquet"), fmt="parquet", filt=QueueFilter(agent_ids=("a2",)))
    table = pq.read_table(tmp_path / "t.parquet").to_pylist()
    assert [(r["turn"], r["text"]) for r in table if r["call_id"] == "a2_w1_1"] == expected
    assert {r["call_id"].split("_")[0] for r in table} == {"a2"}


def test_parquet_keeps_lists_and_types(store, tmp_path):
    export(store, OPERATOR, "calls", str(tmp_path / "c.parquet"), fmt="parquet")
    t = pq.read_table(tmp_path / "c.parquet")
    assert t.num_rows == len(CALLS) and str(t.schema.field("failed_criteria").type).startswith("list")
    assert str(t.schema.field("call_date").type) == "date32[day]"


def test_an_agent_exports_only_their_calls_and_shared_reviews(store, tmp_path):
    ann = viewer_as(store, "ann")
    export(store, ann, "calls", str(tmp_path / "c.csv"))
    assert {r["agent_id"] for r in read_csv(tmp_path / "c.csv")} == {"a1"}
    assert len(read_csv(tmp_path / "c.csv")) == sum(1 for v in CALLS.values() if v[1] == "a1")
    export(store, ann, "reviews", str(tmp_path / "r.csv"))
    assert read_csv(tmp_path / "r.csv") == []  # a1_w1_1's review is a draft: not shared with the agent yet
    export(store, ann, "criteria", str(tmp_path / "k.csv"))
    listen = [r for r in read_csv(tmp_path / "k.csv") if r["call_id"] == "a1_w1_1" and r["criterion_id"] == "listen"]
    assert listen[0]["status"] == listen[0]["auto_status"]  # the draft override is not in force for the agent
    export(store, OPERATOR, "criteria", str(tmp_path / "k2.csv"))
    listen = [r for r in read_csv(tmp_path / "k2.csv") if r["call_id"] == "a1_w1_1" and r["criterion_id"] == "listen"]
    assert listen[0]["status"] == "pass"


def test_a_team_supervisor_exports_only_their_teams(store, tmp_path):
    export(store, viewer_as(store, "nsup"), "criteria", str(tmp_path / "k.csv"))
    assert {r["agent_id"] for r in read_csv(tmp_path / "k.csv")} == {"a1", "a2"}
    export(store, viewer_as(store, "nsup"), "calls", str(tmp_path / "c.csv"), filt=QueueFilter(teams=("south",)))
    assert read_csv(tmp_path / "c.csv") == []  # a filter never widens the scope


def test_queue_filters(store, tmp_path):
    def ids(**f):
        export(store, OPERATOR, "calls", str(tmp_path / "f.csv"), filt=QueueFilter(**f))
        return {r["call_id"] for r in read_csv(tmp_path / "f.csv")}

    week1 = {c for c, v in CALLS.items() if v[2] <= "2026-11-08"}
    assert ids(date_from=date(2026, 11, 2), date_to=date(2026, 11, 8)) == week1
    assert ids(review_states=("final",)) == {"a2_w1_1"}
    assert ids(teams=("south",)) == {c for c in CALLS if c.startswith("a3")}
    failed = ids(failed_criteria=("listen",))
    assert failed and failed < set(CALLS) and "a1_w1_1" not in failed  # overridden to pass


def test_reviews_export(store, tmp_path):
    export(store, OPERATOR, "reviews", str(tmp_path / "r.csv"))
    rows = {r["call_id"]: r for r in read_csv(tmp_path / "r.csv")}
    assert set(rows) == {"a1_w1_1", "a2_w1_1", "a3_w2_1"}
    assert rows["a1_w1_1"]["overrides"] == "1" and rows["a2_w1_1"]["state"] == "final"


def test_calls_in_an_unrated_calibration_session_are_left_out_for_reviewers(store, tmp_path):
    with store.transaction() as con:
        con.execute("INSERT INTO calibration_sessions (call_id, title, created_by, created_at) "
                    "VALUES ('a3_w2_2', 'w2', 'admin', now())")
    try:
        export(store, viewer_as(store, "sup"), "criteria", str(tmp_path / "k.csv"))
        assert "a3_w2_2" not in {r["call_id"] for r in read_csv(tmp_path / "k.csv")}
        export(store, OPERATOR, "criteria", str(tmp_path / "k.csv"))  # the operator rates nothing: not blind
        assert "a3_w2_2" in {r["call_id"] for r in read_csv(tmp_path / "k.csv")}
    finally:
        with store.transaction() as con:
            con.execute("DELETE FROM calibration_sessions WHERE call_id = 'a3_w2_2'")


def test_kpis_export_the_surveys_of_the_calls_the_viewer_may_see(store, tmp_path):
    with store.transaction() as con:
        con.execute("INSERT INTO call_kpis SELECT call_id, 4, 9, 2, 'import', 'surveys.csv', now() FROM calls")
    try:
        export(store, viewer_as(store, "ann"), "kpis", str(tmp_path / "k.csv"))
        rows = read_csv(tmp_path / "k.csv")
        assert list(rows[0]) == ["call_id", "call_date", "agent_id", "csat", "nps", "ces", "source", "imported_at"]
        assert {r["call_id"][:2] for r in rows} == {"a1"} and {r["csat"] for r in rows} == {"4"}
    finally:
        with store.transaction() as con:
            con.execute("DELETE FROM call_kpis")


def test_formula_like_text_is_quoted_in_csv():
    assert csv_cell("=HYPERLINK(\"http://x\")") == "'=HYPERLINK(\"http://x\")"
    assert [csv_cell(v) for v in ("+1", "-2 điểm", "@x", "chào", -3, 1.5, None)] == \
        ["'+1", "'-2 điểm", "'@x", "chào", -3, 1.5, None]
    assert csv_cell(["listen", "thank"]) == "listen; thank"


def test_bad_requests_are_refused(store, tmp_path):
    with pytest.raises(PermissionDenied) as err:
        viewer_as(store, "nobody")
    assert err.value.key == "export_unknown_user"
    with pytest.raises(InputError) as err:
        export(store, OPERATOR, "calls", str(tmp_path / "x.xlsx"), fmt="xlsx")
    assert err.value.key == "export_unknown_format"
    with pytest.raises(InputError) as err:
        export(store, OPERATOR, "calls", str(tmp_path / "missing" / "x.csv"))
    assert err.value.key == "export_no_folder"


def test_cli_export(store, tmp_path):
    out = tmp_path / "mine.csv"
    run = CliRunner().invoke(main, ["export", "--what", "calls", "--as", "ann", "--out", str(out), "--db", store.path,
                                    "--from", "2026-11-09"])
    assert run.exit_code == 0, run.output
    assert "wrote 2 calls row(s) to" in run.output and {r["call_id"] for r in read_csv(out)} == {"a1_w2_1", "a1_w2_2"}
    run = CliRunner().invoke(main, ["export", "--what", "turns", "--format", "parquet", "--out",
                                    str(tmp_path / "t.parquet"), "--db", store.path, "--agent", "a3", "--status",
                                    "disputed"])
    assert run.exit_code == 0, run.output
    assert {r["call_id"] for r in pq.read_table(tmp_path / "t.parquet").to_pylist()} == {"a3_w2_1"}
    run = CliRunner().invoke(main, ["export", "--what", "kpis", "--out", str(tmp_path / "k.csv"), "--db", store.path])
    assert run.exit_code == 0, run.output  # no survey imported yet: the header alone
    assert read_csv(tmp_path / "k.csv") == [] and "call_id,call_date" in (tmp_path / "k.csv").read_text("utf-8-sig")
    run = CliRunner().invoke(main, ["export", "--what", "calls", "--as", "ghost", "--db", store.path,
                                    "--out", str(tmp_path / "g.csv")])
    assert run.exit_code == 1 and "ghost is not an active user" in run.output
