"""The override form cannot save the wrong criterion (issue 15 problem 4): after a refusal (no reason) it keeps
the criterion and result picked, and its button names the criterion being overridden."""
import pytest
from apphelp import run_app, sample_store

from qa.accounts.access import Viewer
from qa.review.overrides import override_history
from qa.store.database import Store

CALL = "en_complaint_good"  # every criterion passes automatically


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("ovform") / "app.duckdb")


def test_solve_fail_without_a_reason_then_with_one_records_solve_fail(db):
    at = run_app(db, "sup", query={"page": "call", "call": CALL})
    assert at.button(key=f"rev_ov_save_{CALL}").label == "Save override for Listen"  # the first criterion
    at.selectbox(key=f"rev_ov_crit_{CALL}").set_value("solve")
    at = run_app(db, at=at)
    assert at.button(key=f"rev_ov_save_{CALL}").label == "Save override for Solve"
    at.radio(key=f"rev_ov_status_{CALL}").set_value("fail")
    at.button(key=f"rev_ov_save_{CALL}").click()  # no reason
    at = run_app(db, at=at)
    assert not at.exception
    assert any("Give a reason" in e.value for e in at.error)
    assert override_history(Store(db), Viewer("sup", "supervisor"), CALL) == []
    # the form still holds what was picked: nothing went back to Listen / Pass
    assert at.selectbox(key=f"rev_ov_crit_{CALL}").value == "solve"
    assert at.radio(key=f"rev_ov_status_{CALL}").value == "fail"
    assert at.button(key=f"rev_ov_save_{CALL}").label == "Save override for Solve"
    at.text_area(key=f"rev_ov_reason_{CALL}").input("The customer had to call back: the problem was not solved.")
    at.button(key=f"rev_ov_save_{CALL}").click()
    at = run_app(db, at=at)
    assert not at.exception and not at.error
    assert any("Override saved for Solve" in s.value for s in at.success)
    history = override_history(Store(db), Viewer("sup", "supervisor"), CALL)
    assert [(o.criterion_id, o.auto_status, o.status) for o in history] == [("solve", "pass", "fail")]
    assert history[0].reason == "The customer had to call back: the problem was not solved."
    assert at.text_area(key=f"rev_ov_reason_{CALL}").value == ""  # saved: the next override starts afresh
    assert at.selectbox(key=f"rev_ov_crit_{CALL}").value == "solve"
