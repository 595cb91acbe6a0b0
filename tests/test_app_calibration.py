"""The calibration page through Streamlit's AppTest: two supervisors rate a call blind, then see the agreement;
an agent cannot open the page."""
import pytest
from apphelp import PASSWORD, run_app, sample_store

from qa.accounts.auth import add_user
from qa.store.database import Store

RATINGS = {"listen": "fail", "apologize": "pass", "solve": "fail", "thank": "fail", "abusive_language": "pass"}


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = sample_store(tmp_path_factory.mktemp("appcal") / "app.duckdb")
    add_user(Store(path), "sup2", PASSWORD, "supervisor")
    return path


def _button(at, label):
    return next(b for b in at.button if b.label == label)


def _columns(at):
    return [list(df.value.columns) for df in at.dataframe]


def _rate(db, at, sid, ratings):
    for cid, status in ratings.items():
        at.selectbox(key=f"cal_rate_{sid}_{cid}").set_value(status)
    _button(at, "Submit my ratings").click()
    return run_app(db, at=at)


def test_two_supervisors_rate_blind_then_see_agreement(db):
    at = run_app(db, "sup", query={"page": "calibration"})
    assert not at.exception
    at.selectbox(key="cal_new_call").set_value("en_complaint_bad")
    _button(at, "Start the session").click()
    at = run_app(db, at=at)
    assert not at.exception
    sid = at.query_params["session"]
    sid = sid[0] if isinstance(sid, list) else sid
    # blind: the rating form, the transcript, no automatic result, no one's ratings
    assert at.selectbox(key=f"cal_rate_{sid}_listen").value is None
    assert not any("Automatic" in cols for cols in _columns(at))
    assert not any(s.value == "Agreement" for s in at.subheader)
    at = _rate(db, at, sid, RATINGS)
    assert not at.exception
    table = next(df.value for df in at.dataframe if "Automatic" in df.value.columns)
    assert "sup" in table.columns and "sup2" not in table.columns

    other = run_app(db, "sup2", query={"page": "calibration", "session": sid})
    assert not other.exception
    assert not any("Automatic" in cols for cols in _columns(other)), "sup2 does not see sup's ratings yet"
    assert not any("sup" in cols for cols in _columns(other))
    other = _rate(db, other, sid, {**RATINGS, "listen": "pass"})
    assert not other.exception
    table = next(df.value for df in other.dataframe if "Automatic" in df.value.columns)
    assert {"sup", "sup2", "Automatic"} <= set(table.columns)
    listen = table[table["Criterion"] == "Listen"].iloc[0]
    assert (listen["sup"], listen["sup2"], listen["Automatic"], listen["Agreement"]) == ("Fail", "Pass", "Fail", "33%")
    metrics = {m.label: m.value for m in other.metric}
    assert metrics["Percent agreement"] == "73%"  # (1/3 + 1/3 + 1 + 1 + 1) / 5
    assert metrics["Fleiss' kappa (automatic included)"] == "0.44"  # 4/9
    assert "Close the session" not in [b.label for b in other.button], "only the creator closes"

    at = run_app(db, "sup", query={"page": "calibration", "session": sid})
    _button(at, "Close the session").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert any("Closed" in c.value for c in at.caption)
    summary = [df.value for df in at.dataframe if "Sessions" in df.value.columns]
    assert summary and len(summary[0]) == 5


def test_vietnamese_calibration_page(db):
    at = run_app(db, "admin", query={"page": "calibration"})
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(db, at=at)
    assert not at.exception
    assert any(s.value == "Hiệu chuẩn" for s in at.subheader)
    assert any(s.value == "Bộ chấm tự động so với người giám sát" for s in at.subheader)


def test_agent_gets_no_calibration_page(db):
    at = run_app(db, "lan", query={"page": "calibration", "session": "1"})
    assert not at.exception
    assert "calibration" not in at.sidebar.radio(key="ui_page").options
    assert at.query_params["page"] in ("my", ["my"])  # the agent's first page instead
    assert not any("Calibration" in s.value or "Automatic" in s.value for s in at.subheader)
    assert not any("Automatic" in cols for cols in _columns(at))


def test_scorer_table_on_reviewed_calls(db):
    store = Store(db)
    with store.transaction() as con:
        con.execute("INSERT INTO assessments VALUES ('en_request', 'final', 'sup', now(), now())")
        con.execute("INSERT INTO overrides (call_id, criterion_id, auto_status, status, reason, author, created_at) "
                    "VALUES ('en_request', 'thank', 'pass', 'fail', 'no thanks heard', 'sup', now())")
    at = run_app(db, "sup", query={"page": "calibration"})
    assert not at.exception
    table = next(df.value for df in at.dataframe if "Overrides" in df.value.columns)
    thank = table[table["Criterion"] == "Thank"].iloc[0]
    assert (thank["Calls"], thank["Agreed"], thank["Agreement"], thank["Overrides"]) == (1, 0, "0%", 1)
    assert table.iloc[-1]["Criterion"] == "All criteria"


def test_call_view_stays_blind_until_the_reviewer_has_rated(tmp_path):
    from qa.accounts.access import Viewer
    from qa.calibration.sessions import create_session, pending_blind_sessions, rating_criteria, submit_ratings

    db = sample_store(tmp_path / "blind.duckdb")
    store = Store(db)
    sid = create_session(store, Viewer("admin", "admin"), "en_complaint_bad", "blind check")
    sup = Viewer("sup", "supervisor")
    assert pending_blind_sessions(store, sup, "en_complaint_bad") == [sid]
    assert pending_blind_sessions(store, Viewer("tom", "agent", "agent_tom"), "en_complaint_bad") == []
    at = run_app(db, "sup", query={"page": "call", "call": "en_complaint_bad"})
    assert not at.exception
    assert "rated this call in calibration session" in at.info[0].value
    assert not any("/100" in h.value for h in at.header), "no total while rating blind"
    assert not any("Listen" in e.label for e in at.expander), "no criterion results while rating blind"
    submit_ratings(store, sup, sid, {c.criterion_id: "pass" for c in rating_criteria(store, sup, sid)})
    at = run_app(db, "sup", query={"page": "call", "call": "en_complaint_bad"})
    assert any("/100" in h.value for h in at.header) and any("Listen" in e.label for e in at.expander)
