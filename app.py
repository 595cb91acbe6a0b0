"""callqa reviewer app: the file `streamlit run app.py -- --db FILE` runs from a source checkout.

`callqa app --db FILE` runs the same page from the installed package (qa/app/main.py)."""
from qa.app.main import main

main()
