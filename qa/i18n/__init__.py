"""UI text in English and Vietnamese. Every key exists in both languages (a test checks it)."""
from __future__ import annotations

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "title": "callqa — call quality review",
        "language": "Language",
        "database": "Database",
        "no_db": "No results database at {db}. Score calls first: `callqa score PATH --db {db}`",
        "no_calls": "No calls stored yet. Score some: `callqa score sample_calls/ --db {db}`",
        "calls": "Scored calls",
        "call": "Call",
        "pick_call": "Open a call",
        "total": "Total",
        "source": "Source",
        "agent": "Agent",
        "customer": "Customer",
        "agent_id": "Agent ID",
        "duration": "Duration (s)",
        "flags": "Flags",
        "audio": "Recording",
        "no_audio": "No recording is linked to this call.",
        "audio_missing": "The recording of this call is missing from the media store; ask an administrator.",
        "criteria": "LAST results",
        "evidence": "Evidence",
        "no_evidence": "No evidence.",
        "transcript": "Transcript",
        "sentiment": "Sentiment",
        "play_from": "▶ {t:.1f} s",
        "status_pass": "Pass",
        "status_fail": "Fail",
        "status_na": "Not applicable",
        "kind_for": "earned",
        "kind_against": "against",
        "kind_not_counted": "not counted",
        "kind_context": "context",
        "negative": "negative",
        "neutral": "neutral",
        "positive": "positive",
        "models": "Models and rubric used",
        "roles": "Roles",
        "low_confidence": "low confidence",
        "turn": "Turn",
        "reason": "Why",
        "crit_listen": "Listen",
        "crit_apologize": "Apologize",
        "crit_solve": "Solve",
        "crit_thank": "Thank",
    },
    "vi": {
        "title": "callqa — đánh giá chất lượng cuộc gọi",
        "language": "Ngôn ngữ",
        "database": "Cơ sở dữ liệu",
        "no_db": "Chưa có cơ sở dữ liệu kết quả tại {db}. Hãy chấm điểm cuộc gọi trước: `callqa score PATH --db {db}`",
        "no_calls": "Chưa có cuộc gọi nào. Hãy chấm điểm: `callqa score sample_calls/ --db {db}`",
        "calls": "Cuộc gọi đã chấm điểm",
        "call": "Cuộc gọi",
        "pick_call": "Mở một cuộc gọi",
        "total": "Tổng điểm",
        "source": "Nguồn",
        "agent": "Nhân viên",
        "customer": "Khách hàng",
        "agent_id": "Mã nhân viên",
        "duration": "Thời lượng (giây)",
        "flags": "Cảnh báo",
        "audio": "Bản ghi âm",
        "no_audio": "Cuộc gọi này không có bản ghi âm.",
        "audio_missing": "Bản ghi âm của cuộc gọi này không còn trong kho lưu trữ; hãy báo quản trị viên.",
        "criteria": "Kết quả LAST",
        "evidence": "Bằng chứng",
        "no_evidence": "Không có bằng chứng.",
        "transcript": "Nội dung cuộc gọi",
        "sentiment": "Cảm xúc",
        "play_from": "▶ {t:.1f} giây",
        "status_pass": "Đạt",
        "status_fail": "Không đạt",
        "status_na": "Không áp dụng",
        "kind_for": "được điểm",
        "kind_against": "bị trừ",
        "kind_not_counted": "không được tính",
        "kind_context": "ngữ cảnh",
        "negative": "tiêu cực",
        "neutral": "trung tính",
        "positive": "tích cực",
        "models": "Mô hình và bộ tiêu chí đã dùng",
        "roles": "Vai trò",
        "low_confidence": "độ tin cậy thấp",
        "turn": "Lượt",
        "reason": "Lý do",
        "crit_listen": "Lắng nghe",
        "crit_apologize": "Xin lỗi",
        "crit_solve": "Giải quyết",
        "crit_thank": "Cảm ơn",
    },
}
LANGUAGES = {"en": "English", "vi": "Tiếng Việt"}


def _merge_parts() -> None:
    """Add each app area's strings (qa/i18n_*.py); a key defined twice is a programming error."""
    from qa.i18n import app as i18n_app, auth as i18n_auth, calibration as i18n_calibration, queue as i18n_queue, review as i18n_review

    for part in (i18n_app, i18n_auth, i18n_queue, i18n_review, i18n_calibration):
        for lang, table in part.STRINGS.items():
            clash = set(STRINGS[lang]) & set(table)
            assert not clash, f"{part.__name__} redefines {sorted(clash)}"
            STRINGS[lang].update(table)


_merge_parts()


def criterion_name(criterion_id: str, stored_name: str, lang: str) -> str:
    """A criterion's name in `lang` for the built-in criteria; a team's own criteria keep their stored name."""
    key = f"crit_{criterion_id}"
    return STRINGS.get(lang, STRINGS["en"]).get(key, stored_name)


def t(key: str, lang: str = "en", **kwargs: object) -> str:
    """The UI string `key` in `lang` (English when the language is unknown), formatted with kwargs."""
    table = STRINGS.get(lang, STRINGS["en"])
    return table[key].format(**kwargs) if kwargs else table[key]
