"""Entry point for gunicorn: `gunicorn --preload wsgi:app`."""

from hotline import create_app, search

app = create_app()
# Load the Japanese dictionary once, before gunicorn forks, so workers share its memory.
search.preload()
