"""The review pages driven by Streamlit's AppTest: the call view (seek, metrics, chart, override, notes, state
buttons, roles swap), the agent's page (acknowledge, dispute), the disputes page, and what an agent never sees."""
from __future__ import annotations

import json

import pytest
from apphelp import copy_database, run_app, sample_store

from qa.accounts.access import Viewer
from qa.review import assessments as A
from qa.review.disputes import dispute, dispute_outcome
from qa.review.notes import add_review_note, list_notes
from qa.store.database import Store

SUP = Viewer("sup", "supervisor")
LAN = Viewer("lan", "agent", "agent_lan")
BAD = "vi_complaint_bad"  # agent_minh: every criterion fails


@pytest.fixture(scope="module")
def template(tmp_path_factory):
    return sample_store(tmp_path_factory.mktemp("appreview") / "template.duckdb")


@pytest.fixture
def db(template, tmp_path):
    path = tmp_path / "app.duckdb"
    copy_database(template, path)
    return str(path)


def page_text(at) -> str:
    """Everything the page shows (element protos: text, labels, options, captions)."""
    out = []

    def walk(node):
        proto = getattr(node, "proto", None)
        if proto is not None:
            out.append(str(proto))
        for child in getattr(node, "children", {}).values():
            walk(child)

    walk(at._tree)
    return "\n".join(out)


def has_button(at, key: str) -> bool:
    return any(b.key == key for b in at.button)


def click_submit(at, form_key: str, label: str):
    at.button(key=f"FormSubmitter:{form_key}-{label}").click()


def test_call_view_shows_audio_metrics_chart_and_seeks(db):
    at = run_app(db, "sup", query={"page": "call", "call": BAD})
    assert not at.exception
    assert at.header[0].value.startswith(f"Call {BAD}")
    subheaders = [s.value for s in at.subheader]
    for title in ("Recording", "Transcript", "LAST results", "Conversation metrics",
                  "Customer sentiment across the call", "Notes"):
        assert title in subheaders
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Handling time"].endswith(" sec") and metrics["Agent talk share"].endswith("%")
    assert "." in metrics["Handling time"]
    assert metrics["Service level"] == "1 · disappointing"
    assert at.get("vega_lite_chart"), "the customer's sentiment is charted"
    spec = str(at.get("vega_lite_chart")[0].proto)
    assert "polarity" in spec
    assert at.get("audio"), "the recording plays in the page"
    player = json.loads(at.get("bidi_component")[0].proto.json)
    assert player["request"] is None and len(player["peaks"]) > 100, "a waveform, nothing asked yet"
    kinds = {m["kind"] for m in player["markers"]}
    assert kinds and kinds <= {"for", "against", "context", "not_counted", "hold", "interruption"}
    assert all(0 <= m["t"] <= player["duration"] for m in player["markers"])
    card = Store(db).get_call(BAD).to_dict()
    turn = card["turns"][4]
    at.button(key=f"turn-{BAD}-4").click()  # ▶ on a turn
    at = run_app(db, at=at)
    first = json.loads(at.get("bidi_component")[0].proto.json)["request"]
    assert first["t"] == turn["start"], "the exact start, not a whole second"
    at.button(key=f"turn-{BAD}-4").click()  # ▶ again on the same turn: a new request (it plays again)
    at = run_app(db, at=at)
    again = json.loads(at.get("bidi_component")[0].proto.json)["request"]
    assert again["t"] == turn["start"] and again["id"] != first["id"]
    crit = next(c for c in card["criteria"] if c["evidence"] and c["evidence"][0]["start"] >= 1)
    evidence = crit["evidence"][0]
    at.button(key=f"ev-{BAD}-{crit['id']}-0").click()  # ▶ on a piece of evidence
    at = run_app(db, at=at)
    assert json.loads(at.get("bidi_component")[0].proto.json)["request"]["t"] == evidence["start"]


