"""Customer KPIs: survey values and their import (every row checked, nothing stored from a bad file unless the good
rows are asked for), survey fields of transcripts, customer keys (keyed hashes, never the number), first-contact
resolution windows, the escalation band, and correlations with their intervals against scipy."""
import json
import math
from datetime import date, timedelta

import numpy as np
import pytest
from click.testing import CliRunner
from scipy import stats

from qa.accounts.access import Viewer
from qa.cli import main
from qa.config.settings import Settings, settings_from_dict
from qa.pipeline.call import Pipeline
from qa.pipeline.kpis import customer_key, hash_customer, load_secret, phone_numbers, survey_value, transcript_survey
from qa.review.kpi_import import ImportRejected, import_surveys, parse_surveys
from qa.review.kpi_stats import correlation, escalation_band, fisher_ci, nps_score
from qa.review.kpis import correlations, kpi_records, kpi_rows
from qa.store.calls import read_transcript
from qa.store.database import Store
from transcribe.errors import InputError
from transcribe.types import Turn

ADMIN = Viewer("admin", "admin")
DAY0 = date(2026, 11, 2)
GOOD = ("Thank you for calling Acme, my name is Lan. I understand, I am so sorry about that. "
        "I have refunded the second charge today. Thank you for your patience.")
BAD = "Acme support. Call back later."


def turns(customer: str, agent: str = GOOD) -> list[dict]:
    return [{"speaker": "agent", "start": 0.0, "end": 4.0, "text": agent},
            {"speaker": "customer", "start": 4.5, "end": 9.0, "text": customer},
            {"speaker": "agent", "start": 9.5, "end": 14.0, "text": agent}]


def write_call(folder, call_id, agent, day, customer="I was charged twice on my card.", agent_text=GOOD, **fields):
    path = folder / f"{call_id}.json"
    path.write_text(json.dumps({"call_id": call_id, "language": "en", "agent_id": agent, "date": day.isoformat(),
                                "turns": turns(customer, agent_text), **fields}), encoding="utf-8")
    return str(path)


@pytest.fixture
def pipeline(tmp_path):
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    settings.kpis.key_file = str(tmp_path / "customer.key")
    return Pipeline(settings)


# -- survey values ------------------------------------------------------------------------------------------------
def test_survey_values_are_whole_numbers_on_their_scale():
    assert [survey_value("csat", v) for v in (1, "5", " 3 ", 4.0, "2,0", None, "")] == [1, 5, 3, 4, 2, None, None]
    assert survey_value("nps", 0) == 0 and survey_value("nps", "10") == 10 and survey_value("ces", 7) == 7
    for name, value, says in [("csat", 6, "outside its scale 1-5"), ("csat", 0, "outside"), ("nps", 11, "0-10"),
                              ("ces", 8, "1-7"), ("csat", 4.5, "not a whole number"), ("csat", "good", "not a number"),
                              ("nps", True, "not a number"), ("csat", "nan", "not a number")]:
        with pytest.raises(ValueError, match=says):
            survey_value(name, value)


def test_transcript_survey_fields_and_their_problems():
    survey, problems = transcript_survey({"csat": 4, "survey": {"nps": "9", "ces": 2}})
    assert (survey.csat, survey.nps, survey.ces) == (4, 9, 2) and problems == []
    survey, problems = transcript_survey({"csat": 9, "nps": 3})
    assert (survey.csat, survey.nps) == (None, 3) and problems == ["csat is 9, outside its scale 1-5"]
    assert transcript_survey({"description": "x"}) == (None, [])


def test_nps_and_escalation_band():
    assert nps_score(5, 2, 10) == 30.0 and nps_score(0, 4, 4) == -100.0 and nps_score(0, 0, 0) is None
    assert [escalation_band(r) for r in (0.0, 0.049, 0.05, 0.08, 0.10, 0.11, None)] == [
        "below", "below", "within", "within", "within", "above", None]


# -- correlation statistics ---------------------------------------------------------------------------------------
def test_fisher_interval_against_the_formula():
    low, high = fisher_ci(0.5, 28)  # z = atanh(.5) = 0.5493, se = 1/5
    assert (round(low, 4), round(high, 4)) == (round(math.tanh(0.5493061 - 0.3919928), 4),
                                               round(math.tanh(0.5493061 + 0.3919928), 4))
    assert low < 0.5 < high
    narrow = fisher_ci(0.5, 1000)
    assert narrow[1] - narrow[0] < high - low  # more calls, a narrower interval
    with pytest.raises(ValueError):
        fisher_ci(0.5, 3)


