"""Screenshots of the demo site at phone and desktop widths, for review and the README.

Usage: .venv/bin/python tools/screenshots.py [OUT_DIR]   (default: tests/screenshots)
       .venv/bin/python tools/screenshots.py --examples [OUT_DIR]
Starts the demo on a temporary SQLite database with gunicorn, logs in as the demo
supervisor for staff pages, and writes one PNG per page and width. With --examples, the
two example cases (examples/card-skimming, examples/ransomware) are published stage by
stage, as two supervisors would, and every stage's page is captured instead.
"""

import shutil
import subprocess
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
    "faq-search-near": "/faq/search?q=自腹",
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


EXAMPLES = {  # case folder: (incident slug, title, stages)
    "card-skimming": ("2026-hanamizuki-gift", "当社オンラインショップへの不正アクセスについて", 3),
    "ransomware": ("2026-kawasemi-unyu", "当社サーバーへのランサムウェア攻撃について", 2),
}
PUBLISH_EXAMPLES = """
import sys
from pathlib import Path
from datetime import date
from sqlalchemy import select
from hotline import create_app, notices
from hotline.extensions import db
from hotline.models import User
from hotline.notices.draft_files import load_draft, parse_draft

app = create_app()
with app.app_context():
    sato, suzuki = (db.session.scalar(select(User).filter_by(username=n)) for n in ("sato", "suzuki"))
    for folder, slug, title in (line.split("|") for line in sys.argv[1:]):
        notices.create_incident(slug=slug, title=title, aware_on=date(2026, 10, 2), contact_phone="0120-000-111",
                                contact_hours="9:00〜18:00", contact_form_url="/inquiry")
        for path in sorted(Path(folder).glob("*.toml")):
            report = load_draft(parse_draft(path.read_text(encoding="utf-8")), sato)
            notices.submit_for_approval(report, sato)
            notices.approve_and_publish(report, suzuki, notices.content_hash(report))
            db.session.commit()
"""


def publish_examples(site: LiveSite) -> dict[str, str]:
    """Publish every stage of the example cases on the site's database; {shot name: path}."""
    cases = [f"{ROOT / 'examples' / case}|{slug}|{title}" for case, (slug, title, _n) in EXAMPLES.items()]
    subprocess.run([sys.executable, "-c", PUBLISH_EXAMPLES, *cases], cwd=ROOT, env=site.env, check=True)
    return {f"{case}-{n}": f"/notices/{slug}/{n}" for case, (slug, _t, stages) in EXAMPLES.items()
            for n in range(1, stages + 1)}


def capture_pages(site: LiveSite, pages: dict[str, str], out: Path) -> list[Path]:
    """Screenshots of public pages only, at every width."""
    written = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        for label, width in WIDTHS.items():
            page = browser.new_context(locale="ja-JP", viewport={"width": width, "height": 900}).new_page()
            written += [_shot(page, site.url + path, out / f"{name}-{label}.png") for name, path in pages.items()]
        browser.close()
    return written


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
    args = sys.argv[1:]
    examples = "--examples" in args
    args = [a for a in args if a != "--examples"]
    out = Path(args[0]) if args else ROOT / "tests" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    workdir = Path(tempfile.mkdtemp(prefix="hotline-shots-"))
    site = start_demo(workdir)
    try:
        shots = capture_pages(site, publish_examples(site), out) if examples else capture(site, out)
        for path in shots:
            print(path)
    finally:
        site.stop()
        shutil.rmtree(workdir, ignore_errors=True)


if __name__ == "__main__":
    main()
