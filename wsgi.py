"""WSGI entry point: `gunicorn wsgi:app` or `waitress-serve wsgi:app`; logs go to stdout."""
from app import create_app

app = create_app({"LOG_TO_STDOUT": True})