def test_correlation_matches_scipy_point_biserial_and_withholds_small_samples():
    rng = np.random.default_rng(7)
    passed = rng.integers(0, 2, 60).astype(float)
    csat = np.clip(np.round(3 + passed + rng.normal(0, 1, 60)), 1, 5)
    ref = stats.pointbiserialr(passed, csat)
    c = correlation("csat", "solve", float(np.corrcoef(passed, csat)[0, 1]), 60, 10)
    assert c.r == pytest.approx(ref.statistic) and c.p == pytest.approx(ref.pvalue)
    assert c.low < c.r < c.high and not c.too_few
    few = correlation("csat", "solve", 0.9, 9, 10)
    assert few.too_few and few.r is None and few.low is None and few.n == 9
    flat = correlation("csat", "solve", float("nan"), 40, 10)  # every call passed: r undefined, not "too few"
    assert flat.r is None and not flat.too_few


# -- customer keys ------------------------------------------------------------------------------------------------
def test_phone_numbers_are_normalised():
    assert phone_numbers("số của tôi là 0912 345 678, hoặc +84 90 123 4567", "VN") == ["+84912345678",
                                                                                         "+84901234567"]
    assert phone_numbers("order 12345 on the 3rd", "VN") == []


def test_customer_key_is_a_keyed_hash_never_the_number(tmp_path):
    secret = load_secret(str(tmp_path / "k"))
    assert load_secret(str(tmp_path / "k")) == secret and len(secret) == 32  # made once, then read
    assert oct((tmp_path / "k").stat().st_mode)[-3:] == "600"
    said = [Turn("agent", 0, 1, "call us on 1900 1234"), Turn("customer", 1, 2, "my number is 0912 345 678")]
    key = customer_key(said, {}, secret, "VN")
    assert key.source == "phone" and key.key == hash_customer("phone", "+84912345678", secret)
    assert "912345678" not in key.key and len(key.key) == 32
    # the same number as a customer id in a file name is the same customer; another secret gives another key
    assert customer_key([], {"customer_id": "0912345678"}, secret, "VN").key == key.key
    assert customer_key(said, {}, b"x" * 32, "VN").key != key.key
    assert customer_key([Turn("agent", 0, 1, "0912 345 678")], {}, secret, "VN") is None  # the agent's words
    assert customer_key([], {"customer_id": "CRM-77"}, secret, "VN").key == hash_customer("id", "CRM-77", secret)


def test_bad_key_file_and_region_are_refused(tmp_path):
    bad = tmp_path / "bad.key"
    bad.write_text("not hex")
    with pytest.raises(InputError, match="not hex digits"):
        load_secret(str(bad))
    bad.write_text("ab" * 4)
    with pytest.raises(InputError, match="must be 16 to 64"):
        load_secret(str(bad))
    with pytest.raises(InputError, match="kpis.phone_region"):
        settings_from_dict({"kpis": {"phone_region": "XX"}})
    with pytest.raises(InputError, match="fcr_days"):
        settings_from_dict({"kpis": {"fcr_days": 0}})
    assert settings_from_dict({"kpis": {"phone_region": "us"}}).kpis.phone_region == "US"


def test_pipeline_keeps_the_survey_and_only_the_customer_hash(tmp_path, pipeline):
    store = Store(str(tmp_path / "k.duckdb"))
    path = write_call(tmp_path, "c1", "a1", DAY0, customer="Charged twice. My number is 0912 345 678.", csat=2,
                      nps="11")
    result = pipeline.process(path)
    assert (result.survey.csat, result.survey.nps) == (2, None)  # nps 11 is off the scale: left out
    store.save(result)
    with store.connect() as con:
        assert con.execute("SELECT csat, nps, ces, source FROM call_kpis").fetchall() == [(2, None, None,
                                                                                          "transcript")]
        keys = con.execute("SELECT customer_key, key_source FROM call_customers").fetchall()
    secret = load_secret(pipeline.settings.kpis.key_file)
    assert keys == [(hash_customer("phone", "+84912345678", secret), "phone")]
    assert "912345678" not in keys[0][0]
    with store.connect() as con:  # the stored turns are redacted (privacy.redact): the key was taken before that
        said = con.execute("SELECT text FROM turns WHERE speaker = 'customer'").fetchone()[0]
    assert "345" not in said and "[PHONE]" in said
    # path metadata's customer id wins over the number said in the call
    meta_key = pipeline.process(path, meta={"customer_id": "CRM-1"}).customer
    assert meta_key.source == "customer_id" and meta_key.key == hash_customer("id", "CRM-1", secret)
    # a re-score without a customer (stored turns read back) keeps the key
    with store.connect() as con:
        stored = read_transcript(con, "c1")
    assert pipeline.score(stored).customer is None
    store.save(pipeline.score(stored))
    with store.connect() as con:
        assert con.execute("SELECT count(*) FROM call_customers").fetchone() == (1,)


