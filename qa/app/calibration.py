"""Calibration page: start a session on a call, rate it blind, see the agreement; the automatic scorer's
agreement with the supervisors. Every rule (who may see which ratings, when) lives in qa.calibration.sessions."""
from __future__ import annotations

import streamlit as st

from qa.app.call import audio_player, transcript_panel
from qa.app.common import Context, go
from qa.calibration import sessions as cal
from qa.calibration.scorer_agreement import ALL
from qa.i18n import criterion_name
from qa.i18n import format as fmt
from transcribe.errors import CallQAError


def _pct(ctx: Context, x: float | None) -> str:
    return fmt.percent(x, ctx.lang)


def _kappa(ctx: Context, x: float | None) -> str:
    return fmt.number(x, ctx.lang, digits=2)


def _status(ctx: Context, status: str | None) -> str:
    return "—" if status is None else ctx.t("status_" + status)


def _start(ctx: Context) -> None:
    with st.expander(ctx.t("cal_start")):
        calls = cal.calls_to_calibrate(ctx.store, ctx.viewer)
        if not calls:
            st.info(ctx.t("cal_no_calls"))
            return
        call_id = st.selectbox(ctx.t("cal_call"), calls, key="cal_new_call", placeholder=ctx.t("choose_options"))
        title = st.text_input(ctx.t("cal_session_title"), key="cal_new_title")
        if st.button(ctx.t("cal_create"), key="cal_create"):
            try:
                sid = cal.create_session(ctx.store, ctx.viewer, call_id, title)
            except CallQAError as exc:
                st.error(ctx.error(exc))
                return
            go("calibration", session=str(sid))


def _label(ctx: Context, s: cal.CalibrationSession) -> str:
    state = ctx.t("cal_open") if s.is_open else ctx.t("cal_closed")
    return f"#{s.session_id} · {s.call_id}" + (f" · {s.title}" if s.title else "") + f" ({state})"


def _sessions(ctx: Context) -> cal.CalibrationSession | None:
    sessions = cal.list_sessions(ctx.store, ctx.viewer)
    st.subheader(ctx.t("cal_sessions"))
    if not sessions:
        st.info(ctx.t("cal_no_sessions"))
        return None
    st.dataframe([{ctx.t("cal_col_id"): s.session_id, ctx.t("cal_col_call"): s.call_id,
                   ctx.t("cal_col_title"): s.title or "", ctx.t("cal_col_by"): s.created_by,
                   ctx.t("cal_col_created"): fmt.datetime(s.created_at, ctx.lang),
                   ctx.t("cal_col_state"): ctx.t("cal_open") if s.is_open else ctx.t("cal_closed"),
                   ctx.t("cal_col_raters"): len(s.raters)} for s in sessions], hide_index=True, width="stretch")
    by_id = {s.session_id: s for s in sessions}
    asked = st.query_params.get("session")
    if asked and (not asked.isdigit() or int(asked) not in by_id):
        st.error(ctx.t("cal_not_found", id=asked))
        asked = None
    ids = list(by_id)
    chosen = st.selectbox(ctx.t("cal_pick"), ids, index=ids.index(int(asked)) if asked else 0,
                          format_func=lambda i: _label(ctx, by_id[i]), key="cal_pick",
                          placeholder=ctx.t("choose_options"))
    st.query_params["session"] = str(chosen)
    return by_id[chosen]


def _rate(ctx: Context, session: cal.CalibrationSession) -> None:
    sid = session.session_id
    card = cal.blind_call(ctx.store, ctx.viewer, sid)
    criteria = cal.rating_criteria(ctx.store, ctx.viewer, sid)
    left, right = st.columns([3, 2])
    with right:
        st.subheader(ctx.t("cal_rate_head"))
        st.caption(ctx.t("cal_rate_help"))
        with st.form(f"cal_form_{sid}"):
            chosen = {c.criterion_id: st.selectbox(criterion_name(c.criterion_id, c.name, ctx.lang), cal.STATUSES,
                                                   index=None, placeholder=ctx.t("cal_choose"),
                                                   format_func=lambda s: _status(ctx, s),
                                                   key=f"cal_rate_{sid}_{c.criterion_id}")
                      for c in criteria}
            submitted = st.form_submit_button(ctx.t("cal_submit"))
        if submitted:
            ratings = {criterion: v for criterion, v in chosen.items() if v is not None}
            if len(ratings) < len(chosen):
                st.error(ctx.t("cal_rate_all"))
            else:
                try:
                    cal.submit_ratings(ctx.store, ctx.viewer, sid, ratings)
                except CallQAError as exc:
                    st.error(ctx.t("cal_submit_failed", why=ctx.error(exc)))
                else:
                    st.rerun()
    with left:
        audio_player(ctx, card)
        transcript_panel(ctx, card)  # no notes: raters judge the call itself


