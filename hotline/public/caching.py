"""Validators and cache headers for public pages, so browsers and CDNs can keep them.

A page's ETag is computed from what it shows (the incidents, their published reports
and when they changed) plus a fingerprint of the code, templates and stylesheets, so a
revalidation that matches is answered with 304 before anything is rendered.
"""

import hashlib
from datetime import datetime, timezone
from pathlib import Path

from flask import Response, current_app, g, request
from flask.sessions import SecureCookieSessionInterface

from ..config import PROJECT_ROOT
from .page_cache import SHAREABLE

FINGERPRINTED = ("hotline", "templates", "static")


def _aware(moment: datetime | None) -> datetime | None:
    """Stored times are naive UTC; HTTP dates need aware ones."""
    return moment.replace(tzinfo=timezone.utc) if moment and moment.tzinfo is None else moment


def build_fingerprint(root: Path = PROJECT_ROOT) -> str:
    """A hash of the names, sizes and times of the files that shape every page."""
    digest = hashlib.sha256()
    for folder in FINGERPRINTED:
        for path in sorted((root / folder).rglob("*")):
            if path.is_file() and "__pycache__" not in path.parts:
                stat = path.stat()
                digest.update(f"{path.relative_to(root)}:{stat.st_size}:{stat.st_mtime_ns}".encode())
    return digest.hexdigest()[:16]


def page_tag(*parts) -> str:
    """The ETag of a page showing `parts` (ids, times), for this build and configuration."""
    cfg = current_app.config
    seed = repr((cfg["BUILD_FINGERPRINT"], cfg["COMPANY_NAME"], cfg["SITE_NAME"], cfg.get("STATIC_EXPORT"),
                 request.path, parts))
    return hashlib.sha256(seed.encode()).hexdigest()[:32]


def not_modified(tag: str, last_modified: datetime | None = None) -> Response | None:
    """A 304 for a client that already holds this version, without rendering anything."""
    if not request.if_none_match.contains(tag):
        return None
    return cacheable(Response(status=304), last_modified, tag)


def cacheable(response, last_modified: datetime | None = None, tag: str | None = None):
    """Add ETag, Last-Modified and Cache-Control; answer 304 when the client is current.

    Without a `tag`, the ETag is a hash of the body. `stale-if-error` lets a CDN keep serving the notice while the application is down.
    The pages never depend on the session; a visitor without a session cookie gets a
    response shared caches may keep (no `Vary: Cookie`), while anyone carrying a session
    (staff) gets a private one, so a shared cache can never store their cookie.
    """
    seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
    if tag:
        response.set_etag(tag)
    else:
        response.add_etag()
    if last_modified is not None:
        response.last_modified = _aware(last_modified).replace(microsecond=0)
    if request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]):
        response.cache_control.private = True
    else:
        g.shared_cache = True
        request.environ[SHAREABLE] = True
        response.cache_control.public = True
    response.cache_control.max_age = seconds
    response.headers["Cache-Control"] += f", stale-while-revalidate={seconds * 5}, stale-if-error=86400"
    return response.make_conditional(request)


def newest(*moments: datetime | None) -> datetime | None:
    """The latest of some optional times."""
    present = [m for m in moments if m is not None]
    return max(present) if present else None


class SessionInterface(SecureCookieSessionInterface):
    """Signed-cookie sessions that leave shared-cache responses alone.

    Extensions peek at the session on every request (to find a logged-in user), which
    would add `Vary: Cookie`; a response marked for shared caches by `cacheable` has
    no session cookie to begin with and does not depend on one.
    """

    def save_session(self, app, session, response) -> None:
        if g.get("shared_cache") and not session.modified and not session:
            session.accessed = False
            return
        super().save_session(app, session, response)


def init_app(app) -> None:
    """Install the session interface and fingerprint this build."""
    app.session_interface = SessionInterface()
    app.config.setdefault("BUILD_FINGERPRINT", build_fingerprint())