# -- import -------------------------------------------------------------------------------------------------------
@pytest.fixture
def scored(tmp_path, pipeline):
    store = Store(str(tmp_path / "imp.duckdb"))
    for i in range(3):
        store.save(pipeline.process(write_call(tmp_path, f"call{i}", "a1", DAY0 + timedelta(days=i))))
    return store


def surveys(store):
    with store.connect() as con:
        return {r[0]: r[1:] for r in con.execute("SELECT call_id, csat, nps, ces, source FROM call_kpis").fetchall()}


def test_a_bad_file_stores_nothing_and_names_each_row(tmp_path, scored):
    f = tmp_path / "s.csv"
    f.write_text("call_id,csat,nps,ces,comment\ncall0,5,10,1,great\ncall1,6,9,,\nnope,4,,,\ncall2,3,x,,\n"
                 "call0,4,,,\n", encoding="utf-8")
    with pytest.raises(ImportRejected) as info:
        import_surveys(scored, str(f))
    text = info.value.message
    assert str(f) in text and "nothing was stored" in text and "--keep-good" in info.value.fix
    assert [(p.row, p.column) for p in info.value.problems] == [(3, "csat"), (4, "call_id"), (5, "nps"),
                                                                (6, "call_id")]
    assert "row 3, column csat: csat is 6, outside its scale 1-5" in text
    assert "no stored call has the id 'nope'" in text and "'call0' is also on row 2" in text
    assert surveys(scored) == {}
    report = import_surveys(scored, str(f), keep_good=True)
    assert report.stored == 1 and len(report.problems) == 4 and report.ignored_columns == ["comment"]
    assert surveys(scored) == {"call0": (5, 10, 1, "import")}


def test_import_replaces_and_transcript_fields_never_replace_an_import(tmp_path, scored, pipeline):
    f = tmp_path / "s.csv"
    f.write_text("\ufeffCall_ID;CSAT;NPS\ncall1;4;8\ncall2;;\n", encoding="utf-8")  # BOM, semicolons, case
    report = import_surveys(scored, str(f))
    assert (report.stored, report.replaced, report.empty) == (1, 0, 1)
    f.write_text("call_id,csat\ncall1,2\n")
    assert import_surveys(scored, str(f)).replaced == 1
    scored.save(pipeline.process(write_call(tmp_path, "call1", "a1", DAY0, csat=5)))  # scored again with csat 5
    assert surveys(scored) == {"call1": (2, None, None, "import")}


@pytest.mark.parametrize("content, says", [("", "is empty"), ("id,csat\nx,1\n", "no call_id column"),
                                           ("call_id,score\nx,1\n", "none of the columns csat, nps, ces")])
def test_unusable_files_say_what_to_do(content, says):
    with pytest.raises(InputError, match=says) as info:
        parse_surveys(content, "f.csv")
    assert info.value.fix


def test_cli_import(tmp_path, scored):
    f = tmp_path / "s.csv"
    f.write_text("call_id,csat\ncall0,5\ncall1,9\n")
    runner = CliRunner()
    out = runner.invoke(main, ["kpis", "import", str(f), "--db", scored.path])
    assert out.exit_code == 1 and "row 3, column csat" in out.output and "nothing was stored" in out.output
    out = runner.invoke(main, ["kpis", "import", str(f), "--db", scored.path, "--keep-good"])
    assert out.exit_code == 1 and "1 survey(s) stored" in out.output and "row 3, column csat" in out.output
    missing = runner.invoke(main, ["kpis", "import", str(tmp_path / "none.csv"), "--db", scored.path])
    assert missing.exit_code == 1 and "file not found" in missing.output
    report = runner.invoke(main, ["kpis", "report", "--db", scored.path])
    assert report.exit_code == 0 and report.output.splitlines()[1].split("\t")[:4] == ["all", "a1", "3", "5.0"]


