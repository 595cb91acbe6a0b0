"""The file Streamlit runs for `callqa app` (alone in its folder: Streamlit puts the script's folder first on
sys.path, and qa/app's own module names, such as `queue`, would hide standard-library modules)."""
