"""`callqa app` runs this file with Streamlit: the reviewer app of qa/app/main.py, served as a
`streamlit.starlette.App` with the session-cookie route of qa/app/cookies.py (see app.py)."""
from streamlit.starlette import App

from qa.app.cookies import routes

if __name__ == "__main__":  # Streamlit running the page
    from qa.app.main import main

    main()
else:  # imported by the ASGI server that `streamlit run` starts
    app = App(__file__, routes=routes())
