"""The queue filtered by the words said in the call (issue 15: search as a queue filter): whole words, case and
Vietnamese diacritics ignored, within the viewer's scope, kept in the URL so a reload or a shared link shows it."""
import pytest
from apphelp import run_app, sample_store

from qa.accounts.access import Viewer
from qa.review.queue import QueueFilter, list_queue
from qa.store.database import Store

SUP = Viewer("sup", "supervisor")


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("says") / "says.duckdb")


def ids(db, says, viewer=SUP):
    return {r.call_id for r in list_queue(Store(db), viewer, QueueFilter(says=says)).rows}


def test_calls_saying_words_in_either_language(db):
    assert ids(db, "refund") == {"en_complaint_good", "mixed_complaint_good"}
    assert ids(db, "XIN LOI") == ids(db, "xin lỗi") == {"mixed_complaint_good", "vi_complaint_bad",
                                                         "vi_complaint_good"}
    assert ids(db, "refun") == set()  # whole words only
    assert len(ids(db, "")) == 7 and len(ids(db, "  ")) == 7  # no words: no filter


def test_the_words_filter_is_in_the_url_and_restored(db):
    at = run_app(db, "sup", query={"page": "queue", "says": "refund"})
    assert not at.exception
    assert at.text_input(key="queue_says").value == "refund"
    assert set(at.dataframe[0].value["Call"]) == {"en_complaint_good", "mixed_complaint_good"}
    at.text_input(key="queue_says").set_value("xin lỗi")
    at = run_app(db, at=at)
    assert at.query_params.get("says") in ("xin lỗi", ["xin lỗi"])
    assert set(at.dataframe[0].value["Call"]) == {"mixed_complaint_good", "vi_complaint_bad", "vi_complaint_good"}
    hostile = run_app(db, "sup", query={"page": "queue", "says": "<script>" + "x" * 500})
    assert not hostile.exception and len(hostile.text_input(key="queue_says").value) <= 120