def test_call_view_in_vietnamese_writes_numbers_and_times_the_vietnamese_way(db):
    from qa.i18n import STRINGS
    from qa.i18n.format import number, seconds_range

    at = run_app(db, "sup", query={"page": "call", "call": BAD})
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(db, at=at)
    assert not at.exception
    card = Store(db).get_call(BAD).to_dict()
    metrics = {m.label: m.value for m in at.metric}
    handling = metrics[STRINGS["vi"]["rev_metric_handling_time"]]
    assert handling.endswith(" giây") and "," in handling and "." not in handling
    assert metrics[STRINGS["vi"]["duration"]] == number(card["duration"], "vi")
    assert f"{number(card['total'], 'vi')}/100" in at.header[0].value
    turn = card["turns"][1]
    assert seconds_range(turn["start"], turn["end"], "vi") in page_text(at)
    locale = json.loads(at.get("vega_lite_chart")[0].proto.spec)["config"]["locale"]
    assert locale["number"]["decimal"] == "," and locale["time"]["shortMonths"][2] == "thg 3", "the chart speaks vi"


def test_supervisor_overrides_with_a_reason_and_adds_notes(db):
    at = run_app(db, "sup", query={"page": "call", "call": BAD})
    at.selectbox(key=f"rev_ov_crit_{BAD}").set_value("listen")
    at = run_app(db, at=at)  # the criterion is picked outside the form: the save button names it
    at.radio(key=f"rev_ov_status_{BAD}").set_value("pass")
    at.button(key=f"rev_ov_save_{BAD}").click()  # no reason: refused
    at = run_app(db, at=at)
    assert not at.exception
    assert any("Give a reason" in e.value for e in at.error)
    assert A.override_history(Store(db), SUP, BAD) == []
    at.selectbox(key=f"rev_ov_crit_{BAD}").set_value("listen")
    at.radio(key=f"rev_ov_status_{BAD}").set_value("pass")
    at.text_area(key=f"rev_ov_reason_{BAD}").input("She asked the customer to repeat, politely.")
    assert at.button(key=f"rev_ov_save_{BAD}").label == "Save override for Listen"
    at.button(key=f"rev_ov_save_{BAD}").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert any("Override saved for Listen" in s.value for s in at.success)
    o = A.override_history(Store(db), SUP, BAD)[0]
    assert (o.criterion_id, o.auto_status, o.status, o.author) == ("listen", "fail", "pass", "sup")
    listen = next(e for e in at.expander if "Listen" in e.label)
    assert "Pass" in listen.label and "automatic: Fail" in listen.label
    assert "She asked the customer to repeat, politely." in page_text(at)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Reviewed total"] == "25.0" and metrics["Review"] == "Draft"  # listen's 25 of 100 points
    # a coaching note on turn 2 and a private note on the call
    at.selectbox(key=f"rev_note_turn_{BAD}").set_value(2)
    at.text_area(key=f"rev_note_text_{BAD}").input("Apologise before asking again.")
    click_submit(at, f"rev_note_{BAD}", "Add note")
    at = run_app(db, at=at)
    at.radio(key=f"rev_note_kind_{BAD}").set_value("private")
    at.text_area(key=f"rev_note_text_{BAD}").input("Check the line quality with IT.")
    click_submit(at, f"rev_note_{BAD}", "Add note")
    at = run_app(db, at=at)
    assert not at.exception
    notes = [(n.text, n.turn_idx, n.kind, n.author) for n in list_notes(Store(db), BAD)]
    assert notes == [("Apologise before asking again.", 2, "coaching", "sup"),
                     ("Check the line quality with IT.", None, "private", "sup")]
    text = page_text(at)
    assert "Apologise before asking again." in text and "Check the line quality with IT." in text
    # share asks first (what it does), then the results are closed to changes
    at.button(key=f"rev_share_{BAD}").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert A.get_assessment(Store(db), SUP, BAD).state == "draft", "nothing shared before the confirmation"
    assert any("will see the scorecard" in w.value and "notification" in w.value for w in at.warning)
    at.button(key=f"rev_share_no_{BAD}").click()  # cancel
    at = run_app(db, at=at)
    assert A.get_assessment(Store(db), SUP, BAD).state == "draft" and not at.warning
    at.button(key=f"rev_share_{BAD}").click()
    at = run_app(db, at=at)
    at.button(key=f"rev_share_yes_{BAD}").click()
    at = run_app(db, at=at)
    assert A.get_assessment(Store(db), SUP, BAD).state == "shared"
    assert any("Shared with the agent" in s.value for s in at.success)
    assert not at.get("form") or all("rev_override" not in str(f.proto) for f in at.get("form"))
    trail = next(e for e in at.expander if e.label.startswith("Audit trail"))
    assert "(5)" in trail.label  # create, override, note, private note, share
    # undo the share while the agent has not answered: a Draft again, open to changes
    assert at.button(key=f"rev_unshare_{BAD}").label == "Undo share"
    at.button(key=f"rev_unshare_{BAD}").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert A.get_assessment(Store(db), SUP, BAD).state == "draft"
    assert any("Share undone" in s.value for s in at.success) and has_button(at, f"rev_share_{BAD}")
    assert [e.action for e in A.audit_trail(Store(db), SUP, BAD)][-2:] == ["share", "unshare"]


