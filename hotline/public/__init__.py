"""Public pages: no login, no JavaScript needed."""
