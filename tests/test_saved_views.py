"""Saved queue views (issue 15 problem 7): a reviewer saves the filtered list under a name and opens it again; each
user sees only their own; names, sizes and counts are bounded; a saved view is checked like any URL when opened."""
import pytest
from apphelp import copy_store, run_app, sample_store

from qa.accounts.access import PermissionDenied, Viewer
from qa.review import saved_views as views
from qa.review.audit import ReviewError

SUP, ADMIN, AGENT = Viewer("sup", "supervisor"), Viewer("admin", "admin"), Viewer("lan", "agent", agent_id="agent_lan")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("views") / "v.duckdb")


@pytest.fixture
def store(template, tmp_path):
    return copy_store(template, tmp_path)


def test_save_replace_list_delete_own_views_only(store):
    views.save_view(store, SUP, "  Refunds   this week ", {"says": ["refund"], "order": "lowest"})
    views.save_view(store, SUP, "Disputed", {"state": ["disputed"]})
    views.save_view(store, ADMIN, "Mine", {"lang": ["vi"]})
    assert [v.name for v in views.list_views(store, SUP)] == ["Disputed", "Refunds this week"]
    assert views.list_views(store, SUP)[1].params == {"order": ["lowest"], "says": ["refund"]}
    views.save_view(store, SUP, "Disputed", {"state": ["final"]})  # the same name replaces it
    assert views.list_views(store, SUP)[0].params == {"state": ["final"]}
    with pytest.raises(ReviewError) as err:
        views.delete_view(store, SUP, "Mine")  # the admin's, not the supervisor's
    assert err.value.key == "no_view"
    views.delete_view(store, SUP, "Disputed")
    assert [v.name for v in views.list_views(store, SUP)] == ["Refunds this week"]
    assert [v.name for v in views.list_views(store, ADMIN)] == ["Mine"]


def test_bad_views_are_refused(store):
    for name, params, key in (("", {}, "view_name_empty"), ("x" * 61, {}, "view_name_long"),
                              ("big", {f"k{i}": ["v"] for i in range(41)}, "view_too_big"),
                              ("long", {"says": ["x" * 201]}, "view_too_big"),
                              ("many", {"agent": ["a"] * 201}, "view_too_big")):
        with pytest.raises(ReviewError) as err:
            views.save_view(store, SUP, name, params)
        assert err.value.key == key
    with pytest.raises(PermissionDenied):
        views.save_view(store, AGENT, "mine", {})
    for n in range(views.MAX_VIEWS):
        views.save_view(store, SUP, f"v{n:02d}", {})
    with pytest.raises(ReviewError) as err:
        views.save_view(store, SUP, "one more", {})
    assert err.value.key == "too_many_views"
    views.save_view(store, SUP, "v00", {"says": ["again"]})  # replacing one is fine at the limit


def test_save_the_shown_view_and_open_it_later(store):
    at = run_app(store.path, "sup", query={"page": "queue", "says": "refund", "order": "lowest"})
    assert not at.exception
    at.text_input(key="views_name").set_value("Refund calls")
    next(b for b in at.button if b.label == "Save").click()
    at = run_app(store.path, at=at)
    assert not at.exception
    saved = views.list_views(store, SUP)
    assert [v.name for v in saved] == ["Refund calls"] and saved[0].params["says"] == ["refund"]
    assert saved[0].params["order"] == ["lowest"]
    at = run_app(store.path, "sup", query={"page": "queue"})  # later: all 7 calls
    assert len(at.dataframe[0].value) == 7
    at.selectbox(key="views_pick").set_value("Refund calls")
    at = run_app(store.path, at=at)
    at.button(key="views_open").click()
    at = run_app(store.path, at=at)
    assert not at.exception
    assert set(at.dataframe[0].value["Call"]) == {"en_complaint_good", "mixed_complaint_good"}
    assert at.selectbox(key="queue_order").value == "lowest"


def test_a_saved_view_never_widens_what_its_owner_sees(store):
    views.save_view(store, SUP, "Tampered", {"agent": ["nobody", "agent_lan"], "says": ["<b>x</b>" * 20]})
    at = run_app(store.path, "sup", query={"page": "queue"})
    at.selectbox(key="views_pick").set_value("Tampered")
    at = run_app(store.path, at=at)
    at.button(key="views_open").click()
    at = run_app(store.path, at=at)
    assert not at.exception
    assert at.multiselect(key="queue_agents").value == ["agent_lan"]  # the unknown agent dropped
