"""qa.calibration.sessions and qa.calibration.scorer_agreement on a real store with the sample calls: blindness, permissions,
agreement numbers on hand-built cases, the scorer's agreement with overrides inserted as the review API would,
and `callqa eval scorer`."""
from datetime import datetime

import pytest
from apphelp import PASSWORD, copy_store, sample_store
from click.testing import CliRunner
from sklearn.metrics import cohen_kappa_score

from qa.accounts.access import PermissionDenied
from qa.accounts.auth import add_user, get_user
from qa.calibration import sessions as cal
from qa.calibration.scorer_agreement import scorer_agreement
from qa.cli import main
from qa.store.database import Store
from transcribe.errors import InputError

# en_complaint_bad's automatic result
AUTO_BAD = {"listen": "fail", "apologize": "fail", "solve": "fail", "thank": "fail", "abusive_language": "pass"}


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    path = sample_store(tmp_path_factory.mktemp("cal") / "template.duckdb")
    store = Store(path)
    add_user(store, "sup2", PASSWORD, "supervisor")
    add_user(store, "north", PASSWORD, "supervisor", teams=("north",))
    with store.transaction() as con:
        con.executemany("INSERT INTO agents VALUES (?, ?, ?)", [
            ["agent_tom", "Tom", "north"], ["agent_minh", "Minh", "north"], ["agent_linda", "Linda", "south"],
            ["agent_mai", "Mai", "south"], ["agent_lan", "Lan", "south"]])
    return path


@pytest.fixture
def store(template, tmp_path):
    return copy_store(template, tmp_path, "cal.duckdb")


def who(store, name):
    return get_user(store, name).viewer()


def test_ratings_are_blind_until_you_submit(store):
    sup, sup2, admin = who(store, "sup"), who(store, "sup2"), who(store, "admin")
    sid = cal.create_session(store, sup, "en_complaint_bad", "weekly")
    criteria = cal.rating_criteria(store, sup2, sid)
    assert [c.criterion_id for c in criteria] == list(AUTO_BAD)
    assert not any(hasattr(c, "status") for c in criteria), "the form carries no automatic result"
    card = cal.blind_call(store, sup2, sid).to_dict()
    assert card["criteria"] == [] and card["critical"] == [] and card["total"] is None and card["flags"] == []
    assert card["turns"] and all(t["criteria"] == [] for t in card["turns"])
    with pytest.raises(PermissionDenied):
        cal.session_results(store, sup2, sid)
    cal.submit_ratings(store, sup2, sid, {**AUTO_BAD, "listen": "pass"})
    # sup2 has submitted: sees the auto result; sup (the creator) has not: sees nothing of sup2's
    assert cal.session_results(store, sup2, sid).criteria[0].auto == "fail"
    with pytest.raises(PermissionDenied, match="hidden until you submit"):
        cal.session_results(store, sup, sid)
    assert cal.my_ratings(store, sup, sid) == {}
    assert cal.my_ratings(store, sup2, sid)["listen"] == "pass"
    cal.submit_ratings(store, sup, sid, AUTO_BAD)
    results = cal.session_results(store, sup, sid)
    assert results.criteria[0].ratings == {"sup2": "pass", "sup": "fail"}
    assert not cal.may_see_results(cal.get_session(store, admin, sid), admin)
    with pytest.raises(PermissionDenied):
        cal.session_results(store, admin, sid)
    cal.close_session(store, sup, sid)
    assert cal.session_results(store, admin, sid).criteria[0].ratings["sup"] == "fail"


def test_agents_take_no_part(store):
    lan, sup = who(store, "lan"), who(store, "sup")
    sid = cal.create_session(store, sup, "vi_request")
    for call in (lambda: cal.list_sessions(store, lan), lambda: cal.get_session(store, lan, sid),
                 lambda: cal.create_session(store, lan, "vi_request"), lambda: cal.session_results(store, lan, sid),
                 lambda: cal.submit_ratings(store, lan, sid, {}), lambda: cal.blind_call(store, lan, sid),
                 lambda: cal.calibration_summary(store, lan), lambda: scorer_agreement(store, lan),
                 lambda: cal.calls_to_calibrate(store, lan)):
        with pytest.raises(PermissionDenied):
            call()


