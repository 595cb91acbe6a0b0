"""UI strings of calibration sessions and agreement, in English and Vietnamese (merged into qa.i18n.STRINGS)."""

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "cal_page": "Calibration",
        "cal_title": "Calibration",
        "cal_intro": "Reviewers score the same call blind, then compare: agreement per criterion, with the "
                     "automatic scorer as one more rater.",
        "cal_start": "Start a calibration session",
        "cal_call": "Call to calibrate",
        "cal_session_title": "Title (optional)",
        "cal_create": "Start the session",
        "cal_no_calls": "No scored calls to calibrate.",
        "cal_sessions": "Sessions",
        "cal_no_sessions": "No calibration sessions yet.",
        "cal_pick": "Open a session",
        "cal_not_found": "Calibration session {id} not found.",
        "cal_col_id": "Session",
        "cal_col_call": "Call",
        "cal_col_title": "Title",
        "cal_col_by": "Started by",
        "cal_col_created": "Started",
        "cal_col_state": "State",
        "cal_col_raters": "Ratings submitted",
        "cal_open": "open",
        "cal_closed": "closed",
        "cal_session_head": "Session #{id} — call {call}",
        "cal_open_note": "Open · {n} rating(s) submitted. Ratings are shown to those who have rated, and to "
                         "everyone once the session is closed.",
        "cal_closed_note": "Closed {at}: every reviewer sees the results.",
        "cal_close": "Close the session",
        "cal_rate_head": "Rate the call blind",
        "cal_rate_help": "Give each criterion your own result. The other ratings and the automatic result are "
                         "shown after you submit; submitted ratings cannot be changed.",
        "cal_choose": "Choose…",
        "cal_submit": "Submit my ratings",
        "cal_rate_all": "Rate every criterion before submitting.",
        "cal_submit_failed": "Your ratings were not stored: {why}",
        "cal_results": "Agreement",
        "cal_no_raters": "Nobody rated this call.",
        "cal_auto": "Automatic",
        "cal_col_criterion": "Criterion",
        "cal_col_percent": "Agreement",
        "cal_col_unanimous": "All agree",
        "cal_percent_all": "Percent agreement",
        "cal_fleiss": "Fleiss' kappa (automatic included)",
        "cal_fleiss_reviewers": "Fleiss' kappa (reviewers only)",
        "cal_col_rater": "Reviewer",
        "cal_col_cohen": "Cohen's kappa vs automatic",
        "cal_col_agree_auto": "Agreement with automatic",
        "cal_kappa_note": "Agreement: the share of rater pairs giving the same result. In one session the kappas "
                          "take the call's criteria as items; per criterion, see the table across closed sessions. "
                          "— : undefined (every rating the same result).",
        "cal_summary": "Agreement per criterion across closed sessions",
        "cal_no_summary": "No closed sessions with ratings yet.",
        "cal_col_sessions": "Sessions",
        "cal_col_fleiss": "Fleiss' kappa",
        "cal_scorer": "Automatic scorer vs supervisors",
        "cal_scorer_help": "On reviewed calls (assessment shared, acknowledged, disputed or final, or a result "
                           "overridden): how often the automatic result matched the supervisor's final result — "
                           "the override in force, otherwise the automatic result as accepted.",
        "cal_no_reviews": "No reviewed calls yet.",
        "cal_reviewed_calls": "Reviewed calls: {n}",
        "cal_col_n": "Calls",
        "cal_col_agreed": "Agreed",
        "cal_col_kappa": "Cohen's kappa",
        "cal_col_overrides": "Overrides",
        "cal_all_criteria": "All criteria",
        # errors of qa.calibration.sessions (CallQAError key "cal_x" -> "err_cal_x"): what is wrong, what to do
        "err_cal_session_not_found": "Calibration session {session} not found: pick a session from the list.",
        "err_cal_no_criteria": "Call {call} has no scored criteria: score the call first.",
        "err_cal_closed": "Calibration session {session} is closed and takes no more ratings: start a new session "
                          "to rate the call again.",
        "err_cal_bad_status": "Unknown rating {statuses}: rate each criterion Pass, Fail or Not applicable.",
        "err_cal_mismatch": "Your ratings do not match the call's criteria (missing: {missing}; unknown: "
                            "{unknown}): reload the page and rate every criterion of the call, and only those.",
        "err_cal_already_rated": "You have already rated session {session}, and ratings are final once submitted: "
                                 "reload the page to see the results.",
        "err_cal_close_denied": "Only {user}, who started session {session}, or an admin may close it: ask them to "
                                "close it.",
        "err_cal_already_closed": "Calibration session {session} is already closed: nothing more to do.",
        "err_cal_hidden": "The ratings of session {session} are hidden until you submit yours: rate the call first, "
                          "or wait until the session is closed.",
    },
    "vi": {
        "cal_page": "Hiệu chuẩn",
        "cal_title": "Hiệu chuẩn",
        "cal_intro": "Các người đánh giá chấm cùng một cuộc gọi một cách độc lập, rồi so sánh: mức đồng thuận "
                     "theo từng tiêu chí, với bộ chấm tự động là một người chấm nữa.",
        "cal_start": "Bắt đầu một phiên hiệu chuẩn",
        "cal_call": "Cuộc gọi cần hiệu chuẩn",
        "cal_session_title": "Tiêu đề (không bắt buộc)",
        "cal_create": "Bắt đầu phiên",
        "cal_no_calls": "Chưa có cuộc gọi đã chấm điểm để hiệu chuẩn.",
        "cal_sessions": "Các phiên",
        "cal_no_sessions": "Chưa có phiên hiệu chuẩn nào.",
        "cal_pick": "Mở một phiên",
        "cal_not_found": "Không tìm thấy phiên hiệu chuẩn {id}.",
        "cal_col_id": "Phiên",
        "cal_col_call": "Cuộc gọi",
        "cal_col_title": "Tiêu đề",
        "cal_col_by": "Người tạo",
        "cal_col_created": "Bắt đầu lúc",
        "cal_col_state": "Trạng thái",
        "cal_col_raters": "Số bài chấm đã nộp",
        "cal_open": "đang mở",
        "cal_closed": "đã đóng",
        "cal_session_head": "Phiên #{id} — cuộc gọi {call}",
        "cal_open_note": "Đang mở · đã nộp {n} bài chấm. Kết quả chấm chỉ hiện cho người đã nộp, và cho mọi người "
                         "khi phiên được đóng.",
        "cal_closed_note": "Đã đóng lúc {at}: mọi người đánh giá đều xem được kết quả.",
        "cal_close": "Đóng phiên",
        "cal_rate_head": "Chấm cuộc gọi độc lập",
        "cal_rate_help": "Cho mỗi tiêu chí kết quả của riêng bạn. Các bài chấm khác và kết quả tự động sẽ hiện "
                         "sau khi bạn nộp; bài đã nộp không thể sửa.",
        "cal_choose": "Chọn…",
        "cal_submit": "Nộp bài chấm của tôi",
        "cal_rate_all": "Hãy chấm tất cả các tiêu chí trước khi nộp.",
        "cal_submit_failed": "Bài chấm của bạn chưa được lưu: {why}",
        "cal_results": "Mức đồng thuận",
        "cal_no_raters": "Chưa ai chấm cuộc gọi này.",
        "cal_auto": "Tự động",
        "cal_col_criterion": "Tiêu chí",
        "cal_col_percent": "Đồng thuận",
        "cal_col_unanimous": "Tất cả giống nhau",
        "cal_percent_all": "Tỷ lệ đồng thuận",
        "cal_fleiss": "Kappa của Fleiss (gồm bộ chấm tự động)",
        "cal_fleiss_reviewers": "Kappa của Fleiss (chỉ người đánh giá)",
        "cal_col_rater": "Người đánh giá",
        "cal_col_cohen": "Kappa của Cohen so với tự động",
        "cal_col_agree_auto": "Trùng với tự động",
        "cal_kappa_note": "Đồng thuận: tỷ lệ các cặp người chấm cho cùng kết quả. Trong một phiên, hệ số kappa lấy "
                          "các tiêu chí của cuộc gọi làm đối tượng; theo từng tiêu chí, xem bảng tổng hợp các phiên "
                          "đã đóng. — : không xác định (mọi bài chấm cùng một kết quả).",
        "cal_summary": "Mức đồng thuận theo tiêu chí qua các phiên đã đóng",
        "cal_no_summary": "Chưa có phiên đã đóng nào có bài chấm.",
        "cal_col_sessions": "Số phiên",
        "cal_col_fleiss": "Kappa của Fleiss",
        "cal_scorer": "Bộ chấm tự động so với người giám sát",
        "cal_scorer_help": "Trên các cuộc gọi đã được đánh giá (bản đánh giá đã chia sẻ, đã xác nhận, bị khiếu nại "
                           "hoặc đã chốt, hoặc có kết quả bị ghi đè): kết quả tự động trùng với kết quả cuối cùng của "
                           "người giám sát bao nhiêu lần — kết quả ghi đè đang có hiệu lực, nếu không thì kết quả tự "
                           "động được chấp nhận.",
        "cal_no_reviews": "Chưa có cuộc gọi nào được đánh giá.",
        "cal_reviewed_calls": "Số cuộc gọi đã đánh giá: {n}",
        "cal_col_n": "Số cuộc gọi",
        "cal_col_agreed": "Trùng khớp",
        "cal_col_kappa": "Kappa của Cohen",
        "cal_col_overrides": "Số lần ghi đè",
        "cal_all_criteria": "Tất cả tiêu chí",
        "err_cal_session_not_found": "Không tìm thấy phiên hiệu chuẩn {session}: hãy chọn một phiên trong danh "
                                     "sách.",
        "err_cal_no_criteria": "Cuộc gọi {call} chưa có tiêu chí nào được chấm: hãy chấm điểm cuộc gọi trước.",
        "err_cal_closed": "Phiên hiệu chuẩn {session} đã đóng và không nhận thêm bài chấm: hãy bắt đầu một phiên "
                          "mới để chấm lại cuộc gọi.",
        "err_cal_bad_status": "Kết quả chấm {statuses} không hợp lệ: hãy chấm mỗi tiêu chí là Đạt, Không đạt hoặc "
                              "Không áp dụng.",
        "err_cal_mismatch": "Bài chấm không khớp với các tiêu chí của cuộc gọi (thiếu: {missing}; không xác định: "
                            "{unknown}): hãy tải lại trang và chấm mọi tiêu chí của cuộc gọi, chỉ những tiêu chí đó.",
        "err_cal_already_rated": "Bạn đã nộp bài chấm cho phiên {session} rồi, và bài đã nộp thì không sửa được: "
                                 "hãy tải lại trang để xem kết quả.",
        "err_cal_close_denied": "Chỉ {user}, người bắt đầu phiên {session}, hoặc quản trị viên mới được đóng phiên "
                                "này: hãy nhờ họ đóng phiên.",
        "err_cal_already_closed": "Phiên hiệu chuẩn {session} đã được đóng rồi: không cần làm gì thêm.",
        "err_cal_hidden": "Các bài chấm của phiên {session} được ẩn cho đến khi bạn nộp bài của mình: hãy chấm "
                          "cuộc gọi trước, hoặc chờ đến khi phiên được đóng.",
    },
}
