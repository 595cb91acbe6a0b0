"""Streamlit pages of the reviewer app (presentation only: every rule and query lives in `qa`)."""
