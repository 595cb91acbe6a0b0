"""qa's refusals reach the app in the viewer's language (Vietnamese here), saying what is wrong and what to do,
driven by Streamlit's AppTest on a real DuckDB file."""
import pytest
from apphelp import PASSWORD, run_app, sample_store
from streamlit.testing.v1 import AppTest

from qa.accounts.access import Viewer
from qa.accounts.auth import MIN_PASSWORD, get_user
from qa.calibration import sessions as cal
from qa.i18n import t
from qa.store.database import Store

RATINGS = {"listen": "fail", "apologize": "pass", "solve": "fail", "thank": "fail", "abusive_language": "pass"}
SUP = Viewer("sup", "supervisor")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("apperr") / "app.duckdb")


def in_vietnamese(db, at):
    at.sidebar.radio(key="ui_lang").set_value("vi")
    return run_app(db, at=at)


def test_adding_an_existing_user_says_why_in_vietnamese(db):
    at = in_vietnamese(db, run_app(db, "admin", query={"page": "admin"}))
    at.text_input(key="adm_new_user").input("lan")  # taken
    at.text_input(key="adm_new_agent").input("agent_x")
    at.text_input(key="adm_new_password").input(PASSWORD)
    at.text_input(key="adm_new_password2").input(PASSWORD)
    at.button(key="adm_add_submit").click()
    at = run_app(db, at=at)
    assert not at.exception
    shown = at.error[0].value
    assert shown == ("Không thực hiện được: Người dùng lan đã tồn tại: hãy chọn tên khác, hoặc đặt lại mật khẩu "
                     "của họ ở mục “Thay đổi người dùng”.")
    assert "already exists" not in shown

    at.text_input(key="adm_new_user").input("newbie")
    at.text_input(key="adm_new_password").input("short")
    at.text_input(key="adm_new_password2").input("short")
    at.button(key="adm_add_submit").click()
    at = run_app(db, at=at)
    assert at.error[0].value == ("Không thực hiện được: Mật khẩu của newbie quá ngắn: hãy dùng ít nhất "
                                 f"{MIN_PASSWORD} ký tự.")
    assert get_user(Store(db), "newbie") is None


def _admin_page_as(db: str, username: str) -> None:  # runs as a Streamlit script (AppTest.from_function)
    from qa.accounts.auth import get_user
    from qa.app import admin
    from qa.app.common import Context
    from qa.store.database import Store

    store = Store(db)
    admin.render(Context(store, get_user(store, username).viewer(), "vi"))


def test_admin_page_refuses_a_supervisor_in_vietnamese(db):
    at = AppTest.from_function(_admin_page_as, args=(db, "sup"), default_timeout=60).run()
    assert not at.exception and not at.dataframe
    assert at.error[0].value == ("Việc này cần vai trò quản trị (bạn có vai trò giám sát): hãy liên hệ quản trị "
                                 "viên.")


def _rating_form(db: str, username: str, session_id: int, lang: str) -> None:  # AppTest.from_function script
    """The calibration session as the page first loaded it: later runs keep that copy, so what another tab (or
    person) does meanwhile reaches qa only when the ratings are submitted."""
    import streamlit as st

    from qa.accounts.auth import get_user
    from qa.app import calibration as page
    from qa.app.common import Context
    from qa.calibration import sessions as cal
    from qa.store.database import Store

    store = Store(db)
    viewer = get_user(store, username).viewer()
    if "loaded" not in st.session_state:
        st.session_state["loaded"] = cal.get_session(store, viewer, session_id)
    page._session(Context(store, viewer, lang), st.session_state["loaded"])


def _submit_in_app(at, sid):
    for cid, status in RATINGS.items():
        at.selectbox(key=f"cal_rate_{sid}_{cid}").set_value(status)
    next(b for b in at.button if b.label == t("cal_submit", "vi")).click()
    return at.run()


def test_rating_a_session_twice_is_refused_in_vietnamese(db):
    sid = cal.create_session(Store(db), SUP, "en_complaint_bad")
    at = AppTest.from_function(_rating_form, args=(db, "sup", sid, "vi"), default_timeout=60).run()
    assert not at.exception and at.selectbox(key=f"cal_rate_{sid}_listen").value is None
    cal.submit_ratings(Store(db), SUP, sid, {**RATINGS, "listen": "pass"})  # rated in another tab meanwhile
    at = _submit_in_app(at, sid)
    assert not at.exception
    assert at.error[0].value == (f"Bài chấm của bạn chưa được lưu: Bạn đã nộp bài chấm cho phiên {sid} rồi, và bài "
                                 "đã nộp thì không sửa được: hãy tải lại trang để xem kết quả.")
    assert cal.my_ratings(Store(db), SUP, sid)["listen"] == "pass", "the first ratings stay"


def test_rating_a_session_closed_meanwhile_is_refused_in_vietnamese(db):
    sid = cal.create_session(Store(db), SUP, "en_complaint_bad")
    at = AppTest.from_function(_rating_form, args=(db, "admin", sid, "vi"), default_timeout=60).run()
    assert not at.exception
    cal.close_session(Store(db), SUP, sid)
    at = _submit_in_app(at, sid)
    assert not at.exception
    assert at.error[0].value == (f"Bài chấm của bạn chưa được lưu: Phiên hiệu chuẩn {sid} đã đóng và không nhận "
                                 "thêm bài chấm: hãy bắt đầu một phiên mới để chấm lại cuộc gọi.")
    assert not cal.my_ratings(Store(db), Viewer("admin", "admin"), sid)


def test_a_bad_session_limit_is_explained_in_vietnamese(db, monkeypatch):
    monkeypatch.setenv("CALLQA_SESSION_IDLE_MINUTES", "soon")
    at = in_vietnamese(db, run_app(db))
    assert not at.exception
    assert at.error[0].value == ("Giới hạn phiên đăng nhập soon không phải là số dương: hãy đặt "
                                 "--session-idle-minutes (hoặc $CALLQA_SESSION_IDLE_MINUTES) là một số lớn hơn 0.")
