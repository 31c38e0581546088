"""Screenshots of the demo site at phone and desktop widths, for review and the README.

Usage: .venv/bin/python tools/screenshots.py [OUT_DIR]   (default: tests/screenshots)
Starts the demo on a temporary SQLite database with gunicorn, logs in as the demo
supervisor for staff pages, and writes one PNG per page and width.
"""

import shutil
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from playwright.sync_api import sync_playwright  # noqa: E402

from hotline.demo import DEMO_PASSWORD, DEMO_SLUG  # noqa: E402
from tests.livesite import CHROMIUM, CHROMIUM_ARGS, LiveSite  # noqa: E402

WIDTHS = {"phone": 390, "desktop": 1280}
PUBLIC_PAGES = {
    "top": "/",
    "notices": "/notices/",
    "incident": f"/notices/{DEMO_SLUG}/",
    "report-1": f"/notices/{DEMO_SLUG}/1",
    "report-2": f"/notices/{DEMO_SLUG}/2",
    "faq": "/faq/",
    "faq-search": "/faq/search?q=クレカ勝手に使われた",
    "faq-entry": "/faq/card-replace",
    "inquiry": "/inquiry",
    "inquiry-status": "/inquiry/status",
}
STAFF_PAGES = {"admin": "/admin/", "admin-faq": "/admin/faq/", "agent-queue": "/agent/",
               "admin-answers": "/admin/answers/", "supervisor": "/supervisor/"}


def start_demo(workdir: Path) -> LiveSite:
    """Migrate, load the demo and FAQ, and serve."""
    site = LiveSite(workdir, workdir / "hotline.sqlite3")
    for command in (("db", "upgrade"), ("demo", "load"), ("demo", "faq"),
                    ("demo", "answers")):
        site.flask(*command)
    site.start()
    return site


def capture(site: LiveSite, out: Path) -> list[Path]:
    """Take every screenshot; returns the files written."""
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, width in WIDTHS.items():
            context = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900})
            page = context.new_page()
            for name, path in PUBLIC_PAGES.items():
                written.append(_shot(page, site.url + path, out / f"{name}-{label}.png"))
            page.goto(site.url + "/login")
            page.fill("#username", "sato")
            page.fill("#password", DEMO_PASSWORD)
            page.click("main button[type=submit]")
            for name, path in STAFF_PAGES.items():
                written.append(_shot(page, site.url + path, out / f"{name}-{label}.png"))
            written.append(_answer_page(page, site, out / f"agent-answer-{label}.png"))
            context.close()
        browser.close()
    return written


def _answer_page(page, site: LiveSite, path: Path) -> Path:
    """Claim the oldest waiting inquiry (or open the claimed one) and apply its first suggestion."""
    page.goto(site.url + "/agent/")
    if page.locator("table.queue button").count():
        page.locator("table.queue button").first.click()
    else:
        page.goto(site.url + "/agent/?view=mine")
        page.locator("table.queue a").first.click()
    suggestion = page.locator("ol.suggested a")
    if suggestion.count():
        suggestion.first.click()
    page.screenshot(path=str(path), full_page=True)
    return path


def _shot(page, url: str, path: Path) -> Path:
    """One full-page screenshot."""
    page.goto(url)
    page.screenshot(path=str(path), full_page=True)
    return path


def main() -> None:
    """Run the demo in a temporary folder and capture it."""
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "tests" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="hotline-shots-"))
    site = start_demo(workdir)
    try:
        for path in capture(site, out):
            print(path)
    finally:
        site.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
