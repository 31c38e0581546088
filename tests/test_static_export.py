"""The public notice pages exported as static files for any web server or CDN."""

import re
import xml.etree.ElementTree as ET

from hotline import demo
from hotline.extensions import db
from hotline.notices.static_export import export_site

from .factories import make_draft, make_incident, publish
from .pages import assert_valid_html

SLUG = demo.DEMO_SLUG


def test_export_writes_every_public_page_with_working_links(app, tmp_path):
    demo.load_demo("development")
    db.session.commit()
    out = tmp_path / "site"
    files = export_site(app, out, "https://example.jp")
    for name in ("index.html", "notices/index.html", f"notices/{SLUG}/index.html", f"notices/{SLUG}/1.html",
                 f"notices/{SLUG}/2.html", "notices/feed.atom", "faq/index.html", "static/css/site.css"):
        assert (out / name).is_file() and name in files
    report = (out / f"notices/{SLUG}/2.html").read_text(encoding="utf-8")
    assert_valid_html(report)
    assert "訂正とお詫び" in report and "最大で48,000名" in report
    assert "簡易版" in report and 'action="/faq/search"' not in report
    for page in out.rglob("*.html"):
        for link in re.findall(r'href="(/[^"#]*)"', page.read_text(encoding="utf-8")):
            if link.startswith(("/notices", "/static")):
                target = out / link.lstrip("/")
                assert target.is_file() or (target / "index.html").is_file(), (page, link)
    feed = ET.fromstring((out / "notices/feed.atom").read_bytes())
    links = [e.get("href") for e in feed.iter("{http://www.w3.org/2005/Atom}link")]
    assert f"https://example.jp/notices/{SLUG}/2.html" in links
    assert not app.config["STATIC_EXPORT"]


def test_export_replaces_an_earlier_export_and_leaves_drafts_out(app, tmp_path, staff):
    incident = make_incident("export-test")
    db.session.commit()
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    make_draft(incident, staff["sup1"], situation="非公開の下書き本文")
    db.session.commit()
    out = tmp_path / "public" / "site"
    (out / "stale").mkdir(parents=True)
    export_site(app, out)
    assert not (out / "stale").exists()
    assert (out / "notices/export-test/1.html").is_file()
    assert not (out / "notices/export-test/2.html").exists()
    assert all("非公開の下書き本文" not in p.read_text(encoding="utf-8") for p in out.rglob("*.html"))
    assert [p.name for p in out.parent.iterdir()] == ["site"]


def test_export_command(app, runner, tmp_path):
    demo.load_demo("development")
    db.session.commit()
    result = runner.invoke(args=["notices", "export", str(tmp_path / "out"), "--base-url", "https://example.jp/"])
    assert result.exit_code == 0, result.output
    assert "書き出しました" in result.output and (tmp_path / "out/index.html").is_file()
    bad = runner.invoke(args=["notices", "export", str(tmp_path / "x"), "--base-url", "javascript:alert(1)"])
    assert bad.exit_code == 1 and "--base-url" in bad.output
    (tmp_path / "file").write_text("x")
    clash = runner.invoke(args=["notices", "export", str(tmp_path / "file")])
    assert clash.exit_code == 1 and "フォルダではありません" in clash.output


def test_the_mail_sender_refreshes_the_export_after_a_publish(app, tmp_path, staff):
    from hotline.mail.cli import _round_hooks
    from hotline.notices import static_export

    assert static_export.refresh_current in _round_hooks  # run at every round of the sender
    out = tmp_path / "fallback"
    assert static_export.refresh_if_changed(app) is False  # not configured: nothing to do
    app.config["STATIC_EXPORT_DIR"] = str(out)
    incident = make_incident("refresh-case")
    publish(make_draft(incident, staff["sup1"]), staff["sup1"], staff["sup2"])
    assert static_export.refresh_current() is True and (out / "notices/refresh-case/1.html").exists()
    assert static_export.refresh_current() is False  # nothing changed since
    publish(make_draft(incident, staff["sup1"], situation="調査の結果、新たに判明した事実がございます。"),
            staff["sup1"], staff["sup2"])
    assert static_export.refresh_current() is True
    assert "新たに判明した事実" in (out / "notices/refresh-case/2.html").read_text(encoding="utf-8")
