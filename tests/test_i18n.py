from qa.i18n import STRINGS, t


def test_every_ui_string_exists_in_both_languages():
    assert set(STRINGS["en"]) == set(STRINGS["vi"])
    for key in STRINGS["en"]:
        assert STRINGS["vi"][key].strip() and STRINGS["en"][key].strip()


def test_format_and_fallback():
    assert t("play_from", "vi", t=3.0) == "▶ 3.0 giây"
    assert t("calls", "fr") == STRINGS["en"]["calls"]
