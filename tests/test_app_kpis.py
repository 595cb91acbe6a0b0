"""The dashboard's customer KPI section, driven by Streamlit's AppTest over the sample store with imported surveys:
the KPI table per agent beside the quality table, the escalation band, and correlations withheld for too few calls."""
import pytest
from apphelp import copy_store, run_app, sample_store

from qa.review.kpi_import import import_surveys

SURVEYS = "call_id,csat,nps,ces\nen_complaint_bad,1,2,6\nvi_complaint_bad,2,5,\nen_complaint_good,5,10,2\n" \
          "vi_complaint_good,4,9,1\nmixed_complaint_good,5,,\n"


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("appk") / "app.duckdb")


@pytest.fixture
def db(template, tmp_path):
    store = copy_store(template, tmp_path)
    (tmp_path / "surveys.csv").write_text(SURVEYS, encoding="utf-8")
    assert import_surveys(store, str(tmp_path / "surveys.csv")).stored == 5
    return store.path


def kpi_table(at):
    return next(d.value for d in at.dataframe if "CSAT (mean 1–5)" in d.value.columns)


def test_kpi_section_beside_the_quality_table(db):
    at = run_app(db, "sup", query={"page": "dashboard"})
    assert not at.exception
    subheaders = [s.value for s in at.subheader]  # (then the reviewers' week, qa.app.assignments)
    assert subheaders[-3:] == ["Customer KPIs", "KPIs and the criteria", "Reviewers this week"]
    table = kpi_table(at).set_index("Agent or team")
    # agent_tom: en_complaint_bad (csat 1, nps 2); agent_lan: vi_complaint_good (4, 9), vi_request (no survey)
    assert table.loc["agent_tom", "CSAT (mean 1–5)"] == 1.0 and table.loc["agent_tom", "NPS (−100 to 100)"] == -100.0
    assert table.loc["agent_lan", "CSAT (mean 1–5)"] == 4.0 and table.loc["agent_lan", "NPS (−100 to 100)"] == 100.0
    assert (table.loc["agent_lan", "Calls"], table.loc["agent_lan", "CSAT answers"]) == (2, 1)
    assert table.loc["agent_mai", "NPS answers"] == 0 and table.loc["agent_tom", "CES (mean 1–7)"] == 6.0
    assert "Mean handling time (s)" in table.columns and "Resolved at first contact (%)" in table.columns
    # mixed_complaint_good carries the store's one escalation flag: its agent is above the 5-10% band
    bands = dict(zip(table.index, table["Against the 5–10% practice"]))
    escalated = [a for a, b in bands.items() if b == "above 10%"]
    assert escalated == ["agent_mai"] and table.loc["agent_mai", "Escalated (%)"] == 100.0
    assert all(b == "below 5%" for a, b in bands.items() if a not in escalated)
    assert any("shaded band" in c.value for c in at.caption)
    corr = at.dataframe[-1].value
    assert list(corr.columns) == ["Criterion", "CSAT", "NPS", "CES", "Resolved at first contact", "Escalated"]
    assert list(corr["Criterion"]) == ["Listen", "Apologize", "Solve", "Thank"]
    # 7 calls, at most 5 with a survey: below the 10 calls a correlation needs
    assert all(cell.startswith("too few calls") for col in corr.columns[1:] for cell in corr[col])
    assert corr.loc[0, "CSAT"] == "too few calls (5; at least 10 needed)"
    assert [b.label for b in at.get("download_button")] == ["Download CSV", "Download the KPIs (CSV)"]


def test_kpi_section_in_vietnamese_and_per_team(db):
    at = run_app(db, "sup", query={"page": "dashboard"})
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(db, at=at)
    assert not at.exception
    assert "Chỉ số khách hàng" in [s.value for s in at.subheader]
    at.radio(key="dash_group").set_value("team")
    at.selectbox(key="dash_period").set_value("all")
    at = run_app(db, at=at)
    table = next(d.value for d in at.dataframe if "CSAT (trung bình 1–5)" in d.value.columns)
    assert len(table) == 1 and table.iloc[0]["CSAT (trung bình 1–5)"] == round((1 + 2 + 5 + 4 + 5) / 5, 2)


def test_a_correlation_cell_says_r_interval_n_and_p_and_when_the_link_is_unclear():
    from qa.accounts.access import Viewer
    from qa.app.common import Context
    from qa.app.dashboard_kpis import correlation_cell
    from qa.review.kpi_stats import correlation
    from qa.store.database import Store

    en, vi = (Context(Store(":memory:"), Viewer("sup", "supervisor"), lang) for lang in ("en", "vi"))
    clear, unclear = correlation("csat", "solve", 0.6, 40, 10), correlation("csat", "solve", 0.1, 40, 10)
    assert clear.p < 0.001 and correlation_cell(en, clear, 10) == (
        f"r = 0.60 (95%: {clear.low:.2f} … {clear.high:.2f}), n = 40, p < 0.001")
    assert f"p = {unclear.p:.3f};" in correlation_cell(en, unclear, 10)
    assert correlation_cell(en, unclear, 10).endswith("; no clear link (the interval includes 0)")
    assert correlation_cell(vi, clear, 10).startswith("r = 0,60 (khoảng tin cậy 95%: ")  # decimal comma
    assert correlation_cell(en, correlation("csat", "solve", None, 40, 10), 10).startswith("no variation (n = 40)")
