"""Tables of figures as the app shows them: numbers with the reader's separators, "n/a" for a figure with nothing
to count (not "None"), while the table keeps its numbers (sorting by a column sorts by value)."""
from __future__ import annotations

import math
from typing import Any

import pandas as pd

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
