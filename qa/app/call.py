"""Call view: the recording (▶ on any turn or evidence plays from there), the transcript by speaker with
sentiment colours, each criterion with its evidence and any override beside the automatic result, the
conversation metrics, the customer's sentiment across the call, and the review (qa.app.call_review): state and
actions on top, overrides under the criteria, notes and the audit trail at the end.

Page key "call": `?page=call&call=<id>`; other pages open it with `qa.app.common.go("call", call=call_id)`. Opened
from the queue, the URL also carries the queue's view and `pos`, for previous / next (qa.app.call_nav).
"""
from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import streamlit as st

from qa.accounts import access
from qa.app.call_charts import metrics_panel, sentiment_chart
from qa.app.call_nav import nav_bar
from qa.app.call_review import (
    asked_to_share,
    notes_panel,
    override_forms,
    review_bar,
    share_confirmation,
    state_label,
    status_label,
    trail_panel,
)
from qa.app.common import Context, plain
from qa.app.dispute_forms import dispute_section
from qa.app.player import TURN_KEY, ask, player
from qa.calibration.sessions import pending_blind_sessions
from qa.i18n import FLAG_SEVERITY, criterion_name, flag_text, level_name, reason_text
from qa.i18n import format as fmt
from qa.review.assessments import Result, allowed_actions, get_assessment, results
from qa.review.notes import Note, visible_notes
from qa.review.printable import scorecard_html
from qa.store.in_force import call_summary
from qa.store.scorecard_view import CallView

SENTIMENT_COLOURS = {"negative": "red", "neutral": "gray", "positive": "green"}
STATUS_ICONS = {"pass": ":material/check_circle:", "fail": ":material/cancel:", "na": ":material/remove:"}


def _points(ctx: Context, x: float) -> str:
    """Points of a criterion, without needless decimals: 10, 2.5 (2,5 in Vietnamese)."""
    return fmt.number(x, ctx.lang, 0 if float(x).is_integer() else 1)


def without_paths(value: Any) -> Any:
    """`value` without the server paths it carries (keys ending in "path": a rubric file, a model folder):
    an agent is not shown where things live on the server."""
    if isinstance(value, dict):
        return {k: without_paths(v) for k, v in value.items() if not str(k).endswith("path")}
    if isinstance(value, list):
        return [without_paths(v) for v in value]
    return value


def audio_player(ctx: Context, card: CallView) -> None:
    """The recording the product registered for the call at ingest, read as bytes through the viewer's
    permission check (`access.recording`) — never a file path taken from a transcript — in the sticky player
    with its waveform (`qa.app.player`). Without a recording the player still takes ▶ requests (it shows the
    turn)."""
    point, clock = fmt.seconds_template(ctx.lang)  # the player's clock in the reader's locale ("Tại 12,5 giây")
    labels = {"waveform": ctx.t("player_waveform"), "at": ctx.t("player_at"), "turn": ctx.t("turn"),
              "point": point, "seconds": clock}
    found = access.recording(ctx.store, ctx.viewer, card.call_id) if card.media else None
    st.subheader(ctx.t("audio"), help=ctx.t("player_keys") if found is not None else None)  # the keys on hover
    if not card.media:
        st.info(ctx.t("no_audio"))
    elif found is None:
        st.warning(ctx.t("audio_missing"))
    player(card, found, labels)


def seek_button(ctx: Context, card: CallView, start: float | None, key: str, turn: int | None = None) -> None:
    """▶: play the recording from `start` (every click, to the exact time); without a recording, show the turn."""
    if card.media and start is not None:
        st.button("▶", key=key, help=ctx.t("play_from", t=fmt.seconds(start, ctx.lang)), on_click=ask,
                  args=(card.call_id, float(start), turn))
    elif turn is not None:
        st.button("↧", key=key, help=ctx.t("player_show_turn", turn=turn), on_click=ask,
                  args=(card.call_id, None, turn))


def button_row() -> Any:
    """A line of text with its ▶ at the right: the button keeps its width however narrow the column (in
    st.columns a narrow window squeezed it to an empty box)."""
    return st.container(horizontal=True, horizontal_alignment="distribute", wrap=False)


