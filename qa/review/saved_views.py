"""Saved queue views: a reviewer keeps a filtered list under a name (the view's URL parameters, as
qa.app.queue_url writes them) and opens it again later. Each user sees and changes only their own views. What a
saved view shows is decided when it is opened: its parameters go through the same checks as any URL's, so a view
never widens what its owner may see."""
from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from qa.accounts.access import Viewer, require_role
from qa.review.audit import REVIEWER_ROLES, ReviewError, write
from qa.store.database import Store

MAX_VIEWS = 50  # per user
MAX_NAME = 60  # characters of a view's name
MAX_PARAMS = 40  # parameters of a view
MAX_VALUES = 200  # values of one parameter
MAX_CHARS = 200  # characters of one value


@dataclass(frozen=True)
class SavedView:
    """One saved view: its name, the queue's URL parameters (name -> values) and when it was saved."""

    name: str
    params: dict[str, list[str]]
    created_at: datetime


def clean_name(name: str) -> str:
    """The name as stored: spaces trimmed and runs of white space made one; ReviewError when empty or too long."""
    text = " ".join(str(name).split())
    if not text:
        raise ReviewError("view_name_empty", "a saved view needs a name", "type a name for this view")
    if len(text) > MAX_NAME:
        raise ReviewError("view_name_long", f"a view's name has at most {MAX_NAME} characters, not {len(text)}",
                          "give a shorter name", max=MAX_NAME, n=len(text))
    return text


def clean_params(params: Mapping[str, Sequence[str] | str]) -> dict[str, list[str]]:
    """The parameters as stored: text names and values only, bounded (ReviewError beyond the bounds)."""
    if len(params) > MAX_PARAMS:
        raise ReviewError("view_too_big", f"a view has at most {MAX_PARAMS} parameters", "save a simpler view",
                          max=MAX_PARAMS)
    out: dict[str, list[str]] = {}
    for key, values in params.items():
        values = [values] if isinstance(values, str) else list(values)
        if not isinstance(key, str) or not 0 < len(key) <= 20 or len(values) > MAX_VALUES or \
                any(not isinstance(v, str) or len(v) > MAX_CHARS for v in values):
            raise ReviewError("view_too_big", f"parameter {str(key)[:20]!r} of the view is not a short list of text",
                              "save a simpler view", max=MAX_PARAMS)
        out[key] = values
    return out


def save_view(store: Store, viewer: Viewer, name: str, params: Mapping[str, Sequence[str] | str]) -> SavedView:
    """Save (or replace) the viewer's view `name` with `params`. At most MAX_VIEWS views a user."""
    require_role(viewer, *REVIEWER_ROLES)
    text, clean = clean_name(name), clean_params(params)

    def go(con) -> SavedView:
        n, exists = con.execute("SELECT count(*), count(*) FILTER (WHERE name = ?) FROM saved_views "
                                "WHERE username = ?", [text, viewer.username]).fetchone()
        if not exists and n >= MAX_VIEWS:
            raise ReviewError("too_many_views", f"you have {n} saved views, the most there may be",
                              "delete a view you no longer use", max=MAX_VIEWS)
        now = datetime.now()
        con.execute("DELETE FROM saved_views WHERE username = ? AND name = ?", [viewer.username, text])
        con.execute("INSERT INTO saved_views VALUES (?, ?, ?, ?)",
                    [viewer.username, text, json.dumps(clean, ensure_ascii=False, sort_keys=True), now])
        return SavedView(text, clean, now)

    return write(store, go)


def list_views(store: Store, viewer: Viewer) -> list[SavedView]:
    """The viewer's saved views, by name."""
    with store.connect() as con:
        rows = con.execute("SELECT name, params, created_at FROM saved_views WHERE username = ? ORDER BY name",
                           [viewer.username]).fetchall()
    out = []
    for name, params, created in rows:
        try:
            out.append(SavedView(name, clean_params(json.loads(params)), created))
        except (ValueError, TypeError, ReviewError):
            continue  # (a row nothing here could have written: left out, never shown broken)
    return out


def delete_view(store: Store, viewer: Viewer, name: str) -> None:
    """Delete the viewer's view `name` (ReviewError when they have none of that name)."""
    require_role(viewer, *REVIEWER_ROLES)

    def go(con) -> None:
        found = con.execute("SELECT count(*) FROM saved_views WHERE username = ? AND name = ?",
                            [viewer.username, name]).fetchone()[0]
        if not found:
            raise ReviewError("no_view", f"you have no saved view {name!r}", "pick one of your saved views",
                              name=name)
        con.execute("DELETE FROM saved_views WHERE username = ? AND name = ?", [viewer.username, name])

    write(store, go)
