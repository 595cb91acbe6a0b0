"""Notes on calls: coaching notes (on the whole call or on one turn) and private notes for reviewers.

Notes are not call rows: re-scoring a call (which replaces its transcript and scorecard) keeps them. Each
write is one short transaction, so notes can be added while a batch is storing calls (the store waits its
turn for the database file instead of failing).

Who sees what: reviewers (supervisors, admins) write notes and see all of them; a 'coaching' note is shown to
the call's agent once the call's assessment is Shared (or later); a 'private' note never is. Writing a note
through `add_review_note` opens the call's Draft assessment when it has none, and is recorded in its audit
trail (a private note's event is not shown to the agent either).
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from qa.accounts.access import Viewer, call_scope, require_call, require_role
from qa.review.audit import VISIBLE_TO_AGENT, ReviewError, current_state, ensure_draft, now, record, write
from qa.store.database import Store
from transcribe.errors import InputError

KINDS = ("coaching", "private")
_COLUMNS = "note_id, call_id, author, text, created_at, turn_idx, coalesce(kind, 'coaching')"


@dataclass(frozen=True)
class Note:
    note_id: int
    call_id: str
    author: str
    text: str
    created_at: datetime
    turn_idx: int | None = None  # None: a note on the whole call
    kind: str = "coaching"


def add_note(store: Store, call_id: str, author: str, text: str, *, turn_idx: int | None = None,
             kind: str = "coaching") -> int:
    """Store a note on `call_id` (the call need not be scored yet); returns its id. No permission check and no
    audit event: for scripts and imports; the app uses `add_review_note`."""
    if not author.strip() or not text.strip():
        raise InputError(None, "a note needs an author and a text", "give both", key="note_incomplete")
    if kind not in KINDS:
        raise InputError(None, f"unknown note kind {kind!r}", f"use one of: {', '.join(KINDS)}", key="note_kind",
                         kind=kind, kinds=KINDS)
    with store.transaction() as con:
        row = con.execute("INSERT INTO notes (call_id, author, text, created_at, turn_idx, kind) "
                          "VALUES (?, ?, ?, ?, ?, ?) RETURNING note_id",
                          [call_id, author.strip(), text.strip(), now(), turn_idx, kind]).fetchone()
    assert row is not None  # INSERT ... RETURNING gives the inserted row
    return row[0]


def list_notes(store: Store, call_id: str | None = None) -> list[Note]:
    """Notes on one call (or all), oldest first, without a permission check (scripts, tests)."""
    with store.connect() as con:
        rows = con.execute(f"SELECT {_COLUMNS} FROM notes" + (" WHERE call_id = ?" if call_id else "")
                           + " ORDER BY note_id", [call_id] if call_id else []).fetchall()
    return [Note(*r) for r in rows]


def add_review_note(store: Store, viewer: Viewer, call_id: str, text: str, *, turn_idx: int | None = None,
                    kind: str = "coaching") -> Note:
    """A reviewer's note on `call_id` (`turn_idx`: on that turn; `kind`: coaching or private), recorded in the
    call's audit trail. Raises PermissionDenied for a call outside the viewer's scope or a non-reviewer, and
    ReviewError for an empty text, an unknown kind or a turn the call does not have."""
    require_call(store, viewer, call_id)
    require_role(viewer, "admin", "supervisor")
    body = (text or "").strip()
    if not body:
        raise ReviewError("note_empty", "a note needs a text", "write the note")
    if kind not in KINDS:
        raise ReviewError("bad_kind", f"unknown note kind {kind!r}", f"use one of: {', '.join(KINDS)}", kind=kind)

    def go(con: Any) -> Note:
        if turn_idx is not None and not con.execute("SELECT 1 FROM turns WHERE call_id = ? AND idx = ?",
                                                    [call_id, turn_idx]).fetchone():
            raise ReviewError("bad_turn", f"call {call_id} has no turn {turn_idx}", "pick a turn of the call",
                              turn=turn_idx)
        state = ensure_draft(con, call_id, viewer.username)
        at = now()
        note_id = con.execute("INSERT INTO notes (call_id, author, text, created_at, turn_idx, kind) "
                              "VALUES (?, ?, ?, ?, ?, ?) RETURNING note_id",
                              [call_id, viewer.username, body, at, turn_idx, kind]).fetchone()[0]
        where = "" if turn_idx is None else f"turn {turn_idx}: "
        record(con, call_id, viewer.username, "note" if kind == "coaching" else "private_note", from_state=state,
               to_state=state, comment=where + body, at=at)
        return Note(note_id, call_id, viewer.username, body, at, turn_idx, kind)

    return write(store, go)


def visible_notes(store: Store, viewer: Viewer, call_id: str) -> list[Note]:
    """The notes on `call_id` that `viewer` may read, oldest first: reviewers all; the call's agent the
    coaching notes once the assessment is shared."""
    require_call(store, viewer, call_id)
    with store.connect() as con:
        if viewer.is_agent and current_state(con, call_id) not in VISIBLE_TO_AGENT:
            return []
        kinds = ("coaching",) if viewer.is_agent else KINDS
        rows = con.execute(f"SELECT {_COLUMNS} FROM notes WHERE call_id = ? AND coalesce(kind, 'coaching') IN "
                           f"({', '.join('?' * len(kinds))}) ORDER BY note_id", [call_id, *kinds]).fetchall()
    return [Note(*r) for r in rows]


def coaching_notes(store: Store, viewer: Viewer, limit: int = 200) -> list[Note]:
    """The newest coaching notes on every call `viewer` may see (an agent: their calls whose assessment is
    shared), newest first."""
    cond, params = call_scope(viewer, "c")
    shared = ""
    if viewer.is_agent:
        shared = (" AND n.call_id IN (SELECT call_id FROM assessments WHERE state IN ("
                  + ", ".join("?" * len(VISIBLE_TO_AGENT)) + "))")
        params = [*params, *VISIBLE_TO_AGENT]
    cols = "n.note_id, n.call_id, n.author, n.text, n.created_at, n.turn_idx, coalesce(n.kind, 'coaching')"
    with store.connect() as con:
        rows = con.execute(f"SELECT {cols} FROM notes n JOIN calls c USING (call_id) "
                           f"WHERE coalesce(n.kind, 'coaching') = 'coaching' AND {cond}{shared} "
                           "ORDER BY n.note_id DESC LIMIT ?", [*params, limit]).fetchall()
    return [Note(*r) for r in rows]