def criteria_panel(ctx: Context, card: CallView, items: list[Result]) -> None:
    st.subheader(ctx.t("criteria"))
    evidence = {c.id: c for c in card.criteria + card.critical}
    for r in items:
        c = evidence.get(r.criterion_id)
        name = criterion_name(r.criterion_id, r.name, ctx.lang)
        score = "—" if r.auto_score is None else f"{_points(ctx, r.auto_score)}/{_points(ctx, r.weight or 0)}"
        label = f"{STATUS_ICONS.get(r.status, '')} **{name}** — {status_label(ctx, r.status)}"
        if r.override:
            label += f" · {ctx.t('rev_auto')}: {status_label(ctx, r.auto_status)}"
        else:
            label += f" ({score})"
        if r.critical:
            label = f"{ctx.t('rev_critical')}: {label}"
        with st.expander(label, expanded=r.status == "fail" or r.override is not None):
            if r.override:
                o = r.override
                st.markdown(ctx.t("rev_override_line", status=status_label(ctx, o.status or ""),
                                  auto=status_label(ctx, r.auto_status), author=plain(o.author),
                                  when=fmt.datetime(o.created_at, ctx.lang), reason=plain(o.reason)))
                if r.auto_changed:
                    st.caption(ctx.t("rev_auto_changed", old=status_label(ctx, o.auto_status or "")))
            st.caption(f"{ctx.t('reason')}: {plain(reason_text(c.reason or '', ctx.lang)) if c else ''}")
            if not (c and c.evidence):
                st.write(ctx.t("no_evidence"))
            for k, e in enumerate(c.evidence if c else ()):
                kind = ctx.t("kind_" + e.kind) if e.kind else fmt.NOTHING
                with button_row():
                    st.markdown(f"`{kind}` {ctx.t('turn')} {e.turn} "
                                f"({fmt.seconds_range(e.start, e.end, ctx.lang)}): **{plain(e.text or '')}**")
                    seek_button(ctx, card, e.start, f"ev-{card.call_id}-{r.criterion_id}-{k}", e.turn)


def transcript_panel(ctx: Context, card: CallView, notes: Sequence[Note] = ()) -> None:
    """Each turn by speaker, sentiment-coloured, with ▶ and the `notes` written on it."""
    st.subheader(ctx.t("transcript"))
    by_turn: dict[int, list[Note]] = {}
    for n in notes:
        if n.turn_idx is not None:
            by_turn.setdefault(n.turn_idx, []).append(n)
    for turn in card.turns:
        s = turn.sentiment
        agent = turn.speaker == "agent"
        who = ctx.t("agent") if agent else ctx.t("customer")
        colour = SENTIMENT_COLOURS.get(s.label or "", "gray")
        label = ctx.t(s.label) if s.label in SENTIMENT_COLOURS else "?"
        badge = f":{colour}[{label} {fmt.number(s.score or 0, ctx.lang, 2)}]"
        low = f" · *{ctx.t('low_confidence')}*" if turn.low_confidence else ""
        marks = " ".join(f"`{criterion_name(c, c, ctx.lang)}`" for c in turn.criteria)
        with st.container(key=TURN_KEY.format(index=turn.index)), st.chat_message("assistant" if agent else "user"):
            when = fmt.seconds_range(turn.start, turn.end, ctx.lang)
            line = f"**{who}** · {ctx.t('turn')} {turn.index} · {when} · {badge}{low} {marks}"
            if card.media:  # the line, and ▶ beside it in a row that keeps the button's width
                with button_row():
                    st.markdown(line)
                    seek_button(ctx, card, turn.start, f"turn-{card.call_id}-{turn.index}")
            else:  # nothing to play: no row for a button (thirty turns draw faster)
                st.markdown(line)
            text = plain(turn.text or "")
            if s.label in ("negative", "positive"):  # tinted in the sentiment's colour
                text = f":{colour}-background[{text}]"  # (plain() escaped any "]" in the words)
            st.markdown(text)
            for n in by_turn.get(turn.index, []):
                icon = ":material/lock:" if n.kind == "private" else ":material/school:"
                st.caption(f"{icon} {plain(n.author)}, {fmt.datetime(n.created_at, ctx.lang)}: {plain(n.text)}")