def _results(ctx: Context, session: cal.CalibrationSession) -> None:
    res = cal.session_results(ctx.store, ctx.viewer, session.session_id)
    st.subheader(ctx.t("cal_results"))
    if not session.raters:
        st.info(ctx.t("cal_no_raters"))
    auto = ctx.t("cal_auto")
    st.dataframe([{ctx.t("cal_col_criterion"): criterion_name(c.criterion_id, c.name, ctx.lang),
                   **{r: _status(ctx, c.ratings.get(r)) for r in session.raters},
                   auto: _status(ctx, c.auto),
                   ctx.t("cal_col_percent"): _pct(ctx, c.percent),
                   ctx.t("cal_col_unanimous"): "✓" if c.unanimous else "✗"} for c in res.criteria],
                 hide_index=True, width="stretch")
    cols = st.columns(3)
    cols[0].metric(ctx.t("cal_percent_all"), _pct(ctx, res.percent))
    cols[1].metric(ctx.t("cal_fleiss"), _kappa(ctx, res.fleiss))
    cols[2].metric(ctx.t("cal_fleiss_reviewers"), _kappa(ctx, res.fleiss_reviewers))
    if session.raters:
        st.dataframe([{ctx.t("cal_col_rater"): r, ctx.t("cal_col_cohen"): _kappa(ctx, res.cohen_vs_auto[r]),
                       ctx.t("cal_col_agree_auto"): _pct(ctx, res.agree_with_auto[r])} for r in session.raters],
                     hide_index=True, width="stretch")
    st.caption(ctx.t("cal_kappa_note"))


def _session(ctx: Context, session: cal.CalibrationSession) -> None:
    st.markdown(f"### {ctx.t('cal_session_head', id=session.session_id, call=session.call_id)}")
    if session.is_open:
        st.caption(ctx.t("cal_open_note", n=len(session.raters)))
    else:
        st.caption(ctx.t("cal_closed_note", at=fmt.datetime(session.closed_at, ctx.lang)))
    if cal.may_close(session, ctx.viewer) and st.button(ctx.t("cal_close"), key=f"cal_close_{session.session_id}"):
        try:
            cal.close_session(ctx.store, ctx.viewer, session.session_id)
        except CallQAError as exc:
            st.error(ctx.error(exc))
        else:
            st.rerun()
    if cal.may_see_results(session, ctx.viewer):
        _results(ctx, session)
    else:
        _rate(ctx, session)


def _summary(ctx: Context) -> None:
    st.subheader(ctx.t("cal_summary"))
    rows = cal.calibration_summary(ctx.store, ctx.viewer)
    if not rows:
        st.info(ctx.t("cal_no_summary"))
        return
    st.dataframe([{ctx.t("cal_col_criterion"): criterion_name(r.criterion_id, r.name, ctx.lang),
                   ctx.t("cal_col_sessions"): r.sessions, ctx.t("cal_col_percent"): _pct(ctx, r.percent),
                   ctx.t("cal_col_fleiss"): _kappa(ctx, r.fleiss), ctx.t("cal_col_cohen"): _kappa(ctx, r.cohen_vs_auto),
                   ctx.t("cal_col_agree_auto"): _pct(ctx, r.agree_with_auto)} for r in rows],
                 hide_index=True, width="stretch")


def _scorer(ctx: Context) -> None:
    st.subheader(ctx.t("cal_scorer"))
    st.caption(ctx.t("cal_scorer_help"))
    report = cal.scorer_agreement(ctx.store, ctx.viewer)
    if not report.calls:
        st.info(ctx.t("cal_no_reviews"))
        return
    st.write(ctx.t("cal_reviewed_calls", n=fmt.integer(report.calls, ctx.lang)))
    st.dataframe([{ctx.t("cal_col_criterion"): ctx.t("cal_all_criteria") if r.criterion_id == ALL
                   else criterion_name(r.criterion_id, r.name, ctx.lang),
                   ctx.t("cal_col_n"): r.n, ctx.t("cal_col_agreed"): r.agreed,
                   ctx.t("cal_col_percent"): _pct(ctx, r.percent), ctx.t("cal_col_kappa"): _kappa(ctx, r.kappa),
                   ctx.t("cal_col_overrides"): r.overrides}
                  for r in (*report.criteria, report.overall)], hide_index=True, width="stretch")


def render(ctx: Context) -> None:
    st.subheader(ctx.t("cal_title"))
    st.caption(ctx.t("cal_intro"))
    try:
        _start(ctx)
        session = _sessions(ctx)
        if session is not None:
            _session(ctx, session)
        _summary(ctx)
        _scorer(ctx)
    except CallQAError as exc:  # PermissionDenied: not a reviewer, or a session gone or hidden since
        st.error(ctx.error(exc))
