"""`callqa app` runs this file with Streamlit: the reviewer app of qa/app/main.py."""
from qa.app.main import main

main()
