"""Validators and cache headers for public pages, so browsers and CDNs can keep them."""

from datetime import datetime, timezone

from flask import current_app, g, request
from flask.sessions import SecureCookieSessionInterface


def _aware(moment: datetime | None) -> datetime | None:
    """Stored times are naive UTC; HTTP dates need aware ones."""
    return moment.replace(tzinfo=timezone.utc) if moment and moment.tzinfo is None else moment


def cacheable(response, last_modified: datetime | None = None):
    """Add ETag, Last-Modified and Cache-Control; answer 304 when the client is current.

    The ETag is a hash of the body, so a changed template or a new report both change it.
    `stale-if-error` lets a CDN keep serving the notice while the application is down.
    The pages never depend on the session; a visitor without a session cookie gets a
    response shared caches may keep (no `Vary: Cookie`), while anyone carrying a session
    (staff) gets a private one, so a shared cache can never store their cookie.
    """
    seconds = current_app.config["PUBLIC_CACHE_SECONDS"]
    response.add_etag()
    if last_modified is not None:
        response.last_modified = _aware(last_modified).replace(microsecond=0)
    if request.cookies.get(current_app.config["SESSION_COOKIE_NAME"]):
        response.cache_control.private = True
    else:
        g.shared_cache = True
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
    """Install the session interface."""
    app.session_interface = SessionInterface()
