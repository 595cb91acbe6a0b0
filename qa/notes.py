"""Notes on calls: a minimal write API for reviewers and the app (the review workflow builds on it).

Notes are not call rows: re-scoring a call (which replaces its transcript and scorecard) keeps them. Each
write is one short transaction, so notes can be added while a batch is storing calls (the store waits its
turn for the database file instead of failing).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timezone

from qa.store import Store
from transcribe.errors import InputError


@dataclass(frozen=True)
class Note:
    note_id: int
    call_id: str
    author: str
    text: str
    created_at: datetime


def add_note(store: Store, call_id: str, author: str, text: str) -> int:
    """Store a note on `call_id` (the call need not be scored yet); returns its id."""
    if not author.strip() or not text.strip():
        raise InputError(None, "a note needs an author and a text", "give both")
    now = datetime.now(timezone.utc).replace(tzinfo=None)
    with store.transaction() as con:
        return con.execute("INSERT INTO notes (call_id, author, text, created_at) VALUES (?, ?, ?, ?) "
                           "RETURNING note_id", [call_id, author.strip(), text.strip(), now]).fetchone()[0]


def list_notes(store: Store, call_id: str | None = None) -> list[Note]:
    """Notes on one call (or all), oldest first."""
    with store.connect() as con:
        rows = con.execute("SELECT note_id, call_id, author, text, created_at FROM notes"
                           + (" WHERE call_id = ?" if call_id else "") + " ORDER BY note_id",
                           [call_id] if call_id else []).fetchall()
    return [Note(*r) for r in rows]