def render_call(ctx: Context, call_id: str) -> None:
    """One call, when the viewer may see it (otherwise the same message as for a call that does not exist)."""
    card = access.get_call(ctx.store, ctx.viewer, call_id)
    if card is None:
        st.error(ctx.t("call_not_found", call=call_id))
        return
    nav_bar(ctx, call_id)
    blind = pending_blind_sessions(ctx.store, ctx.viewer, call_id)
    if blind and not st.toggle(ctx.t("rev_blind_reveal"), key=f"rev_blind_{call_id}"):
        st.header(f"{ctx.t('call')} {card.call_id}")
        st.info(ctx.t("rev_blind_notice", sessions=", ".join(f"#{n}" for n in blind)))
        return
    items = results(ctx.store, ctx.viewer, call_id)
    notes = visible_notes(ctx.store, ctx.viewer, call_id)
    assessment = get_assessment(ctx.store, ctx.viewer, call_id)
    actions = allowed_actions(ctx.store, ctx.viewer, call_id)
    total = fmt.number(card.total, ctx.lang)
    st.header(f"{ctx.t('call')} {card.call_id} — {ctx.t('total')} {total}/100")
    summary = call_summary(card, items)  # the total and service level in force
    headline(ctx, card, items, summary, assessment.state if assessment else None)
    with st.container(horizontal=True, vertical_alignment="center", key="callqa-actions"):  # one line
        flag_chips(ctx, card)
        review_bar(ctx, card, actions)
        def printable() -> str:  # built only when the button is clicked, not on every run of the page
            return scorecard_html(card, items, notes, ctx.lang, state=assessment.state if assessment else None,
                                  printed_by=ctx.viewer.username)

        safe_id = re.sub(r"[^A-Za-z0-9._-]+", "_", card.call_id)[:80]
        st.download_button(ctx.t("print_download"), printable, file_name=f"scorecard-{safe_id}.html",
                           mime="text/html", help=ctx.t("print_help"), icon=":material/print:",
                           key=f"print_{card.call_id}")
        st.caption(f"{ctx.t('source')}: {card.source}")
    if "share" in actions and asked_to_share(call_id):
        share_confirmation(ctx, call_id, call_id)
    dispute_section(ctx, call_id, items, "resolve" in actions)  # the dispute per criterion, and its resolution
    audio_player(ctx, card)
    left, right = st.columns([3, 2])
    with right:
        criteria_panel(ctx, card, items)
        if "edit" in actions:
            override_forms(ctx, call_id, items)
    with left:
        transcript_panel(ctx, card, notes)
    # Stable labels: the open tab stays open over the rerun after adding a note (a label with the note count
    # would change and send the reader back to the first tab).
    tabs = st.tabs([ctx.t("rev_metrics"), ctx.t("rev_sentiment_chart"), ctx.t("rev_notes"),
                    ctx.t("rev_trail"), ctx.t("models")])
    with tabs[0]:
        metrics_panel(ctx, card)
    with tabs[1]:
        sentiment_chart(ctx, card)
    with tabs[2]:
        notes_panel(ctx, card, notes, "note" in actions)
    with tabs[3]:
        trail_panel(ctx, call_id)
    with tabs[4]:
        st.caption(ctx.t("prov_rubric", rubric=card.rubric_id or "—", version=card.rubric_version or "",
                         sha=(card.rubric.get("sha256") or "")[:12] or ctx.t("prov_no_hash")))
        about = {"rubric": card.rubric, "models": card.models, "roles": card.roles, "code_version": card.code_version}
        st.json(without_paths(about) if ctx.viewer.is_agent else about)


HEADLINE_CSS = ("<style>[data-testid='stMainBlockContainer'] {padding-top: 3.5rem;}"  # less blank above the title
                ".st-key-callqa-headline [data-testid='stMetricValue'] {font-size: 1.3rem;}"
                ".st-key-callqa-headline [data-testid='stMetric'] {padding: 0.3rem 0.7rem;}</style>")


def headline(ctx: Context, card: CallView, items: list[Result], summary: Any, state: str | None) -> None:
    """The call's headline tiles, each as wide as its value (they wrap to a new line instead of cutting values
    off): agent, language, duration, review state, service level and, after overrides, the reviewed total."""
    st.html(HEADLINE_CSS)
    def tile(label: str, value: str, delta: str | None = None) -> None:
        st.metric(label, value, delta=delta, width="content", border=True)

    with st.container(horizontal=True, key="callqa-headline"):
        tile(ctx.t("agent_id"), card.agent_id or fmt.NOTHING)
        tile(ctx.t("language"), card.language)
        tile(ctx.t("duration"), fmt.number(card.duration, ctx.lang))
        tile(ctx.t("rev_state"), state_label(ctx, state))
        if summary.reviewed_level is not None:
            name = level_name(summary.reviewed_level, summary.reviewed_label, ctx.lang)
            tile(ctx.t("queue_col_level"), f"{summary.reviewed_level} · {name}")
        if any(r.override for r in items):
            reviewed = summary.reviewed_total
            delta = None if reviewed is None or card.total is None else fmt.number(reviewed - card.total, ctx.lang)
            tile(ctx.t("rev_reviewed_total"), fmt.number(reviewed, ctx.lang), delta)


SEVERITY_COLOURS = {"error": "red", "warning": "orange", "info": "gray"}


def flag_chips(ctx: Context, card: CallView) -> None:
    """The call's flags as short readable chips, each explained on hover; technical ones (a sentiment fallback)
    in grey."""
    if not card.flags:
        return
    names = {c.id: criterion_name(c.id, c.name, ctx.lang) for c in card.critical}
    with st.container(horizontal=True, width="content", key="callqa-flags"):  # each chip whole, never cut
        for flag in card.flags:
            label, help_ = flag_text(flag, ctx.lang, names)
            colour = SEVERITY_COLOURS.get(FLAG_SEVERITY.get(flag.partition(":")[0], "warning"), "orange")
            st.badge(label, color=colour, help=help_ or None)  # type: ignore[arg-type]


def render(ctx: Context) -> None:
    """The "call" page: the call named by `?call=`, or a list to pick one from."""
    asked = st.query_params.get("call")
    if asked and len(asked) > 200:  # no call id is that long: a URL someone made up
        st.error(ctx.t("call_not_found", call=plain(asked[:40]) + "…"))
        return
    if asked:
        render_call(ctx, asked)
        return
    rows = ctx.store.list_calls(limit=200, scope=access.call_scope(ctx.viewer))
    if not rows:
        st.info(ctx.t("no_calls_visible"))
        return
    chosen = st.selectbox(ctx.t("pick_call"), [r["call_id"] for r in rows], index=None, key="rev_pick_call",
                          placeholder=ctx.t("choose_options"))
    if chosen:
        st.query_params["call"] = chosen
        st.rerun()
