"""Tables of figures as the app shows them: numbers with the reader's separators, "n/a" for a figure with nothing
to count (not "None"), while the table keeps its numbers (sorting by a column sorts by value)."""
from __future__ import annotations

import hashlib
import math
import pickle
from typing import Any

import pandas as pd
import streamlit as st

from qa.i18n import format as fmt
from qa.i18n import t


def cell_text(value: Any, lang: str) -> str:
    """One cell: None/NaN "n/a", a whole number grouped, a decimal with the decimals it has (at most 3)."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return t("dash_na", lang)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, int) or float(value).is_integer() and abs(value) >= 1000:
        return fmt.integer(value, lang)
    decimals = min(3, len(f"{value!r}".split(".")[1])) if "." in repr(value) else 1
    return fmt.number(value, lang, digits=max(1, decimals))


def figures_table(rows: list[dict[str, Any]], lang: str) -> Any:
    """`rows` (column name -> value) as a pandas Styler for st.dataframe: shown by `cell_text`, kept as numbers."""
    frame = pd.DataFrame(rows)
    return frame.style.format(lambda v: cell_text(v, lang))


@st.cache_data(max_entries=32, show_spinner=False)
def _figures(digest: str, lang: str, placeholder: str, _rows: list[dict[str, Any]]) -> None:
    st.dataframe(figures_table(_rows, lang), hide_index=True, width="stretch", placeholder=placeholder)


def show_figures(rows: list[dict[str, Any]], lang: str, placeholder: str) -> None:
    """`st.dataframe` of `figures_table(rows, lang)`. A table of thousands of cells takes the Styler a second to
    draw; the same rows again (another session, the page's next run) replay the drawn table from the cache, whose
    key is the rows' content itself (so changed figures are always drawn anew)."""
    digest = hashlib.sha256(pickle.dumps((rows, lang, placeholder), protocol=pickle.HIGHEST_PROTOCOL)).hexdigest()
    _figures(digest, lang, placeholder, rows)
