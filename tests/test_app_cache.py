"""The app's cache of figures (qa.app.cached, qa.app.tables.show_figures): a review shows on the dashboard at
once (the cache is per version of the database), and each viewer gets figures of their own scope only."""
import pytest
from apphelp import copy_store, run_app, sample_store

from qa.accounts.access import Viewer
from qa.app import cached
from qa.review.overrides import override
from qa.review.queue import QueueFilter
from qa.store.database import Store

SUP = Viewer("sup", "supervisor")


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("appc") / "app.duckdb")


@pytest.fixture
def db(template, tmp_path):
    return copy_store(template, tmp_path).path


def apologize_rates(at) -> dict[str, float]:
    table = at.dataframe[0].value
    return dict(zip(table["Agent or team"], table["Apologize passed (%)"]))


def test_an_override_shows_on_the_dashboard_at_once(db):
    at = run_app(db, "sup", query={"page": "dashboard"})
    assert not at.exception
    before = apologize_rates(at)
    assert before == apologize_rates(run_app(db, "sup", query={"page": "dashboard"}))  # a second session: the same
    override(Store(db), SUP, "en_complaint_bad", "apologize", "pass", "The agent apologised at 0:21.")
    after = apologize_rates(run_app(db, "sup", query={"page": "dashboard"}))  # a new session
    assert after != before
    changed = [agent for agent in before if before[agent] != after[agent]]
    assert len(changed) == 1 and after[changed[0]] > before[changed[0]]
    assert apologize_rates(run_app(db, at=at)) == after  # the first session's next run too


def test_each_viewer_gets_their_own_figures(db):
    store = Store(db)
    everyone = cached.filter_options(store, SUP)
    lan = cached.filter_options(store, Viewer("lan", "agent", agent_id="agent_lan"))
    assert lan.agents == ["agent_lan"] and len(everyone.agents) > 1
    assert cached.filter_options(store, SUP) == everyone
    tom = cached.dashboard(store, Viewer("tom", "agent", agent_id="agent_tom"), QueueFilter(), "all",
                           "agent")
    assert {r.group for r in tom.rows} == {"agent_tom"}


def test_the_version_changes_with_every_write(db):
    store = Store(db)
    v0 = cached.store_version(store)
    assert cached.store_version(store) == v0  # reading changes nothing
    with store.reading():
        override(store, SUP, "en_request", "thank", "fail", "No thanks at the end.")
        v1 = cached.store_version(store)  # written, not yet checkpointed: the log grew
    v2 = cached.store_version(store)
    assert len({v0, v1, v2}) == 3