def test_agent_acknowledges_and_disputes_from_their_page(db):
    store = Store(db)
    A.override(store, SUP, "vi_request", "thank", "fail", "thanked too quietly")
    A.share(store, SUP, "vi_request")
    A.override(store, SUP, "vi_complaint_good", "listen", "fail", "interrupted twice")
    add_review_note(store, SUP, "vi_complaint_good", "Let the customer finish.")
    A.share(store, SUP, "vi_complaint_good")
    at = run_app(db, "lan", query={"page": "my"})
    assert not at.exception
    assert at.header[0].value == "My scorecards"
    text = page_text(at)
    assert "Reviews waiting for your answer (2)" in text and "thanked too quietly" in text
    assert "Let the customer finish." in text  # my coaching notes
    assert at.get("vega_lite_chart"), "trend of my LAST results"
    assert len(at.dataframe) == 1 and len(at.dataframe[0].value) == 2  # my two calls
    at.button(key="rev_acknowledge_my_vi_request").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert A.get_assessment(store, LAN, "vi_request").state == "acknowledged"
    # a dispute needs a comment
    form = "rev_form_dispute_my_vi_complaint_good"
    click_submit(at, form, "Dispute")
    at = run_app(db, at=at)
    assert any("needs a comment" in e.value for e in at.error)
    assert A.get_assessment(store, LAN, "vi_complaint_good").state == "shared"
    at.text_area(key="rev_comment_dispute_my_vi_complaint_good").input("I waited until she finished.")
    at.multiselect(key="rev_dispute_crit_my_vi_complaint_good").select("listen").select("thank")
    click_submit(at, form, "Dispute")
    at = run_app(db, at=at)
    assert not at.exception
    assert A.get_assessment(store, LAN, "vi_complaint_good").state == "disputed"
    assert dispute_outcome(store, LAN, "vi_complaint_good").criteria == ("listen", "thank")
    assert "Reviews waiting for your answer (0)" in page_text(at)
    # the supervisor resolves it from the disputes page, criterion by criterion
    at = run_app(db, "sup", query={"page": "disputes"})
    text = page_text(at)
    assert "I waited until she finished." in text and "Criteria disputed: Listen, Thank" in text
    key = "disp_vi_complaint_good"
    listen = at.radio(key=f"rev_dec_{key}_listen")
    assert listen.options == ["No decision", "Reject (keep Fail)", "Accept (change to Pass)",
                              "Accept (change to Not applicable)"]
    listen.set_value("accept:pass")
    at.radio(key=f"rev_dec_{key}_thank").set_value("reject")
    at.text_area(key=f"rev_comment_resolve_{key}").input("Listened again: you are right about listening.")
    click_submit(at, f"rev_form_resolve_{key}", "Resolve the dispute")  # accepting without a reason: refused
    at = run_app(db, at=at)
    assert any("needs a reason" in e.value for e in at.error)
    assert A.get_assessment(store, SUP, "vi_complaint_good").state == "disputed"
    assert at.radio(key=f"rev_dec_{key}_listen").value == "accept:pass", "the form keeps what was picked"
    at.text_input(key=f"rev_dec_reason_{key}_listen").input("She let the customer finish.")
    click_submit(at, f"rev_form_resolve_{key}", "Resolve the dispute")
    at = run_app(db, at=at)
    assert not at.exception
    assert A.get_assessment(store, SUP, "vi_complaint_good").state == "final"
    assert any("1 accepted, 1 rejected" in s.value for s in at.success)
    assert "No open disputes." in page_text(at)
    actions = [e.action for e in A.audit_trail(store, LAN, "vi_complaint_good")]
    assert actions[-4:] == ["share", "dispute", "override", "resolve"]
    statuses = {r.criterion_id: r.status for r in A.results(store, LAN, "vi_complaint_good")}
    assert (statuses["listen"], statuses["thank"]) == ("pass", "pass")
    # the agent reads the outcome per criterion on the call page
    at = run_app(db, "lan", query={"page": "call", "call": "vi_complaint_good"})
    assert not at.exception
    text = page_text(at)
    assert "accepted — Fail → Pass" in text and "She let the customer finish." in text
    assert "rejected — stays Pass" in text and "Listened again: you are right about listening." in text