def test_agreement_numbers_on_a_hand_built_session(store):
    sup, sup2 = who(store, "sup"), who(store, "sup2")
    sid = cal.create_session(store, sup, "en_complaint_bad")
    r_sup = {**AUTO_BAD, "apologize": "pass"}
    r_sup2 = {**AUTO_BAD, "listen": "pass", "apologize": "pass"}
    cal.submit_ratings(store, sup, sid, r_sup)
    cal.submit_ratings(store, sup2, sid, r_sup2)
    res = cal.session_results(store, sup, sid)
    per = {c.criterion_id: c for c in res.criteria}
    assert per["listen"].percent == pytest.approx(1 / 3)  # fail, pass, fail(auto): 1 of 3 pairs agree
    assert per["apologize"].percent == pytest.approx(1 / 3)
    assert per["solve"].percent == 1.0 and per["solve"].unanimous
    assert not per["listen"].unanimous
    assert res.percent == pytest.approx(11 / 15)
    # Fleiss over the 5 criteria, 3 raters: counts (fail, pass) 2/1, 1/2, 3/0, 3/0, 0/3 -> (11/15 - 0.52) / 0.48
    assert res.fleiss == pytest.approx(4 / 9)
    assert res.fleiss_reviewers == pytest.approx(0.6)
    auto = [AUTO_BAD[k] for k in AUTO_BAD]
    assert res.cohen_vs_auto["sup"] == pytest.approx(6 / 11)
    assert res.cohen_vs_auto["sup"] == pytest.approx(cohen_kappa_score([r_sup[k] for k in AUTO_BAD], auto))
    assert res.cohen_vs_auto["sup2"] == pytest.approx(cohen_kappa_score([r_sup2[k] for k in AUTO_BAD], auto))
    assert res.agree_with_auto == {"sup": pytest.approx(0.8), "sup2": pytest.approx(0.6)}
    # the summary counts closed sessions only
    assert cal.calibration_summary(store, sup) == []
    cal.close_session(store, sup, sid)
    summary = {s.criterion_id: s for s in cal.calibration_summary(store, sup)}
    assert summary["listen"].sessions == 1 and summary["listen"].agree_with_auto == pytest.approx(0.5)


def test_submissions_are_checked(store):
    sup, sup2 = who(store, "sup"), who(store, "sup2")
    sid = cal.create_session(store, sup, "en_complaint_bad")
    with pytest.raises(InputError, match="missing"):
        cal.submit_ratings(store, sup, sid, {"listen": "pass"})
    with pytest.raises(InputError, match="unknown status"):
        cal.submit_ratings(store, sup, sid, {**AUTO_BAD, "listen": "good"})
    with pytest.raises(InputError, match="unknown"):
        cal.submit_ratings(store, sup, sid, {**AUTO_BAD, "made_up": "pass"})
    cal.submit_ratings(store, sup, sid, AUTO_BAD)
    with pytest.raises(InputError, match="already rated"):
        cal.submit_ratings(store, sup, sid, AUTO_BAD)
    with pytest.raises(PermissionDenied):
        cal.close_session(store, sup2, sid)  # not the creator
    cal.close_session(store, who(store, "admin"), sid)
    with pytest.raises(InputError, match="closed"):
        cal.submit_ratings(store, sup2, sid, AUTO_BAD)
    with pytest.raises(InputError, match="already closed"):
        cal.close_session(store, sup, sid)
    assert [s.session_id for s in cal.list_sessions(store, sup, open_only=False)] == [sid]
    assert cal.list_sessions(store, sup, open_only=True) == []


def test_team_limited_supervisor_sees_only_their_teams_sessions(store):
    sup, north = who(store, "sup"), who(store, "north")
    theirs = cal.create_session(store, sup, "en_complaint_bad")  # agent_tom: north
    other = cal.create_session(store, sup, "en_request")  # agent_linda: south
    assert [s.session_id for s in cal.list_sessions(store, north)] == [theirs]
    with pytest.raises(PermissionDenied, match="not found"):
        cal.get_session(store, north, other)
    with pytest.raises(PermissionDenied, match="not found"):
        cal.create_session(store, north, "en_request")
    assert set(cal.calls_to_calibrate(store, north)) == {"en_complaint_bad", "vi_complaint_bad"}
    with pytest.raises(PermissionDenied, match="not found"):
        cal.create_session(store, sup, "no_such_call")


