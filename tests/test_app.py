"""The Streamlit reviewer app, driven by Streamlit's AppTest."""
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from qa.pipeline import Pipeline
from qa.settings import Settings
from qa.store import Store

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    path = tmp_path_factory.mktemp("app") / "app.duckdb"
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    pipeline, store = Pipeline(settings), Store(str(path))
    for f in sorted((ROOT / "sample_calls" / "transcripts").glob("*.json")):
        store.save(pipeline.process(str(f)))
    return str(path)


def app(db, *args):
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
    import sys
    old = sys.argv
    sys.argv = ["app.py", "--db", db]
    try:
        at.run()
    finally:
        sys.argv = old
    return at


def test_list_and_call_view_in_english(db):
    at = app(db)
    assert not at.exception
    assert at.title[0].value.startswith("callqa")
    assert len(at.dataframe) == 1
    header = at.header[0].value
    assert "Call" in header and "/100" in header
    expanders = [e.label for e in at.expander]
    assert any("Listen" in x for x in expanders) and any("Thank" in x for x in expanders)
    assert at.get("audio"), "the call's recording is linked from its transcript"


def test_vietnamese_ui(db):
    at = app(db)
    at.sidebar.radio[0].set_value("vi")
    import sys
    sys.argv = ["app.py", "--db", db]
    at.run()
    assert not at.exception
    assert at.title[0].value == "callqa — đánh giá chất lượng cuộc gọi"
    assert any("Cuộc gọi" in h.value for h in at.header)


def test_open_a_failing_call_shows_its_evidence(db):
    at = app(db)
    at.selectbox[0].set_value("vi_complaint_bad")
    import sys
    sys.argv = ["app.py", "--db", db]
    at.run()
    assert not at.exception
    text = " ".join(m.value for m in at.markdown)
    assert "Xin lỗi, chị nói lại" in text  # the refused look-alike is shown as evidence
    assert "gọi lại sau" in text


def test_missing_database_message(tmp_path):
    at = app(str(tmp_path / "none.duckdb"))
    assert not at.exception
    assert "callqa score" in at.error[0].value