# -- FCR, escalations and the per-agent table ---------------------------------------------------------------------
@pytest.fixture
def repeat_store(tmp_path, pipeline):
    """Customer A calls on days 0 (agent a1), 4 (a2) and 19 (a1); B on day 1 (a2, escalated); C on day 29 (a2)."""
    store = Store(str(tmp_path / "fcr.duckdb"))
    plan = [("A0", "a1", 0, "0912 345 678"), ("A4", "a2", 4, "it is +84 912 345 678"), ("A19", "a1", 19, None),
            ("B1", "a2", 1, "0987 654 321"), ("C29", "a2", 29, "0903 111 222")]
    for call_id, agent, day, phone in plan:
        said = f"I was charged twice. My number is {phone}." if phone else "I was charged twice."
        if call_id == "B1":
            said += " I want to speak to your manager."
        meta = {"customer_id": "0912345678"} if call_id == "A19" else None  # A's number, from the file name
        store.save(pipeline.process(write_call(tmp_path, call_id, agent, DAY0 + timedelta(days=day), said,
                                               agent_text=GOOD if agent == "a1" else BAD), meta=meta))
    return store


def test_fcr_windows(repeat_store):
    rows = {r.group: r for r in kpi_rows(repeat_store, ADMIN, period="all", fcr_days=7)}
    # 7 days: A0 not resolved (A4), A4 resolved (A19 is 15 days later), A19 resolved (day 26 <= 29), B1 resolved,
    # C29 still inside its window (not counted)
    assert (rows["a1"].fcr_n, rows["a1"].fcr) == (2, 0.5)
    assert (rows["a2"].fcr_n, rows["a2"].fcr) == (2, 1.0)
    rows = {r.group: r for r in kpi_rows(repeat_store, ADMIN, period="all", fcr_days=30)}
    # 30 days: A0 and A4 not resolved; A19, B1 and C29 inside their windows
    assert (rows["a1"].fcr_n, rows["a1"].fcr) == (1, 0.0)
    assert (rows["a2"].fcr_n, rows["a2"].fcr) == (1, 0.0)
    weeks = {(r.period, r.group): r for r in kpi_rows(repeat_store, ADMIN, period="week", fcr_days=7)}
    assert weeks[(DAY0, "a1")].fcr == 0.0 and weeks[(DAY0, "a2")].fcr == 1.0


def test_escalation_rate_and_band(repeat_store):
    rows = {r.group: r for r in kpi_rows(repeat_store, ADMIN, period="all")}
    assert (rows["a2"].calls, rows["a2"].escalations) == (3, 1)
    assert rows["a2"].escalation_rate == pytest.approx(1 / 3) and rows["a2"].escalation_band == "above"
    assert (rows["a1"].escalations, rows["a1"].escalation_band) == (0, "below")
    rec = {r["group"]: r for r in kpi_records(list(rows.values()))}
    assert rec["a2"]["escalation_rate"] == 33.3 and rec["a1"]["handling_time"] == 14.0


def test_survey_averages_and_correlations_from_the_store(tmp_path, pipeline):
    store = Store(str(tmp_path / "corr.duckdb"))
    rng = np.random.default_rng(3)
    values = []
    for i in range(24):
        good = bool(i % 2)
        csat = int(np.clip(round(3 + (1.2 if good else -1.2) + rng.normal(0, 0.8)), 1, 5))
        nps = int(rng.integers(0, 11))
        values.append((good, csat, nps))
        store.save(pipeline.process(write_call(tmp_path, f"k{i}", "a1", DAY0 + timedelta(days=i % 5),
                                               agent_text=GOOD if good else BAD, csat=csat, nps=nps)))
    (row,) = kpi_rows(store, ADMIN, period="all")
    assert row.csat_n == 24 and row.csat == pytest.approx(np.mean([c for _, c, _ in values]))
    promoters, detractors = sum(n >= 9 for *_, n in values), sum(n <= 6 for *_, n in values)
    assert row.nps == pytest.approx(100 * (promoters - detractors) / 24)
    found = {(c.kpi, c.criterion): c for c in correlations(store, ADMIN, min_calls=10)}
    with store.connect() as con:
        solve = dict(con.execute("SELECT call_id, status FROM criterion_results WHERE criterion_id = 'solve'")
                     .fetchall())
    y = np.array([1.0 if solve[f"k{i}"] == "pass" else 0.0 for i in range(24)])
    ref = stats.pointbiserialr(y, [c for _, c, _ in values])
    c = found[("csat", "solve")]
    assert c.n == 24 and c.r == pytest.approx(ref.statistic) and c.p == pytest.approx(ref.pvalue)
    assert c.low < c.r < c.high
    assert found[("fcr", "solve")].too_few and found[("fcr", "solve")].n == 0  # no customer keys
    assert all(c.too_few for c in correlations(store, ADMIN, min_calls=25))


