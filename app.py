"""callqa reviewer app (Streamlit): scored calls, one call's recording, transcript and LAST evidence.

Run with `callqa app --db FILE` (or `streamlit run app.py -- --db FILE`). All data comes through
`qa.store.Store`; this file holds presentation only.
"""
from __future__ import annotations

import argparse
import os
import sys

import streamlit as st

from qa.i18n import LANGUAGES, criterion_name, t
from qa.store import Store

SENTIMENT_COLOURS = {"negative": "red", "neutral": "gray", "positive": "green"}
STATUS_ICONS = {"pass": ":material/check_circle:", "fail": ":material/cancel:", "na": ":material/remove:"}


def db_path() -> str:
    parser = argparse.ArgumentParser(add_help=False)
    parser.add_argument("--db", default=os.environ.get("CALLQA_DB", "callqa.duckdb"))
    args, _ = parser.parse_known_args(sys.argv[1:])
    return args.db


@st.cache_resource
def get_store(path: str) -> Store:
    return Store(path)


def call_list(store: Store, lang: str) -> str | None:
    rows = store.list_calls()
    st.subheader(t("calls", lang))
    table = [{t("call", lang): r["call_id"], t("total", lang): r["total"], t("language", lang): r["language"],
              t("agent_id", lang): r["agent_id"], t("source", lang): r["source"],
              t("duration", lang): r["duration"],
              **{criterion_name(k, k.capitalize(), lang): t("status_" + v, lang) for k, v in r["statuses"].items()},
              t("flags", lang): ", ".join(r["flags"])} for r in rows]
    st.dataframe(table, hide_index=True, width="stretch")
    ids = [r["call_id"] for r in rows]
    if not ids:
        return None
    default = st.query_params.get("call")
    index = ids.index(default) if default in ids else 0
    chosen = st.selectbox(t("pick_call", lang), ids, index=index)
    st.query_params["call"] = chosen
    return chosen


def audio_player(card: dict, lang: str) -> None:
    st.subheader(t("audio", lang))
    path = card.get("audio_path")
    if not path:
        st.info(t("no_audio", lang))
        return
    if not os.path.exists(path):
        st.warning(t("audio_missing", lang, path=path))
        return
    start = float(st.session_state.get(f"seek:{card['call_id']}", 0.0))
    st.audio(path, start_time=int(start))


def seek_button(card: dict, start: float, key: str, lang: str) -> None:
    if card.get("audio_path") and st.button("▶", key=key, help=t("play_from", lang, t=start)):
        st.session_state[f"seek:{card['call_id']}"] = start
        st.rerun()


def criteria_panel(card: dict, lang: str) -> None:
    st.subheader(t("criteria", lang))
    for c in card["criteria"]:
        score = "—" if c["score"] is None else f"{c['score']:g}/{c['weight']:g}"
        name = criterion_name(c["id"], c["name"], lang)
        header = f"{STATUS_ICONS.get(c['status'], '')} **{name}** — {t('status_' + c['status'], lang)} ({score})"
        with st.expander(header, expanded=c["status"] == "fail"):
            st.caption(f"{t('reason', lang)}: {c['reason']}")
            if not c["evidence"]:
                st.write(t("no_evidence", lang))
            for k, e in enumerate(c["evidence"]):
                cols = st.columns([6, 1])
                cols[0].markdown(f"`{t('kind_' + e['kind'], lang)}` {t('turn', lang)} {e['turn']} "
                                 f"({e['start']:.1f}–{e['end']:.1f} s): **{e['text']}**")
                with cols[1]:
                    seek_button(card, e["start"], f"ev-{c['id']}-{k}", lang)


def transcript_panel(card: dict, lang: str) -> None:
    st.subheader(t("transcript", lang))
    for turn in card["turns"]:
        s = turn["sentiment"]
        who = t("agent", lang) if turn["speaker"] == "agent" else t("customer", lang)
        colour = SENTIMENT_COLOURS.get(s["label"] or "", "gray")
        label = t(s["label"], lang) if s["label"] in SENTIMENT_COLOURS else "?"
        badge = f":{colour}[{label} {s['score'] or 0:.2f}]"
        low = f" · *{t('low_confidence', lang)}*" if turn["low_confidence"] else ""
        marks = " ".join(f"`{criterion_name(c, c, lang)}`" for c in turn["criteria"])
        with st.chat_message("assistant" if turn["speaker"] == "agent" else "user"):
            st.markdown(f"**{who}** · {turn['start']:.1f}–{turn['end']:.1f} s · {badge}{low} {marks}")
            st.write(turn["text"])


def main() -> None:
    st.set_page_config(page_title="callqa", layout="wide")
    lang = st.sidebar.radio("Language / Ngôn ngữ", list(LANGUAGES), format_func=LANGUAGES.get, horizontal=True)
    st.title(t("title", lang))
    db = db_path()
    st.sidebar.caption(f"{t('database', lang)}: {db}")
    if not os.path.exists(db):
        st.error(t("no_db", lang, db=db))
        return
    store = get_store(db)
    call_id = call_list(store, lang)
    if call_id is None:
        st.info(t("no_calls", lang, db=db))
        return
    card = store.get_call(call_id)
    total = "—" if card["total"] is None else f"{card['total']:.1f}"
    st.header(f"{t('call', lang)} {card['call_id']} — {t('total', lang)} {total}/100")
    meta = st.columns(4)
    meta[0].metric(t("language", lang), card["language"])
    meta[1].metric(t("agent_id", lang), card["agent_id"] or "—")
    meta[2].metric(t("duration", lang), f"{card['duration']:.1f}")
    meta[3].metric(t("source", lang), card["source"])
    if card["flags"]:
        st.warning(f"{t('flags', lang)}: {', '.join(card['flags'])}")
    audio_player(card, lang)
    left, right = st.columns([3, 2])
    with right:
        criteria_panel(card, lang)
        with st.expander(t("models", lang)):
            st.json({"rubric": card["rubric"], "models": card["models"], "roles": card["roles"],
                     "code_version": card["code_version"]})
    with left:
        transcript_panel(card, lang)


if __name__ == "__main__":  # Streamlit runs this file as __main__
    main()
