"""callqa reviewer app: the file `streamlit run app.py -- --db FILE` runs from a source checkout.

`callqa app --db FILE` runs the same page from the installed package (qa/app/entry/streamlit_app.py).
Streamlit finds `app` (a `streamlit.starlette.App`) and serves the page with the route that keeps a sign-in in an
HttpOnly cookie (qa/app/cookies.py); the page itself runs as `__main__`."""
from streamlit.starlette import App

from qa.app.cookies import routes

if __name__ == "__main__":  # Streamlit running the page (also AppTest)
    from qa.app.main import main

    main()
else:  # imported by the ASGI server that `streamlit run` starts
    app = App(__file__, routes=routes())
