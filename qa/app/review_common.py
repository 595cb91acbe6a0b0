"""What the review parts of the app share: labels of results and review states, and running a qa write with its
outcome shown after the rerun (or qa's refusal, in the viewer's language)."""
from __future__ import annotations

from collections.abc import Callable

import streamlit as st

from qa.app.common import Context
from transcribe.errors import CallQAError

FLASH_KEY = "rev_flash"
STATUS_CHOICES = ("pass", "fail", "na")


def status_label(ctx: Context, status: str | None) -> str:
    return ctx.t("status_" + status) if status in STATUS_CHOICES else (status or "—")


def state_label(ctx: Context, state: str | None) -> str:
    return ctx.t("rev_state_" + (state or "none"))


def show_error(ctx: Context, exc: CallQAError) -> None:
    """qa's refusal, in the viewer's language."""
    st.error(ctx.error(exc))


def attempt(ctx: Context, action: Callable[[], object], done: str) -> None:
    """Run a qa write; on success remember `done` (shown after the rerun) and rerun, else show the refusal."""
    try:
        action()
    except CallQAError as exc:
        show_error(ctx, exc)
        return
    st.session_state[FLASH_KEY] = done
    st.rerun()


def flash(ctx: Context) -> None:
    message = st.session_state.pop(FLASH_KEY, None)
    if message:
        st.success(message)
