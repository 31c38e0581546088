"""Public pages served from memory: a render cache keyed by the page's ETag, and a front cache.

Two layers, both per worker process:

- **Rendered bodies by version.** A public page computes its version (the ETag: what it
  shows and when that changed) before anything else; `rendered()` keeps the body rendered
  for that version, so a request whose version is unchanged costs the version check and no
  template. A publish or an edit changes the version in the database, so every worker and
  every node renders the new page on its next request.
- **The front cache** (`FrontCache`, WSGI middleware in front of Flask). An anonymous GET
  of a page the view marked as shareable (`caching.cacheable` without a session; no
  Set-Cookie) is answered from memory for `PAGE_CACHE_SECONDS` (2 s by default) without
  entering Flask at all; after that the next request goes through the view and its
  version check again. This bounds how long any worker on any node can show an older page
  (a CDN in front keeps pages longer than that anyway). A staff write handled by this
  worker empties its front cache at once, and requests carrying a session cookie (staff,
  or a customer with a message to show) always reach the view.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict

from flask import current_app, request, session

from ..web.security import is_public_endpoint

SHAREABLE = "hotline.shareable"  # set on the WSGI environ by caching.cacheable for shared responses
STAFF_WRITE = "hotline.staff_write"  # set by the app for a state-changing request of a staff page
MAX_ENTRIES = 512
MAX_BODY = 2 * 1024 * 1024
_KEPT_HEADERS_SKIP = {"date", "server", "content-length", "set-cookie"}


class _Bounded:
    """A small LRU map shared by the threads of one worker."""

    def __init__(self, size: int = MAX_ENTRIES):
        self.size, self.items, self.lock = size, OrderedDict(), threading.Lock()

    def get(self, key):
        with self.lock:
            value = self.items.get(key)
            if value is not None:
                self.items.move_to_end(key)
            return value

    def put(self, key, value) -> None:
        with self.lock:
            self.items[key] = value
            self.items.move_to_end(key)
            while len(self.items) > self.size:
                self.items.popitem(last=False)

    def clear(self) -> None:
        with self.lock:
            self.items.clear()


def _bodies(app) -> _Bounded:
    """This application's rendered bodies (one map per app, so two apps in a process never share)."""
    return app.extensions.setdefault("page_cache", _Bounded())


def rendered(tag: str, render) -> str:
    """The page body for version `tag`: rendered once per worker, then reused.

    Pages that show a one-time message (a flash waiting in the session) are rendered
    fresh and not kept.
    """
    if session.get("_flashes"):
        return render()
    bodies = _bodies(current_app)
    key = (tag, request.full_path)
    body = bodies.get(key)
    if body is None:
        body = render()
        bodies.put(key, body)
    return body


def for_seconds(name: str, compute):
    """A value pages read on every request (the contact beside search results), computed at
    most every PAGE_CACHE_SECONDS per worker: as stale as the front cache may be, and dropped
    with the kept bodies when a staff write on this worker starts the cache afresh."""
    seconds = current_app.config.get("PAGE_CACHE_SECONDS") or 0
    if not seconds:
        return compute()
    bodies, now = _bodies(current_app), time.monotonic()
    kept = bodies.get(("for-seconds", name))
    if kept is not None and now < kept[0]:
        return kept[1]
    value = compute()
    bodies.put(("for-seconds", name), (now + seconds, value))
    return value


class FrontCache:
    """WSGI middleware answering anonymous GETs of shareable public pages from memory."""

    def __init__(self, app, seconds: float, session_cookie: str, bodies: _Bounded):
        self.app, self.seconds, self.cookie, self.bodies = app, seconds, session_cookie, bodies
        self.pages = _Bounded()
        self.hits = 0

    def _key(self, environ) -> tuple | None:
        if environ.get("REQUEST_METHOD") not in ("GET", "HEAD") or environ.get("HTTP_AUTHORIZATION"):
            return None
        if f"{self.cookie}=" in environ.get("HTTP_COOKIE", ""):
            return None
        return (environ.get("wsgi.url_scheme"), environ.get("HTTP_HOST", ""), environ.get("PATH_INFO", ""),
                environ.get("QUERY_STRING", ""))

    def __call__(self, environ, start_response):
        key = self._key(environ)
        if key is not None:
            entry = self.pages.get(key)
            if entry is not None and time.monotonic() < entry[0]:
                self.hits += 1
                return self._answer(environ, start_response, entry)
        captured = {}

        def capture(status, headers, exc_info=None):
            captured["status"], captured["headers"] = status, headers
            return start_response(status, headers, exc_info) if exc_info else start_response(status, headers)

        result = self.app(environ, capture)
        if environ.get(STAFF_WRITE):
            self.pages.clear()
            self.bodies.clear()
        if key is None or not environ.get(SHAREABLE) or environ.get("REQUEST_METHOD") != "GET":
            return result
        if not captured.get("status", "").startswith("200"):
            return result
        headers = captured["headers"]
        if any(name.lower() == "set-cookie" for name, _ in headers):
            return result
        try:
            body = b"".join(result)
        finally:
            if hasattr(result, "close"):
                result.close()
        if len(body) <= MAX_BODY:
            kept = [(n, v) for n, v in headers if n.lower() not in _KEPT_HEADERS_SKIP]
            etag = next((v for n, v in headers if n.lower() == "etag"), None)
            self.pages.put(key, (time.monotonic() + self.seconds, kept, body, etag))
        return [body]

    def _answer(self, environ, start_response, entry):
        _, headers, body, etag = entry
        if etag and _matches(etag, environ.get("HTTP_IF_NONE_MATCH", "")):
            start_response("304 NOT MODIFIED", [(n, v) for n, v in headers if n.lower() != "content-type"])
            return []
        start_response("200 OK", headers + [("Content-Length", str(len(body)))])
        return [] if environ.get("REQUEST_METHOD") == "HEAD" else [body]


def _matches(etag: str, header: str) -> bool:
    """Whether an If-None-Match header names this entity tag (weakly compared, as for GET) or '*'."""
    tags = {part.strip().removeprefix("W/") for part in header.split(",")}
    return "*" in tags or etag.removeprefix("W/") in tags


def _mark_staff_write(response):
    """Flag a successful state-changing request of a staff page, so the front cache starts afresh."""
    if request.method not in ("GET", "HEAD", "OPTIONS") and response.status_code < 400 \
            and not is_public_endpoint(request.endpoint):
        request.environ[STAFF_WRITE] = True
    return response


def install(app) -> None:
    """Put the front cache in front of the application when PAGE_CACHE_SECONDS is set."""
    app.after_request(_mark_staff_write)
    seconds = app.config.get("PAGE_CACHE_SECONDS")
    if seconds:
        app.wsgi_app = FrontCache(app.wsgi_app, seconds, app.config["SESSION_COOKIE_NAME"], _bodies(app))
