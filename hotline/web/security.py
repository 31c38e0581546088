"""Response headers every page gets, and the list of endpoints open to the public."""

from urllib.parse import unquote_to_bytes

from flask import Flask, Request, current_app, request
from werkzeug.datastructures import ImmutableMultiDict
from werkzeug.exceptions import BadRequest, RequestEntityTooLarge
from werkzeug.routing import IntegerConverter
from werkzeug.utils import cached_property

from ..models._types import MAX_ID

HSTS = "max-age=31536000; includeSubDomains"
PUBLIC_ENDPOINTS: set[str] = {"static", "auth.login", "auth.login_code", "auth.logout"}

CSP = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'none'",
        "frame-ancestors 'none'",
        "form-action 'self'",
    ]
)


def public(view):
    """Mark a view as reachable without login (the URL-map test relies on this)."""
    view.hotline_public = True
    return view


def same_origin() -> bool:
    """False for a form posted from another site (the browser's Origin or Sec-Fetch-Site says so).

    For the few public forms that carry no CSRF token; a client that sends neither header
    (not a browser on another site's page) passes.
    """
    site = request.headers.get("Sec-Fetch-Site")  # pragma: no mutate (header names are case-insensitive)
    if site in ("cross-site", "same-site"):
        return False
    origin = request.headers.get("Origin")  # pragma: no mutate (header names are case-insensitive)
    return origin is None or origin.removesuffix("/") == request.host_url.removesuffix("/")


def large_upload(config_key: str):
    """Let one view accept a body up to the configured size (plus room for the form) instead of the site's limit."""
    def mark(view):
        view.hotline_upload_limit = config_key
        return view
    return mark


def is_public_endpoint(endpoint: str | None) -> bool:
    """True for endpoints anyone may open."""
    if endpoint in PUBLIC_ENDPOINTS:
        return True
    view = current_app.view_functions.get(endpoint)
    return hasattr(view, "hotline_public")


class BadEncoding(BadRequest):
    """Input that was not UTF-8: refused with its own message rather than stored as '�'."""

    japanese = ("文字を読み取れませんでした",
                "送信された内容に、読み取れない文字（UTF-8ではない文字コード）が含まれていたため、何も保存していません。"
                "ページを再読み込みして、もう一度入力してください。")


def _utf8_only(raw: bytes) -> None:
    """Refuse a query string or url-encoded body whose bytes, percent-escapes decoded, are not UTF-8.

    werkzeug would keep an invalid escape as the literal text '%FF' (and raw bytes as '�'),
    which would then be stored as if the person had typed it.
    """
    try:
        unquote_to_bytes(raw).decode()  # a "+" (a space) is UTF-8 either way
    except UnicodeDecodeError:
        raise BadEncoding() from None


def _without_nul(values: ImmutableMultiDict) -> ImmutableMultiDict:
    """The same parameters with NUL bytes dropped from names and values."""
    if not any("\x00" in key or "\x00" in value for key, value in values.items(multi=True)):
        return values
    return ImmutableMultiDict(
        (key.replace("\x00", ""), value.replace("\x00", "")) for key, value in values.items(multi=True)
    )


class CleanRequest(Request):
    """A request whose query and form parameters are UTF-8 and never carry NUL bytes.

    No field legitimately holds one and PostgreSQL cannot store one, so they are
    dropped before any view sees the input; the other control characters are the
    business of each field's own cleaner.
    """

    @property
    def max_content_length(self) -> int | None:
        view = current_app.view_functions.get(self.endpoint) if self.endpoint else None
        key = getattr(view, "hotline_upload_limit", None)
        if key:
            return current_app.config[key] + 64 * 1024
        return Request.max_content_length.fget(self)

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        Request.max_content_length.fset(self, value)

    @cached_property
    def args(self) -> ImmutableMultiDict:
        _utf8_only(self.query_string)
        return _without_nul(super().args)

    def _load_form_data(self) -> None:
        if self.mimetype == "application/x-www-form-urlencoded":
            _utf8_only(self.get_data(cache=True))
        super()._load_form_data()
        form = self.__dict__["form"]
        # werkzeug bounds the parts of multipart bodies only; url-encoded ones get the same bound.
        if self.max_form_parts is not None and len(form) > self.max_form_parts:
            raise RequestEntityTooLarge()
        if any("\ufffd" in key or "\ufffd" in value for key, value in form.items(multi=True)):
            raise BadEncoding()  # a multipart part that was not UTF-8
        self.__dict__["form"] = _without_nul(form)


class DatabaseInt(IntegerConverter):
    """`<int:…>` in every route: ids beyond the database's INTEGER are 'not found', not a database error."""

    def __init__(self, map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(map, *args, **kwargs)  # pragma: no mutate (werkzeug keeps `map` but never reads it)


def install_converters(app: Flask) -> None:
    """Bound `<int:…>`; call before blueprints are registered."""
    app.url_map.converters["int"] = DatabaseInt


def init_app(app: Flask) -> None:
    """Clean incoming parameters; add security headers to every response."""
    app.request_class = CleanRequest
    app.after_request(_add_headers)


def _add_headers(response):
    """Headers for all pages; staff pages and error pages are never stored by caches."""
    response.headers.setdefault("Content-Security-Policy", CSP)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers.setdefault("Referrer-Policy", "same-origin")
    response.headers["X-Frame-Options"] = "DENY"
    if request.is_secure:  # over HTTPS (behind a proxy: HOTLINE_PROXY_HOPS and X-Forwarded-Proto)
        response.headers["Strict-Transport-Security"] = HSTS
    if not is_public_endpoint(request.endpoint) or response.status_code >= 400:
        # staff pages, and errors anywhere: a 404 kept by a cache would hide a notice published a minute later
        response.headers["Cache-Control"] = "no-store"
        for name in ("ETag", "Last-Modified"):  # pragma: no mutate (header names are case-insensitive)
            response.headers.pop(name, None)
    return response
