"""Call view: conversation metrics and the customer's sentiment across the call (presentation only)."""
from __future__ import annotations

from typing import Any

import altair as alt
import pandas as pd
import streamlit as st

from qa.app.common import Context
from qa.i18n import format as fmt
from qa.store.scorecard_view import CallView

SECONDS = ("handling_time", "agent_talk", "customer_talk", "longest_silence", "hold_time", "longest_hold", "overlap",
           "first_response_latency", "mean_response_latency")
SHARES = ("talk_ratio", "silence_share")
COUNTS = ("holds", "agent_interruptions", "customer_interruptions")
RATES = ("agent_speech_rate", "customer_speech_rate")
SHOWN = ("handling_time", "talk_ratio", "silence_share", "longest_silence", "holds", "hold_time",
         "agent_interruptions", "customer_interruptions", "overlap", "first_response_latency",
         "mean_response_latency", "agent_speech_rate", "customer_speech_rate", "agent_talk", "customer_talk")


def metric_value(ctx: Context, name: str, value: Any) -> str:
    """A metric as a person reads it in the UI language: seconds, a percentage, a count, words per minute (unit
    in the label)."""
    if value is None:
        return fmt.NOTHING
    if name in SECONDS:
        return fmt.seconds(value, ctx.lang)
    if name in SHARES:
        return fmt.percent(value, ctx.lang)
    if name in RATES or name in COUNTS:
        return fmt.integer(round(value), ctx.lang)
    return fmt.number(value, ctx.lang) if isinstance(value, float) else str(value)


def metrics_panel(ctx: Context, card: CallView) -> None:
    st.subheader(ctx.t("rev_metrics"))
    m = card.metrics
    if not m:
        st.info(ctx.t("rev_no_metrics"))
        return
    with st.container(horizontal=True, key="callqa-metrics"):  # tiles as wide as their text, wrapping: none cut off
        for name in SHOWN:
            st.metric(ctx.t("rev_metric_" + name), metric_value(ctx, name, m.get(name)), width="content", border=True)
    start, end = m.get("customer_label_start"), m.get("customer_label_end")
    if start or end:
        def said(label: str | None) -> str:
            return ctx.t(label) if label else "—"

        line = ctx.t("rev_customer_mood", start=said(start), end=said(end))
        if m.get("turned_around"):
            line += " · " + ctx.t("rev_turned_around")
        st.caption(line)


def sentiment_chart(ctx: Context, card: CallView) -> None:
    """The customer's sentiment polarity (-1 negative … +1 positive) at each of their turns."""
    st.subheader(ctx.t("rev_sentiment_chart"))
    points = [{"t": turn.start, "polarity": turn.sentiment.polarity,
               "label": ctx.t(turn.sentiment.label) if turn.sentiment.label else "?",
               "turn": turn.index}
              for turn in card.turns
              if turn.speaker == "customer" and turn.sentiment.polarity is not None]
    if not points:
        st.info(ctx.t("rev_no_customer_sentiment"))
        return
    data = pd.DataFrame(points)
    x = alt.X("t:Q", title=ctx.t("rev_time_s"))
    y = alt.Y("polarity:Q", title=ctx.t("rev_polarity"), scale=alt.Scale(domain=[-1, 1]))
    tooltip = [alt.Tooltip("turn:Q", title=ctx.t("turn")), alt.Tooltip("t:Q", title=ctx.t("rev_time_s")),
               alt.Tooltip("label:N", title=ctx.t("sentiment")), alt.Tooltip("polarity:Q", format=".2f")]
    line = alt.Chart(data).mark_line(point=True).encode(x=x, y=y, tooltip=tooltip)
    zero = alt.Chart(pd.DataFrame({"y": [0]})).mark_rule(strokeDash=[4, 4], color="gray").encode(y="y:Q")
    st.altair_chart((line + zero).configure(locale=fmt.chart_locale(ctx.lang)), width="stretch")
