"""Errors qa raises carry a stable key and parameters; the app shows them in the viewer's language.

The key scan reads qa/*.py itself, so a new error key without an English and a Vietnamese string (or a string
that needs a parameter the error does not give) fails here."""
import ast
import string
from pathlib import Path

import pytest

from qa.accounts.access import PermissionDenied, Viewer, require_role
from qa.accounts.auth import SignInLocked
from qa.accounts.users import create_user, create_user_as
from qa.app.common import error_text
from qa.i18n import STRINGS
from qa.review.audit import ReviewError
from qa.store.database import Store
from transcribe.errors import CallQAError, InputError, ModelUnavailable

ROOT = Path(__file__).resolve().parent.parent
ERRORS = {c.__name__: c for c in (CallQAError, InputError, PermissionDenied, ReviewError, ModelUnavailable,
                                  SignInLocked)}
# modules the app calls: every error they raise must have a key (the app shows it to a signed-in person)
APP_MODULES = ("accounts/access", "accounts/auth", "accounts/users", "calibration/sessions", "review/assessments", "review/audit",
               "review/overrides", "review/notes")


def _error_calls(path: Path):
    """(class name, i18n key or None, parameter names, line) of every error built in `path`."""
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if not isinstance(node, ast.Call):
            continue
        name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
        if name not in ERRORS:
            continue
        keywords = {k.arg: k.value for k in node.keywords if k.arg}
        if name == "ReviewError":
            key_node = node.args[0] if node.args else keywords.get("key")
        else:
            key_node = keywords.get("key")
        if key_node is None:
            yield name, None, set(), node.lineno
            continue
        assert isinstance(key_node, ast.Constant) and isinstance(key_node.value, str), \
            f"{path.name}:{node.lineno}: an error key must be a string literal (the scan reads it)"
        params = set(keywords) - {"key"}
        yield name, ERRORS[name].key_prefix + key_node.value, params, node.lineno


def _all_calls():
    return [(path.relative_to(ROOT / "qa").with_suffix("").as_posix(), *call)
            for path in sorted((ROOT / "qa").rglob("*.py")) for call in _error_calls(path)]


def _placeholders(text: str) -> set[str]:
    return {field for _, field, _, _ in string.Formatter().parse(text) if field}


def test_every_error_key_in_qa_has_an_english_and_a_vietnamese_message():
    calls = [c for c in _all_calls() if c[2]]
    keys = {c[2] for c in calls}
    assert {"err_user_exists", "err_cal_already_rated", "err_role_needed", "rev_err_not_editable"} <= keys
    for module, cls, key, params, line in calls:
        where = f"qa/{module}.py:{line} ({cls} {key})"
        en, vi = STRINGS["en"].get(key), STRINGS["vi"].get(key)
        assert en and vi, f"{where}: add {key!r} to qa/i18n/en.json and qa/i18n/vi.json"
        assert en != vi, f"{where}: the Vietnamese message is not translated"
        for lang, text in (("en", en), ("vi", vi)):
            missing = _placeholders(text) - params
            assert not missing, f"{where}: the {lang} message needs {sorted(missing)}, which the error does not give"


def test_every_error_the_app_can_meet_has_a_key():
    unkeyed = [f"qa/{m}.py:{line} {cls}" for m, cls, key, _, line in _all_calls() if m in APP_MODULES and not key]
    assert not unkeyed, "errors the app shows need a key (and its strings): " + ", ".join(unkeyed)


def test_vietnamese_error_strings_are_vietnamese():
    marks = set("ăâđêôơưáàảãạéèẻẽẹíìỉĩịóòỏõọúùủũụýỳỷỹỵ")
    for key in STRINGS["vi"]:
        if key.startswith(("err_", "rev_err_")):
            assert marks & set(STRINGS["vi"][key].lower()), key


def test_the_english_message_stays_for_the_command_line(tmp_path):
    store = Store(str(tmp_path / "qa.duckdb"))
    admin = Viewer("boss", "admin")
    create_user(store, "boss", "long enough pw", "admin")
    with pytest.raises(InputError) as e:
        create_user_as(store, admin, "boss", "long enough pw", "supervisor")
    assert str(e.value) == "user 'boss' already exists — pick another name or change their password"
    assert (e.value.key, e.value.params, e.value.i18n_key) == ("user_exists", {"user": "boss"}, "err_user_exists")


def test_error_text_translates_key_and_labels():
    with pytest.raises(PermissionDenied) as e:
        require_role(Viewer("sup", "supervisor"), "admin", "agent")
    assert error_text(e.value, "en") == "This needs the role admin, agent (you are supervisor): ask an admin."
    assert error_text(e.value, "vi") == ("Việc này cần vai trò quản trị, nhân viên (bạn có vai trò giám sát): "
                                         "hãy liên hệ quản trị viên.")
    review = ReviewError("not_editable", "the assessment is final", "", state="final")
    assert review.i18n_key == "rev_err_not_editable"
    assert STRINGS["vi"]["rev_state_final"] in error_text(review, "vi")
    unknown = ReviewError("bad_action", "unknown assessment action 'jump'", "", action="jump")
    assert "jump" in error_text(unknown, "vi")  # a value without a label is shown as it is


def test_error_text_falls_back_to_the_english_message():
    plain = InputError("calls/x.json", "is not valid JSON", "fix the file")
    assert error_text(plain, "vi") == "calls/x.json: is not valid JSON — fix the file"
    assert error_text(CallQAError(None, "odd", "", key="no_such_key"), "vi") == "odd"
