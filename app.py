"""Entry point for ``flask`` and gunicorn: ``gunicorn app:app``."""
from alliance import create_app

app = create_app()
