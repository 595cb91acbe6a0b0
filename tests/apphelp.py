"""Helpers for AppTest tests of the reviewer app: a store with the sample calls and users, signed-in runs."""
from __future__ import annotations

import shutil
import sys
from pathlib import Path

from streamlit.testing.v1 import AppTest

from qa.accounts.auth import add_user, sign_in
from qa.config.settings import Settings
from qa.pipeline.call import Pipeline
from qa.store.database import Store

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "correct horse battery"
# user -> (role, agent_id, supervisor teams)
USERS = {
    "admin": ("admin", None, ()),
    "sup": ("supervisor", None, ()),
    "lan": ("agent", "agent_lan", ()),
    "tom": ("agent", "agent_tom", ()),
}


def sample_store(path: Path) -> str:
    """A DuckDB file with the 7 sample calls (reference transcripts, lexicon sentiment) and USERS."""
    settings = Settings()
    settings.sentiment.backend = "lexicon"
    settings.audio.allowed_roots = [str(ROOT / "sample_calls")]  # the transcripts name ../audio/<call>.<ext>
    pipeline, store = Pipeline(settings), Store(str(path))
    for f in sorted((ROOT / "sample_calls" / "transcripts").glob("*.json")):
        store.ingest(pipeline.process(str(f)))  # as the batch stores it: the recording registered
    for name, (role, agent_id, teams) in USERS.items():
        add_user(store, name, PASSWORD, role, agent_id=agent_id, teams=teams)
    return str(path)


def token_for(db: str, username: str) -> str:
    token = sign_in(Store(db), username, PASSWORD)
    assert token, username
    return token


def run_app(db: str, user: str | None = None, *, query: dict[str, str] | None = None,
            at: AppTest | None = None, keep_language: bool = False) -> AppTest:
    """Run app.py against `db` (signed in as `user` when given), with URL query parameters `query`.
    Pass `at` to re-run an existing session after interacting with its widgets. A new session of `user` starts
    from a user who never picked a language (English), so tests sharing a database do not depend on each
    other's language picks; `keep_language=True` keeps the language the user chose (qa.accounts.preferences)."""
    if at is None:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=60)
        if user:
            if not keep_language:
                with Store(db).transaction() as con:
                    con.execute("UPDATE users SET language = NULL WHERE username = ?", [user])
            at.session_state["callqa_token"] = token_for(db, user)
        for key, value in (query or {}).items():
            at.query_params[key] = value
    old = sys.argv
    sys.argv = ["app.py", "--db", db]
    try:
        at.run()
    finally:
        sys.argv = old
    return at


def copy_store(template: str, folder: Path, name: str = "qa.duckdb") -> Store:
    """A private copy of a prepared database file (module fixtures build it once; each test gets a copy)."""
    path = folder / name
    copy_database(template, path)
    return Store(str(path))


def copy_database(template: str, path: Path) -> None:
    """Copy a database file with its media folder (the recordings beside it, qa.store.media)."""
    shutil.copy(template, path)
    if Path(template + ".media").is_dir():
        shutil.copytree(template + ".media", str(path) + ".media")
