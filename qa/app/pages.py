"""The app's pages and who may open them (the rules on data live in `qa`; this only picks the menu)."""
from __future__ import annotations

from qa.app import admin, agent, assignments, calibration, call, dashboard, disputes, queue, search
from qa.app.common import Page

ALL = ("admin", "supervisor", "agent")
REVIEWERS = ("admin", "supervisor")

PAGES: list[Page] = [
    Page("queue", "queue_page", REVIEWERS, queue.render),
    Page("dashboard", "dash_page", REVIEWERS, dashboard.render),
    Page("my", "rev_page_my", ("agent",), agent.render),
    Page("call", "rev_page_call", ALL, call.render),
    Page("search", "search_page", ALL, search.render),
    Page("disputes", "rev_page_disputes", REVIEWERS, disputes.render),
    Page("assignments", "asg_page", REVIEWERS, assignments.render),
    Page("calibration", "cal_page", REVIEWERS, calibration.render),
    Page("admin", "adm_page", ("admin",), admin.render),
]


def pages_for(role: str) -> list[Page]:
    """The pages a role may open, in menu order."""
    return [p for p in PAGES if role in p.roles]