def test_agent_asking_for_another_agents_call_sees_nothing_of_it(db):
    store = Store(db)
    A.override(store, SUP, "en_complaint_bad", "listen", "pass", "TOM-OVERRIDE-REASON")
    add_review_note(store, SUP, "en_complaint_bad", "TOM-COACHING-NOTE")
    A.share(store, SUP, "en_complaint_bad")
    at = run_app(db, "lan", query={"page": "call", "call": "en_complaint_bad"})
    assert not at.exception
    assert not at.header and not at.get("audio") and not at.get("form")
    text = page_text(at)
    assert "Call en_complaint_bad not found." in text
    first_words = store.get_call("en_complaint_bad").to_dict()["turns"][1]["text"]
    for secret in ("TOM-OVERRIDE-REASON", "TOM-COACHING-NOTE", "agent_tom", first_words):
        assert secret not in text
    missing = run_app(db, "lan", query={"page": "call", "call": "no_such_call"})
    assert [e.value.replace("no_such_call", "X") for e in missing.error] == \
        [e.value.replace("en_complaint_bad", "X") for e in at.error]


def test_agent_never_sees_private_notes_and_sees_coaching_only_once_shared(db):
    store = Store(db)
    add_review_note(store, SUP, "vi_complaint_good", "COACHING-FOR-LAN", turn_idx=1)
    add_review_note(store, SUP, "vi_complaint_good", "PRIVATE-ABOUT-LAN", kind="private")
    at = run_app(db, "lan", query={"page": "call", "call": "vi_complaint_good"})
    assert not at.exception and at.header
    text = page_text(at)
    assert "COACHING-FOR-LAN" not in text and "PRIVATE-ABOUT-LAN" not in text  # still a Draft
    assert not at.get("form"), "an agent gets no override or note form"
    A.share(store, SUP, "vi_complaint_good")
    at = run_app(db, "lan", query={"page": "call", "call": "vi_complaint_good"})
    text = page_text(at)
    assert "COACHING-FOR-LAN" in text and "PRIVATE-ABOUT-LAN" not in text
    assert has_button(at, "rev_acknowledge_vi_complaint_good"), "the agent answers from the call view too"
    at = run_app(db, "lan", query={"page": "my"})
    text = page_text(at)
    assert "COACHING-FOR-LAN" in text and "PRIVATE-ABOUT-LAN" not in text


