"""The Streamlit reviewer app shell, driven by Streamlit's AppTest: sign-in, language, the calls page."""
import pytest
from apphelp import PASSWORD, run_app, sample_store


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("app") / "app.duckdb")


def test_sign_in_form_then_calls(db):
    at = run_app(db)
    assert not at.exception
    assert not at.dataframe, "nothing is shown before signing in"
    at.text_input(key="sign_in_user").input("sup")
    at.text_input(key="sign_in_password").input(PASSWORD)
    at.button[0].click()
    at = run_app(db, at=at)
    assert not at.exception
    assert len(at.dataframe) == 1  # the review queue
    at.button(key="queue_open_button").click()  # open its first call
    at = run_app(db, at=at)
    assert not at.exception
    header = at.header[0].value
    assert "Call" in header and "/100" in header
    expanders = [e.label for e in at.expander]
    assert any("Listen" in x for x in expanders) and any("Thank" in x for x in expanders)
    assert at.get("audio"), "the call's recording is linked from its transcript"


def test_wrong_password_is_refused(db):
    at = run_app(db)
    at.text_input(key="sign_in_user").input("sup")
    at.text_input(key="sign_in_password").input("not the password")
    at.button[0].click()
    at = run_app(db, at=at)
    assert not at.dataframe
    assert "Wrong user name or password" in at.error[0].value


def test_vietnamese_ui(db):
    at = run_app(db, "sup")
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(db, at=at)
    assert not at.exception
    assert at.title[0].value == "callqa — đánh giá chất lượng cuộc gọi"
    assert any("Cuộc gọi" in h.value for h in at.header)


def test_open_a_failing_call_shows_its_evidence(db):
    at = run_app(db, "sup", query={"page": "call", "call": "vi_complaint_bad"})
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Xin lỗi, chị nói lại" in text  # the refused look-alike is shown as evidence
    assert "gọi lại sau" in text


def test_agent_sees_only_their_calls_even_by_url(db):
    at = run_app(db, "lan", query={"page": "call"})
    assert not at.exception
    shown = set(at.selectbox(key="rev_pick_call").options)
    assert shown == {"vi_complaint_good", "vi_request"}
    at = run_app(db, "lan", query={"page": "call", "call": "en_complaint_bad"})  # agent_tom's call, by URL
    assert not at.exception
    assert not at.header, "no call header for another agent's call"
    assert "not found" in at.error[0].value
    assert "agent_tom" not in " ".join(m.value for m in at.markdown)


def test_expired_session_asks_to_sign_in_again(db):
    at = run_app(db)
    at.session_state["callqa_token"] = "forged-or-expired"
    at = run_app(db, at=at)
    assert not at.dataframe
    assert "expired" in at.info[0].value


def test_missing_database_message(tmp_path):
    at = run_app(str(tmp_path / "none.duckdb"))
    assert not at.exception
    assert "callqa score" in at.error[0].value


def test_callqa_app_runs_the_installed_entry_file_alone_in_its_folder(db):
    """`callqa app` runs qa/app/entry/streamlit_app.py: Streamlit puts that file's folder first on sys.path, so the
    folder must hold no module named like a standard-library one (qa/app has `queue`)."""
    import sys

    from streamlit.testing.v1 import AppTest

    from qa.cli.demo import app_path

    path = app_path()
    assert sorted(p.name for p in path.parent.glob("*.py")) == ["__init__.py", "streamlit_app.py"]
    old = sys.argv
    sys.argv = ["streamlit_app.py", "--db", db]
    try:
        at = AppTest.from_file(str(path), default_timeout=60).run()
    finally:
        sys.argv = old
    assert not at.exception and at.text_input(key="sign_in_user")
