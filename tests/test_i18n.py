"""The UI string catalogs (qa/i18n/<lang>.json): every key in every language and translated, placeholders alike,
every key the code asks for present, catalogs read on first use only, and a clear error for a broken file."""
import ast
import json
import string
import subprocess
import sys
from pathlib import Path

import pytest

from qa.i18n import LANGUAGES, STRINGS, MissingString, criterion_name, t
from qa.i18n.catalog import parse_catalog
from qa.i18n.format import seconds
from transcribe.errors import InputError

ROOT = Path(__file__).resolve().parent.parent
I18N = ROOT / "qa" / "i18n"


def _fields(text: str) -> list[tuple[str, str, str | None]]:
    """(name, format spec, conversion) of each placeholder of `text`."""
    return [(name, spec, conv) for _, name, spec, conv in string.Formatter().parse(text) if name is not None]


def test_every_ui_string_exists_in_both_languages():
    assert set(STRINGS) == set(LANGUAGES) == {"en", "vi"}
    assert len(STRINGS["en"]) > 300
    assert set(STRINGS["en"]) == set(STRINGS["vi"])
    for key in STRINGS["en"]:
        assert STRINGS["vi"][key].strip() and STRINGS["en"][key].strip()


def test_vietnamese_differs_from_english():
    same = [k for k in STRINGS["en"] if STRINGS["en"][k] == STRINGS["vi"][k]]
    assert not same, f"not translated in qa/i18n/vi.json: {same}"


def test_placeholders_match_across_languages_and_take_formatted_values():
    for key, en in STRINGS["en"].items():
        vi = STRINGS["vi"][key]
        assert {f[0] for f in _fields(en)} == {f[0] for f in _fields(vi)}, key
        # a number shown to a person comes formatted (qa.i18n.format), so no "{t:.1f}" in a catalog
        assert all(not spec and conv is None for _, spec, conv in _fields(en) + _fields(vi)), key


def _used_keys() -> list[tuple[str, int, str]]:
    """(file, line, key) of every t("literal") / ctx.t("literal") call in qa/ and app.py (keys built at run time,
    like "rev_action_" + action, are not literals: their own tests cover them)."""
    out = []
    for path in sorted((ROOT / "qa").rglob("*.py")) + [ROOT / "app.py"]:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
            if not (isinstance(node, ast.Call) and node.args):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            first = node.args[0]
            if name == "t" and isinstance(first, ast.Constant) and isinstance(first.value, str):
                out.append((str(path.relative_to(ROOT)), node.lineno, first.value))
    return out


def test_every_key_the_code_uses_exists():
    used = _used_keys()
    assert len(used) > 200, "the scan finds the app's t() calls"
    missing = [f"{f}:{line} {key!r}" for f, line, key in used if key not in STRINGS["en"] or key not in STRINGS["vi"]]
    assert not missing, "add these keys to qa/i18n/en.json and vi.json: " + ", ".join(missing)


def test_format_and_fallback():
    assert t("play_from", "vi", t=seconds(3.0, "vi")) == "▶ Phát từ 3,0 giây"
    assert t("play_from", "en", t=seconds(3.0, "en")) == "▶ Play from 3.0 sec"
    assert t("calls", "fr") == STRINGS["en"]["calls"]  # an unknown language shows the English UI
    assert criterion_name("listen", "Listen", "vi") == "Lắng nghe"
    assert criterion_name("empathy", "Empathy", "vi") == "Empathy"  # a team's own criterion keeps its name


def test_a_missing_key_is_an_error_not_english():
    with pytest.raises(MissingString, match="vi.json"):
        t("no_such_key", "vi")
    with pytest.raises(KeyError):
        STRINGS["vi"]["no_such_key"]


def test_catalogs_are_read_only():
    with pytest.raises(TypeError):
        STRINGS["en"]["title"] = "changed"  # type: ignore[index]


def test_every_language_has_a_catalog_file_and_every_file_a_language():
    assert {p.stem for p in I18N.glob("*.json")} == set(LANGUAGES)
    pyproject = (ROOT / "pyproject.toml").read_text(encoding="utf-8")
    assert '"qa.i18n" = ["*.json"]' in pyproject, "a non-editable install must ship the catalogs"


def test_catalog_files_group_keys_by_area():
    for lang in LANGUAGES:
        data = json.loads((I18N / f"{lang}.json").read_text(encoding="utf-8"))
        assert {"core", "app", "auth", "queue", "review", "calibration"} <= set(data)
        assert sum(len(area) for area in data.values()) == len(STRINGS[lang])


def test_importing_qa_i18n_reads_no_catalog():
    """The catalogs are read on first use: after import nothing is cached and no .json was opened."""
    probe = """
import sys
opened = []
sys.addaudithook(lambda event, args: opened.append(str(args[0]))
                 if event == "open" and str(args[0]).endswith(".json") else None)
import qa.i18n, qa.i18n.format
from qa.i18n.catalog import catalog
assert catalog.cache_info().currsize == 0, catalog.cache_info()
assert not opened, opened
qa.i18n.t("title", "vi")
assert catalog.cache_info().currsize == 1 and [p for p in opened if p.endswith("vi.json")], opened
print("ok")
"""
    done = subprocess.run([sys.executable, "-c", probe], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stdout.strip() == "ok", done.stderr


@pytest.mark.parametrize("text, problem", [
    ('{"core": {"a": "x"', "is not valid JSON"),
    ('["a"]', "must be a JSON object of areas"),
    ('{"core": ["a"]}', "area 'core' must be an object"),
    ('{"core": {"a": 3}}', "core.a must be a non-empty string"),
    ('{"core": {"a": " "}}', "core.a must be a non-empty string"),
    ('{"core": {"a": "x"}, "app": {"a": "y"}}', "key 'a' is in both 'core' and 'app'"),
])
def test_a_broken_catalog_names_the_file_and_the_fault(text, problem):
    with pytest.raises(InputError) as e:
        parse_catalog(text, "qa/i18n/xx.json")
    assert e.value.path == "qa/i18n/xx.json" and problem in e.value.problem and e.value.fix


def test_flags_read_as_words_in_both_languages():
    from qa.i18n import FLAG_SEVERITY, flag_text

    assert flag_text("low_confidence_turns:3", "en")[0] == "3 turn(s) with low recognition confidence"
    assert flag_text("critical_failure:abusive", "vi", {"abusive": "Ngôn từ xúc phạm"})[0] == \
        "Lỗi nghiêm trọng: Ngôn từ xúc phạm"
    label, why = flag_text("escalation:requested", "en")
    assert label == "Escalation requested by the customer" and "5–10%" in why
    assert flag_text("sentiment_lexicon_fallback:vi", "en")[0] == "Simple sentiment (Tiếng Việt)"
    assert flag_text("something_new:x", "vi") == ("something_new:x", "")
    for kind in FLAG_SEVERITY:  # every kind the scorer writes has words and an explanation in every language
        for lang in ("en", "vi"):
            label, why = flag_text(f"{kind}:1", lang)
            assert label != f"{kind}:1" and why, (kind, lang)
