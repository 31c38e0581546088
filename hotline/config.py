"""Configuration read from the environment when the application is created."""

import os
import secrets
from datetime import timedelta
from pathlib import Path

from cryptography.fernet import Fernet

PROJECT_ROOT = Path(__file__).resolve().parent.parent
"""The checkout: templates, static files, migrations and the demo content live here."""
ENV_PREFIX = "HOTLINE_"


def _env(name: str, default: str | None = None) -> str | None:
    """Return the HOTLINE_-prefixed environment variable or a default."""
    return os.environ.get(ENV_PREFIX + name, default)


def _flag(name: str, default: bool = False) -> bool:
    """Read a yes/no environment variable."""
    value = _env(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def key_file(instance_path: str, name: str, make) -> str:
    """Read a key kept under instance/ (mode 600), creating it once when missing."""
    path = Path(instance_path) / name
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        pass
    else:
        with os.fdopen(fd, "w") as handle:
            handle.write(make())
    key = path.read_text().strip()
    if not key:
        raise RuntimeError(f"{path} is empty; restore it from the key backup or delete it")
    return key


def load_secret_key(instance_path: str) -> str:
    """Take the secret key from the environment, or create it once under instance/."""
    return _env("SECRET_KEY") or key_file(instance_path, "secret_key", lambda: secrets.token_urlsafe(48))


def from_environment(instance_path: str) -> dict:
    """Build the configuration mapping from environment variables."""
    default_db = "sqlite:///" + str(Path(instance_path) / "hotline.sqlite3")
    env = _env("ENV", "development")
    database = _env("DATABASE_URL", default_db)
    return {
        "HOTLINE_ENV": env,
        "SQLALCHEMY_DATABASE_URI": database,
        # Errors must never carry inquirers' data into logs: SQL parameters are hidden. A pooled
        # connection to a server is tested before use, so a restarted database server costs no
        # failed page (a SQLite file cannot go away under a connection: no test, no round trip).
        "SQLALCHEMY_ENGINE_OPTIONS": {"hide_parameters": True, "pool_pre_ping": not database.startswith("sqlite")},
        "SECRET_KEY": load_secret_key(instance_path),
        "SESSION_COOKIE_SECURE": _flag("SECURE_COOKIES", env == "production"),
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_NAME": "hotline_session",
        "PERMANENT_SESSION_LIFETIME": timedelta(minutes=int(_env("IDLE_MINUTES", "30"))),
        "STAFF_SESSION_MAX_HOURS": int(_env("SESSION_MAX_HOURS", "10")),
        "REQUIRE_MFA": _flag("REQUIRE_MFA", env == "production"),
        "MAX_CONTENT_LENGTH": 512 * 1024,
        "MAX_FORM_PARTS": 200,
        "WTF_CSRF_TIME_LIMIT": 8 * 3600,
        "PUBLIC_CACHE_SECONDS": int(_env("PUBLIC_CACHE_SECONDS", "60")),
        "PAGE_CACHE_SECONDS": float(_env("PAGE_CACHE_SECONDS", "2")),
        "STATIC_EXPORT_DIR": _env("STATIC_EXPORT_DIR", ""),  # refreshed by the mail sender after each publish
        "STATIC_EXPORT_BASE_URL": _env("STATIC_EXPORT_BASE_URL", ""),
        "LOGIN_MAX_FAILURES": int(_env("LOGIN_MAX_FAILURES", "5")),
        "LOGIN_FAILURE_WINDOW_MINUTES": int(_env("LOGIN_WINDOW_MINUTES", "15")),
        "PROXY_HOPS": int(_env("PROXY_HOPS", "0")),
        "SITE_NAME": _env("SITE_NAME", "お知らせとお問い合わせ窓口"),
        "COMPANY_NAME": _env("COMPANY_NAME", "株式会社ミドリ商会"),
        **mail_settings(),
        **inquiry_settings(),
        **callback_settings(),
        **affected_settings(instance_path),
    }


def callback_settings() -> dict:
    """Callbacks: bookable hours in Japan, slot length and capacity, how often to try."""
    return {
        "CALLBACK_HOURS": _env("CALLBACK_HOURS", "10:00-18:00"),
        "CALLBACK_SLOT_MINUTES": int(_env("CALLBACK_SLOT_MINUTES", "30")),
        "CALLBACK_SLOT_CAPACITY": int(_env("CALLBACK_SLOT_CAPACITY", "4")),
        "CALLBACK_DAYS": int(_env("CALLBACK_DAYS", "3")),
        "CALLBACK_ATTEMPTS": int(_env("CALLBACK_ATTEMPTS", "3")),
        "CALLBACK_RETRY_MINUTES": int(_env("CALLBACK_RETRY_MINUTES", "30")),
        "CALLBACK_LIMIT_PER_HOUR": int(_env("CALLBACK_LIMIT_PER_HOUR", "3")),
        "CALLBACK_FROM_NUMBER": _env("CALLBACK_FROM_NUMBER", ""),
    }


def affected_settings(instance_path: str) -> dict:
    """The affected list: keys that seal personal data, the self-check, limits, retention."""
    keys = [k.strip() for k in (_env("DATA_KEYS") or "").split(",") if k.strip()]
    return {
        "DATA_KEYS": keys or [key_file(instance_path, "data_key", lambda: Fernet.generate_key().decode())],
        "LOOKUP_KEY": _env("LOOKUP_KEY") or key_file(
            instance_path, "lookup_key", lambda: secrets.token_urlsafe(48)),
        # What a person gives at /affected: member id + phone, or email + birth date.
        "AFFECTED_CHECK": _env("AFFECTED_CHECK", "member_phone"),
        "AFFECTED_CHECKS_PER_HOUR": int(_env("AFFECTED_CHECKS_PER_HOUR", "10")),
        "VERIFY_PER_HOUR": int(_env("VERIFY_PER_HOUR", "20")),
        "AFFECTED_IMPORT_MAX_BYTES": 10 * 1024 * 1024,
        "AFFECTED_IMPORT_MAX_ROWS": int(_env("AFFECTED_IMPORT_MAX_ROWS", "300000")),
        # The back-office page answers within a worker's timeout (30 s): about ten seconds of import.
        "AFFECTED_PAGE_IMPORT_MAX_ROWS": int(_env("AFFECTED_PAGE_IMPORT_MAX_ROWS", "20000")),
        "AFFECTED_RETENTION_DAYS": int(_env("AFFECTED_RETENTION_DAYS", "730")),
    }


def inquiry_settings() -> dict:
    """The inquiry window: public address for links in mail, promises, limits, retention."""
    return {
        "PUBLIC_URL": (_env("PUBLIC_URL") or f"http://{_env('BIND', '127.0.0.1:8000')}").rstrip("/"),
        "INQUIRY_RESPONSE_DAYS": int(_env("INQUIRY_RESPONSE_DAYS", "3")),
        "INQUIRY_RETENTION_DAYS": int(_env("INQUIRY_RETENTION_DAYS", "365")),
        "INQUIRY_LIMIT_PER_HOUR": int(_env("INQUIRY_LIMIT_PER_HOUR", "5")),
        "SUBSCRIBE_PER_HOUR": int(_env("SUBSCRIBE_PER_HOUR", "10")),
        "SUBSCRIBER_MAILS_PER_HOUR": int(_env("SUBSCRIBER_MAILS_PER_HOUR", "20000")),
        "INQUIRY_POSTS_PER_HOUR": int(_env("INQUIRY_POSTS_PER_HOUR", "30")),
        "STATUS_LIMIT_PER_HOUR": int(_env("STATUS_LIMIT_PER_HOUR", "20")),
        "VOTES_PER_HOUR": int(_env("VOTES_PER_HOUR", "30")),
        "SEARCH_STATS_PER_HOUR": int(_env("SEARCH_STATS_PER_HOUR", "120")),
        "SEARCH_STATS_SECONDS": float(_env("SEARCH_STATS_SECONDS", "2")),
        "INQUIRY_MAX_MESSAGE": 4000,
        "QUEUE_POLL_SECONDS": int(_env("QUEUE_POLL_SECONDS", "30")),
    }


def mail_settings() -> dict:
    """SMTP server, sender address and outbox retry settings."""
    return {
        "SMTP_HOST": _env("SMTP_HOST", "127.0.0.1"),
        "SMTP_PORT": int(_env("SMTP_PORT", "1025")),
        "SMTP_USER": _env("SMTP_USER", ""),
        "SMTP_PASSWORD": _env("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _flag("SMTP_STARTTLS"),
        "SMTP_TIMEOUT": float(_env("SMTP_TIMEOUT", "10")),
        "MAIL_FROM": _env("MAIL_FROM", "ミドリ商会 お問い合わせ窓口 <support@example.jp>"),
        "ONCALL_EMAIL": _env("ONCALL_EMAIL", ""),
        "MAIL_MAX_ATTEMPTS": int(_env("MAIL_MAX_ATTEMPTS", "20")),
        "MAIL_POLL_SECONDS": float(_env("MAIL_POLL_SECONDS", "5")),
    }
