"""Export the public notice pages as plain files any web server or CDN can serve.

When the application is overwhelmed or down, these files keep the announcements
readable. Pages are rendered by the application itself (so they are identical),
report pages get an .html name, and links are rewritten to match.
"""

import os
import re
import shutil
import tempfile
from pathlib import Path

from flask import Flask

from . import workflow as notices
from .public_reads import public_incidents

REPORT_LINK = re.compile(r'(href="(?:https?://[^"/]+)?/notices/[^"/]+/\d+)(")')


class ExportError(Exception):
    """The export could not be written; the message is Japanese."""


def _pages(app: Flask) -> dict[str, str]:
    """URL path → file path inside the export."""
    with app.app_context():
        pages = {"/": "index.html", "/notices/": "notices/index.html", "/notices/feed.atom": "notices/feed.atom",
                 "/faq/": "faq/index.html"}
        for incident in public_incidents():
            pages[f"/notices/{incident.slug}/"] = f"notices/{incident.slug}/index.html"
            for report in notices.published_reports(incident):
                pages[f"/notices/{incident.slug}/{report.number}"] = f"notices/{incident.slug}/{report.number}.html"
    return pages


def _rewrite(text: str) -> str:
    """Point report links at the exported .html files."""
    return REPORT_LINK.sub(r"\1.html\2", text)


def export_site(app: Flask, out_dir: str | os.PathLike, base_url: str = "http://localhost") -> list[str]:
    """Write the public notice pages, the feed and the stylesheets into `out_dir`.

    The files are written to a temporary folder first and then moved into place,
    so a web server serving `out_dir` never sees a half-written export.
    Returns the exported file paths, relative to `out_dir`.
    """
    out = Path(out_dir).resolve()
    if out.exists() and not out.is_dir():
        raise ExportError(f"{out} はフォルダではありません。")
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".export-", dir=out.parent))
    previous_flag = app.config.get("STATIC_EXPORT", False)
    app.config["STATIC_EXPORT"] = True
    try:
        client = app.test_client()
        written = []
        for url, target in _pages(app).items():
            response = client.get(url, base_url=base_url)
            if response.status_code != 200:
                raise ExportError(f"{url} を書き出せませんでした（HTTP {response.status_code}）。")
            path = staging / target
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(_rewrite(response.get_data(as_text=True)), encoding="utf-8")
            written.append(target)
        shutil.copytree(app.static_folder, staging / "static")
        written += [str(p.relative_to(staging)) for p in sorted((staging / "static").rglob("*")) if p.is_file()]
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    finally:
        app.config["STATIC_EXPORT"] = previous_flag
    _swap_into_place(staging, out)
    return written


def _swap_into_place(staging: Path, out: Path) -> None:
    """Replace `out` with `staging` (old export removed only after the new one is in place)."""
    if out.exists():
        old = out.with_name(out.name + ".old")
        shutil.rmtree(old, ignore_errors=True)
        out.rename(old)
        staging.rename(out)
        shutil.rmtree(old, ignore_errors=True)
    else:
        staging.rename(out)
    out.chmod(0o755)


def _content_stamp() -> str:
    """What the exported pages show, in one line: published reports, incidents, FAQ entries."""
    from sqlalchemy import func, select

    from ..extensions import db
    from ..models import FaqEntry, Incident, Report, ReportState

    parts = [db.session.execute(select(func.count(Report.id), func.max(Report.published_at))
                                .where(Report.state == ReportState.PUBLISHED)).one(),
             db.session.scalar(select(func.max(Incident.updated_at))),
             db.session.execute(select(func.count(FaqEntry.id), func.max(FaqEntry.updated_at))).one()]
    return repr(parts)


def refresh_if_changed(app: Flask) -> bool:
    """Export again into `STATIC_EXPORT_DIR` when what the pages show changed; True when it did.

    Run by the mail sender at every round, so the fallback a CDN serves follows each
    publish within seconds, without the publish request waiting for it.
    """
    out_dir = app.config.get("STATIC_EXPORT_DIR")
    if not out_dir:
        return False
    from ..extensions import db

    stamp = _content_stamp() + app.config.get("BUILD_FINGERPRINT", "")
    db.session.rollback()  # only read: the export reads in contexts of its own
    marker = Path(str(Path(out_dir).resolve()) + ".version")
    if Path(out_dir).exists() and marker.exists() and marker.read_text(encoding="utf-8") == stamp:
        return False
    export_site(app, out_dir, app.config.get("STATIC_EXPORT_BASE_URL") or app.config["PUBLIC_URL"])
    marker.write_text(stamp, encoding="utf-8")
    return True


def refresh_current() -> bool:
    """refresh_if_changed for the application of the current context (a mail-sender round hook)."""
    from flask import current_app

    return refresh_if_changed(current_app._get_current_object())