def test_ray_parquet_results_carry_the_survey_and_customer(tmp_path, pipeline):
    """The Ray engine's workers write Parquet and the driver ingests it: the survey and the customer key come along,
    and an imported survey still wins over the transcript's."""
    from qa.batch.parquet_results import ParquetWriter, ingest

    store = Store(str(tmp_path / "ray.duckdb"))
    first = pipeline.process(write_call(tmp_path, "r1", "a1", DAY0, customer="My number is 0912 345 678.", csat=3))
    second = pipeline.process(write_call(tmp_path, "r2", "a1", DAY0, csat=4))
    writer = ParquetWriter(str(tmp_path / "results"))
    with store.transaction() as con:
        for key, result in (("k1", first), ("k2", second)):
            ingest(con, writer.write(result, key), None)
    assert surveys(store) == {"r1": (3, None, None, "transcript"), "r2": (4, None, None, "transcript")}
    (tmp_path / "s.csv").write_text("call_id,csat\nr2,1\n")
    import_surveys(store, str(tmp_path / "s.csv"))
    with store.transaction() as con:  # both scored again
        for key, result in (("k1", first), ("k2", second)):
            ingest(con, writer.write(result, key), result.transcript.call_id)
    assert surveys(store) == {"r1": (3, None, None, "transcript"), "r2": (1, None, None, "import")}
    with store.connect() as con:
        assert con.execute("SELECT call_id, key_source FROM call_customers").fetchall() == [("r1", "phone")]


def test_kpis_keep_to_the_viewer_and_count_repeats_whoever_answers(repeat_store):
    agent = Viewer("ann", "agent", agent_id="a1")
    (row,) = kpi_rows(repeat_store, agent, period="all", fcr_days=7)
    # A0 (a1) is not resolved because of A4, which a2 answered and the agent does not see
    assert (row.group, row.calls, row.fcr_n, row.fcr) == ("a1", 2, 2, 0.5)
    assert {c.n for c in correlations(repeat_store, agent, min_calls=4) if c.kpi == "csat"} == {0}


def test_calls_stored_without_a_customer_get_one_afterwards(tmp_path, pipeline):
    store = Store(str(tmp_path / "old.duckdb"))
    for call_id, said, meta in [("o1", "My number is 0912 345 678.", None), ("o2", "No number here.", "0912345678"),
                                ("o3", "No number here.", None)]:
        t = pipeline.import_transcript(write_call(tmp_path, call_id, "a1", DAY0, said))
        if meta:
            t.extra["path_meta"] = {"customer_id": meta}
        store.save(pipeline.score(t))  # scored without its customer, as before migration 11
    env = {"CALLQA_CUSTOMER_KEY_FILE": pipeline.settings.kpis.key_file}
    out = CliRunner().invoke(main, ["kpis", "customers", "--db", store.path], env=env)
    assert out.exit_code == 0 and "2 call(s) got a customer key" in out.output
    with store.connect() as con:
        keys = dict(con.execute("SELECT call_id, customer_key FROM call_customers").fetchall())
    assert set(keys) == {"o1", "o2"} and keys["o1"] == keys["o2"]  # the same number, said or in the file name
    again = CliRunner().invoke(main, ["kpis", "customers", "--db", store.path], env=env)
    assert "0 call(s) got a customer key" in again.output  # o3 has none to find; o1 and o2 have theirs


def test_a_batch_keys_each_call_by_the_customer_id_in_its_file_name(tmp_path, pipeline):
    from qa.batch.run import run_batch

    folder = tmp_path / "in"
    folder.mkdir()
    for name, call_id in [("a1_20261102_0912345678", "b1"), ("a1_20261104_0912345678", "b2"),
                          ("a2_20261105_0987654321", "b3")]:
        (folder / f"{name}.json").write_text(json.dumps(
            {"call_id": call_id, "language": "en", "turns": turns("I was charged twice.")}), encoding="utf-8")
    settings = pipeline.settings
    settings.batch.path_pattern, settings.batch.allow_unknown_agents = "{agent_id}_{date}_{customer_id}", True
    store = Store(str(tmp_path / "batch.duckdb"))
    assert len(run_batch([str(folder)], settings, store).done) == 3
    with store.connect() as con:
        keys = dict(con.execute("SELECT call_id, customer_key FROM call_customers").fetchall())
    secret = load_secret(settings.kpis.key_file)
    assert keys == {"b1": hash_customer("phone", "+84912345678", secret), "b2": keys["b1"],
                    "b3": hash_customer("phone", "+84987654321", secret)}
    # the dates come from the file names: b1 (2 Nov) was repeated by b2 (4 Nov); b2 and b3 are inside their windows
    rows = {r.group: r for r in kpi_rows(store, ADMIN, period="all", fcr_days=7)}
    assert (rows["a1"].fcr_n, rows["a1"].fcr, rows["a2"].fcr_n) == (1, 0.0, 0)
