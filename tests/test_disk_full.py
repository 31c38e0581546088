"""The disk holding the SQLite database fills up: a clear page, nothing half-written, no corrupt database."""

import os
import shutil
import sqlite3
import subprocess

import pytest
from sqlalchemy import func, select

from hotline import create_app, demo
from hotline.extensions import db
from hotline.models import Inquiry

from .conftest import IsolatedClient, _base_config

FORM = {"name": "容量 試験", "email": "disk@example.jp", "phone": "", "reply_by": "email", "category": "other",
        "consent": "y", "notice_number": "", "website": ""}


@pytest.fixture
def small_disk(tmp_path):
    """A 4 MB file system of its own (tmpfs), or a skip where mounting is not allowed."""
    mount_point = tmp_path / "small-disk"
    mount_point.mkdir()
    mounted = os.geteuid() == 0 and subprocess.run(
        ["mount", "-t", "tmpfs", "-o", "size=4m", "tmpfs", str(mount_point)], capture_output=True).returncode == 0
    if not mounted:
        pytest.skip("needs permission to mount a small tmpfs")
    yield mount_point
    subprocess.run(["umount", "-l", str(mount_point)], check=False)


def _post(client, n):
    return client.post("/inquiry", data={**FORM, "token": f"disk-full-{n:05d}", "message": f"容量の確認 {n}"})


def test_a_full_disk_refuses_posts_clearly_and_leaves_the_database_whole(tmp_path, sqlite_template, small_disk):
    database = small_disk / "hotline.sqlite3"
    shutil.copy(sqlite_template, database)
    app = create_app({**_base_config(tmp_path, f"sqlite:///{database}"), "INQUIRY_LIMIT_PER_HOUR": 100000,
                      "INQUIRY_POSTS_PER_HOUR": 100000})
    app.test_client_class = IsolatedClient
    with app.app_context():
        demo.load_demo("development")
        db.session.commit()
        demo_rows = db.session.scalar(select(func.count(Inquiry.id)))
        db.session.rollback()
        client = app.test_client()
        assert _post(client, 0).status_code == 303
        filler = small_disk / "filler"
        with open(filler, "wb", buffering=0) as handle:  # take every byte that is left (unbuffered:
            try:                                            # nothing is left to fail again at the close)
                while True:
                    handle.write(b"\0" * 65536)
            except OSError:
                pass
        refused = [_post(client, n) for n in range(1, 40)]
        failed = [r for r in refused if r.status_code != 303]
        assert failed, "the disk never filled"
        page = failed[0].get_data(as_text=True)
        assert failed[0].status_code in (500, 503) and "もう一度お試しください" in page and "Traceback" not in page
        db.session.remove()
        filler.unlink()
        assert _post(client, 100).status_code == 303  # room again: accepted at once
        db.session.remove()
        db.engine.dispose()
    with sqlite3.connect(database) as connection:
        assert connection.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
        rows = connection.execute("SELECT count(*) FROM inquiry").fetchone()[0] - demo_rows
        accepted = 2 + sum(r.status_code == 303 for r in refused)
        assert rows == accepted  # every receipt shown is stored, and nothing else
