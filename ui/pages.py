"""The app's pages and who may open them (the rules on data live in `qa`; this only picks the menu)."""
from __future__ import annotations

from ui import admin, calibration, calls, dashboard, queue
from ui.common import Page

ALL = ("admin", "supervisor", "agent")
REVIEWERS = ("admin", "supervisor")

PAGES: list[Page] = [
    Page("queue", "queue_page", REVIEWERS, queue.render),
    Page("dashboard", "dash_page", REVIEWERS, dashboard.render),
    Page("calls", "page_calls", ("agent",), calls.render),  # an agent's own calls, until their own page exists
    Page("call", "queue_page_call", ALL, queue.render_call_page),  # temporary: ?call= on ui.call.render_call
    Page("calibration", "cal_page", REVIEWERS, calibration.render),
    Page("admin", "adm_page", ("admin",), admin.render),
]


def pages_for(role: str) -> list[Page]:
    """The pages a role may open, in menu order."""
    return [p for p in PAGES if role in p.roles]