def _reviews(store):
    """Assessments and overrides as the review API writes them (migration 6 columns)."""
    old, new = datetime(2024, 1, 1), datetime(2025, 6, 1)
    assessments = [("en_complaint_bad", "final", old), ("en_complaint_good", "shared", old),
                   ("en_request", "draft", old), ("vi_complaint_good", "draft", old),
                   ("mixed_complaint_good", "final", old), ("vi_complaint_bad", "disputed", old)]
    overrides = [  # call, criterion, auto_status, status, created_at
        ("en_complaint_bad", "listen", "fail", "pass", old),
        ("en_request", "thank", "pass", "fail", old),  # withdrawn below, on a draft: the call is not reviewed
        ("en_request", "thank", "pass", None, new),
        ("vi_request", "apologize", "na", "fail", new),  # no assessment: reviewed through the override
        ("mixed_complaint_good", "solve", "pass", "fail", old),
        ("mixed_complaint_good", "solve", "pass", None, new),  # withdrawn: the automatic pass stands
        ("vi_complaint_bad", "thank", "fail", "fail", old),  # an override to the automatic status
    ]
    with store.transaction() as con:
        con.executemany("INSERT INTO assessments VALUES (?, ?, 'sup', ?, ?)", [[c, s, t, t] for c, s, t in assessments])
        con.executemany("INSERT INTO overrides (call_id, criterion_id, auto_status, status, reason, author, "
                        "created_at) VALUES (?, ?, ?, ?, 'test', 'sup', ?)", [list(o) for o in overrides])


def test_scorer_agreement_with_overrides_and_withdrawals(store):
    _reviews(store)
    report = scorer_agreement(store, who(store, "sup"))
    assert report.calls == 5  # en_complaint_bad, en_complaint_good, vi_request, mixed_complaint_good, vi_complaint_bad
    rows = {r.criterion_id: r for r in report.criteria}
    assert list(rows) == ["listen", "apologize", "solve", "thank", "abusive_language"]
    assert all(r.n == 5 for r in rows.values())
    # calls in id order: en_complaint_bad, en_complaint_good, mixed_complaint_good, vi_complaint_bad, vi_request
    listen_auto, listen_final = ["fail", "pass", "pass", "fail", "pass"], ["pass", "pass", "pass", "fail", "pass"]
    assert (rows["listen"].agreed, rows["listen"].overrides) == (4, 1)
    assert rows["listen"].percent == pytest.approx(0.8)
    assert rows["listen"].kappa == pytest.approx(cohen_kappa_score(listen_auto, listen_final))
    apol_auto, apol_final = ["fail", "pass", "pass", "fail", "na"], ["fail", "pass", "pass", "fail", "fail"]
    assert (rows["apologize"].agreed, rows["apologize"].overrides) == (4, 1)
    assert rows["apologize"].kappa == pytest.approx(cohen_kappa_score(apol_auto, apol_final))
    assert (rows["solve"].agreed, rows["solve"].overrides) == (5, 0)  # the withdrawn override is not in force
    assert (rows["thank"].agreed, rows["thank"].overrides) == (5, 1)
    assert rows["abusive_language"].percent == 1.0 and rows["abusive_language"].kappa is None  # all pass
    assert (report.overall.n, report.overall.agreed, report.overall.overrides) == (25, 23, 3)


def test_scorer_agreement_scope_and_since(store):
    _reviews(store)
    north = scorer_agreement(store, who(store, "north"))  # agent_tom, agent_minh
    assert north.calls == 2 and all(r.n == 2 for r in north.criteria)
    assert {r.criterion_id: r.agreed for r in north.criteria}["listen"] == 1
    recent = scorer_agreement(store, who(store, "sup"), since=datetime(2025, 1, 1))
    assert recent.calls == 1  # vi_request; the withdrawals of 2025 are no review activity
    assert {r.criterion_id: r.agreed for r in recent.criteria}["apologize"] == 0


def test_eval_scorer_cli(store, tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["eval", "scorer", "--db", store.path])
    assert result.exit_code == 0, result.output
    assert "reviewed calls: 0" in result.output
    _reviews(store)
    result = runner.invoke(main, ["eval", "scorer", "--db", store.path])
    assert result.exit_code == 0, result.output
    lines = {line.split()[0]: line.split() for line in result.output.splitlines() if line.strip()}
    assert lines["listen"][1:5] == ["5", "4", "80.0", format(cohen_kappa_score(
        ["fail", "pass", "pass", "fail", "pass"], ["pass", "pass", "pass", "fail", "pass"]), ".3f")]
    assert lines["abusive_language"][4] == "—"
    assert lines["(all"][2:4] == ["25", "23"]
    result = runner.invoke(main, ["eval", "scorer", "--db", store.path, "--user", "north", "--since", "2020-01-01"])
    assert "reviewed calls: 2" in result.output
    result = runner.invoke(main, ["eval", "scorer", "--db", store.path, "--user", "lan"])  # an agent
    assert result.exit_code != 0 and "supervisor" in result.output
    result = runner.invoke(main, ["eval", "scorer", "--db", str(tmp_path / "missing.duckdb")])
    assert result.exit_code != 0 and "no such database" in result.output