def test_supervisor_swaps_roles_from_the_call_view(db, tmp_path, monkeypatch):
    config = tmp_path / "callqa.yaml"
    config.write_text("sentiment:\n  backend: lexicon\n", encoding="utf-8")
    monkeypatch.setenv("CALLQA_CONFIG", str(config))
    A.override(Store(db), SUP, "vi_request", "thank", "fail", "KEPT-OVERRIDE")
    at = run_app(db, "sup", query={"page": "call", "call": "vi_request"})
    at.button(key="rev_swap_vi_request").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert any("swapped" in s.value for s in at.success)
    card = Store(db).get_call("vi_request").to_dict()
    assert card["roles"]["method"] == "manual swap" and card["turns"][0]["speaker"] == "customer"
    assert A.audit_trail(Store(db), SUP, "vi_request")[-1].action == "roles_swap"
    assert "KEPT-OVERRIDE" in page_text(at)
    mine = run_app(db, "lan", query={"page": "call", "call": "vi_request"})
    assert mine.header and not has_button(mine, "rev_swap_vi_request"), "agents do not swap roles"


def test_vietnamese_review_pages(db):
    at = run_app(db, "sup", query={"page": "call", "call": BAD})
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(db, at=at)
    assert not at.exception
    subheaders = [s.value for s in at.subheader]
    assert "Chỉ số cuộc hội thoại" in subheaders
    assert "Cảm xúc của khách hàng trong suốt cuộc gọi" in subheaders
    assert at.button(key=f"rev_start_{BAD}").label == "Bắt đầu bản nháp đánh giá"


def test_share_confirmation_and_dispute_resolution_in_vietnamese(db):
    store = Store(db)
    A.start(store, SUP, "vi_request")
    at = run_app(db, "sup", query={"page": "call", "call": "vi_request"})
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(db, at=at)
    at.button(key="rev_share_vi_request").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert any("sẽ thấy phiếu đánh giá" in w.value for w in at.warning)
    assert at.button(key="rev_share_yes_vi_request").label == "Đồng ý, chia sẻ"
    at.button(key="rev_share_yes_vi_request").click()
    at = run_app(db, at=at)
    assert at.button(key="rev_unshare_vi_request").label == "Hoàn tác chia sẻ"
    dispute(store, LAN, "vi_request", "Tôi đã cảm ơn khách hàng", ["thank"])
    at = run_app(db, "sup", query={"page": "disputes"})
    at.sidebar.radio(key="ui_lang").set_value("vi")
    at = run_app(db, at=at)
    assert not at.exception
    text = page_text(at)
    assert "Giải quyết khiếu nại theo từng tiêu chí" in text and "Các tiêu chí bị khiếu nại: Cảm ơn" in text
    assert at.radio(key="rev_dec_disp_vi_request_thank").options == [
        "Chưa quyết định", "Bác bỏ (giữ Đạt)", "Chấp nhận (đổi thành Không đạt)", "Chấp nhận (đổi thành Không áp dụng)"]


def test_pages_open_the_call_view(db):
    at = run_app(db, "lan", query={"page": "my"})
    at.selectbox(key="my_pick_call").set_value("vi_request")
    at.button(key="my_open_picked").click()
    at = run_app(db, at=at)
    assert not at.exception
    assert at.header[0].value.startswith("Call vi_request") and at.query_params["page"] == "call"
    store = Store(db)
    A.start(store, SUP, "vi_request")
    A.share(store, SUP, "vi_request")
    A.dispute(store, LAN, "vi_request", "unfair")
    at = run_app(db, "sup", query={"page": "disputes"})
    at.button(key="disp_open_vi_request").click()
    at = run_app(db, at=at)
    assert at.header[0].value.startswith("Call vi_request")
    assert at.text_area(key="rev_comment_resolve_vi_request").label.startswith("Your answer to the agent")
