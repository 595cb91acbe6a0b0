"""The app's pages and who may open them (the rules on data live in `qa`; this only picks the menu)."""
from __future__ import annotations

from ui import agent, call, calls, disputes
from ui.common import Page

ALL = ("admin", "supervisor", "agent")
REVIEWERS = ("admin", "supervisor")

PAGES: list[Page] = [
    Page("calls", "page_calls", ALL, calls.render),
    Page("call", "rev_page_call", ALL, call.render),
    Page("my", "rev_page_my", ("agent",), agent.render),
    Page("disputes", "rev_page_disputes", REVIEWERS, disputes.render),
]


def pages_for(role: str) -> list[Page]:
    """The pages a role may open, in menu order."""
    return [p for p in PAGES if role in p.roles]
