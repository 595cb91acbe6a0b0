"""What the pages read over many calls, computed once per version of the database and shared by every session:
the filter options (queue, dashboard, call page), the dashboard's figures, its KPIs and their correlations.

The version is the database file's and its write-ahead log's size and modification time (`store_version`):
every committed write — a review in this app, a batch or an import in another process — changes one of them, so
the next run of a page reads the new figures at once. The cache key also holds the viewer (who sees what: an
agent only their own calls) and every argument, so no one is ever shown figures computed for someone else."""
from __future__ import annotations

import os
from typing import Any

import streamlit as st

from qa.accounts.access import Viewer
from qa.review import dashboard as dash
from qa.review import kpis, queue
from qa.review.kpi_stats import Correlation
from qa.store.database import Store

ENTRIES = 64  # results kept per function (least recently used dropped)


def store_version(store: Store) -> tuple[Any, ...]:
    """(size, mtime in ns, inode) of the database file and of its write-ahead log (None when there is none)."""
    out: list[Any] = []
    for path in (store.path, store.path + ".wal"):
        try:
            s = os.stat(path)
        except OSError:
            out.append(None)
            continue
        out.append((s.st_size, s.st_mtime_ns, s.st_ino))
    return tuple(out)


def _key(store: Store, viewer: Viewer, *args: Any) -> str:
    """The cache key: the database (path and version), the viewer and the arguments (frozen dataclasses and
    plain values, whose repr names every field)."""
    return repr((store.path, store_version(store), viewer, *args))


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def _filter_options(key: str, _store: Store, _viewer: Viewer) -> queue.FilterOptions:
    return queue.filter_options(_store, _viewer)


def filter_options(store: Store, viewer: Viewer) -> queue.FilterOptions:
    """`qa.review.queue.filter_options`, cached per database version and viewer."""
    if store.path == ":memory:":
        return queue.filter_options(store, viewer)
    return _filter_options(_key(store, viewer, "filter_options"), store, viewer)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def _dashboard(key: str, _store: Store, _viewer: Viewer, _filt: queue.QueueFilter, period: str,
               group: str) -> dash.Dashboard:
    return dash.dashboard(_store, _viewer, _filt, period=period, group=group)


def dashboard(store: Store, viewer: Viewer, filt: queue.QueueFilter, period: str, group: str) -> dash.Dashboard:
    """`qa.review.dashboard.dashboard`, cached per database version, viewer and arguments."""
    if store.path == ":memory:":
        return dash.dashboard(store, viewer, filt, period=period, group=group)
    return _dashboard(_key(store, viewer, "dashboard", filt, period, group), store, viewer, filt, period, group)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def _kpi_rows(key: str, _store: Store, _viewer: Viewer, _filt: queue.QueueFilter, period: str, group: str,
              fcr_days: int) -> list[kpis.KpiRow]:
    return kpis.kpi_rows(_store, _viewer, _filt, period=period, group=group, fcr_days=fcr_days)


def kpi_rows(store: Store, viewer: Viewer, filt: queue.QueueFilter, period: str, group: str,
             fcr_days: int) -> list[kpis.KpiRow]:
    """`qa.review.kpis.kpi_rows`, cached per database version, viewer and arguments."""
    if store.path == ":memory:":
        return kpis.kpi_rows(store, viewer, filt, period=period, group=group, fcr_days=fcr_days)
    return _kpi_rows(_key(store, viewer, "kpi_rows", filt, period, group, fcr_days), store, viewer, filt, period,
                     group, fcr_days)


@st.cache_data(max_entries=ENTRIES, show_spinner=False)
def _correlations(key: str, _store: Store, _viewer: Viewer, _filt: queue.QueueFilter, fcr_days: int,
                  min_calls: int) -> list[Correlation]:
    return kpis.correlations(_store, _viewer, _filt, fcr_days=fcr_days, min_calls=min_calls)


def correlations(store: Store, viewer: Viewer, filt: queue.QueueFilter, fcr_days: int,
                 min_calls: int) -> list[Correlation]:
    """`qa.review.kpis.correlations`, cached per database version, viewer and arguments."""
    if store.path == ":memory:":
        return kpis.correlations(store, viewer, filt, fcr_days=fcr_days, min_calls=min_calls)
    return _correlations(_key(store, viewer, "correlations", filt, fcr_days, min_calls), store, viewer, filt,
                         fcr_days, min_calls)
