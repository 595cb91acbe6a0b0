"""A user's own settings kept with their account: the UI language they chose (restored at every sign-in)."""
from __future__ import annotations

from qa.i18n import LANGUAGES
from qa.store.database import Store
from transcribe.errors import InputError


def user_language(store: Store, username: str) -> str | None:
    """The UI language `username` chose last (a key of `qa.i18n.LANGUAGES`), or None when they never chose one
    (or the stored value is not a language the app has)."""
    with store.connect() as con:
        row = con.execute("SELECT language FROM users WHERE username = ?", [username]).fetchone()
    return row[0] if row and row[0] in LANGUAGES else None


def set_user_language(store: Store, username: str, language: str) -> None:
    """Remember `language` as `username`'s UI language. InputError for a language the app does not have."""
    if language not in LANGUAGES:
        raise InputError(None, f"unknown language {language!r}", f"use one of: {', '.join(LANGUAGES)}",
                         key="unknown_language", value=language, languages=", ".join(LANGUAGES))
    with store.transaction() as con:
        con.execute("UPDATE users SET language = ? WHERE username = ? AND language IS DISTINCT FROM ?",
                    [language, username, language])
