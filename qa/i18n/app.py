"""UI strings of the app shell: sign-in, navigation, the calls page (merged into qa.i18n.STRINGS)."""

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "sign_in": "Sign in",
        "username": "User name",
        "password": "Password",
        "sign_in_failed": "Wrong user name or password, or the account is disabled.",
        "session_expired": "Your session has expired. Please sign in again.",
        "signed_in_as": "Signed in as {who} — {role}",
        "sign_out": "Sign out",
        "role_admin": "admin",
        "role_supervisor": "supervisor",
        "role_agent": "agent",
        "menu": "Pages",
        "call_not_found": "Call {call} not found.",
        "no_calls_visible": "No calls to show.",
    },
    "vi": {
        "sign_in": "Đăng nhập",
        "username": "Tên đăng nhập",
        "password": "Mật khẩu",
        "sign_in_failed": "Sai tên đăng nhập hoặc mật khẩu, hoặc tài khoản đã bị khóa.",
        "session_expired": "Phiên làm việc đã hết hạn. Vui lòng đăng nhập lại.",
        "signed_in_as": "Đã đăng nhập: {who} — {role}",
        "sign_out": "Đăng xuất",
        "role_admin": "quản trị",
        "role_supervisor": "giám sát",
        "role_agent": "nhân viên",
        "menu": "Trang",
        "call_not_found": "Không tìm thấy cuộc gọi {call}.",
        "no_calls_visible": "Không có cuộc gọi nào để hiển thị.",
    },
}
