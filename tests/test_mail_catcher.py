"""The development mail catcher shows mail as people read it: Japanese subject and body decoded."""

import os
import stat

from hotline import mail
from hotline.extensions import db
from hotline.mail import catcher

from .livesite import free_port


def test_caught_mail_is_written_decoded_and_readable_by_its_owner_only(app, tmp_path):
    port = free_port()
    shown = []
    controller = catcher.start(tmp_path / "caught", port, echo=shown.append)
    try:
        app.config.update(SMTP_HOST="127.0.0.1", SMTP_PORT=port, SMTP_TIMEOUT=5)
        mail.enqueue("taro@example.jp", "【受付】お問い合わせを承りました", "山田様\n\n受付番号：K7QM-2XPA-9HDT\n",
                     kind="catcher_test", to_name="山田 太郎")
        db.session.commit()
        assert mail.deliver_pending().sent == 1
    finally:
        controller.stop()
    files = sorted((tmp_path / "caught").iterdir())
    assert len(files) == 1
    text = files[0].read_text(encoding="utf-8")
    assert "Subject: 【受付】お問い合わせを承りました" in text and "受付番号：K7QM-2XPA-9HDT" in text
    assert "To: 山田 太郎 <taro@example.jp>" in text and "=?utf-8?" not in text.lower()  # decoded, not base64
    assert stat.S_IMODE(os.stat(files[0]).st_mode) == 0o600
    assert shown and "受付番号" in shown[0]
