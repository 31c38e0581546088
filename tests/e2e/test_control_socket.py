"""Every gunicorn the project starts keeps its control socket to itself, or has none.

gunicorn 27 opens ~/.gunicorn/gunicorn.ctl by default: one socket for every server of
the user, so one server stopping removes another's. Each test runs the server with HOME
pointing at an empty folder and looks at what appeared there.
"""

import importlib.util
import socket
import subprocess
import time
from pathlib import Path

from tests.livesite import ROOT, LiveSite, free_port


def _dev_module():
    spec = importlib.util.spec_from_file_location("dev_script", ROOT / "dev.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _wait_for(predicate, seconds: float = 30) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.1)
    return False


def test_test_servers_open_no_control_socket(tmp_path, sqlite_template):
    home = tmp_path / "home"
    home.mkdir()
    instance = tmp_path / "instance"
    instance.mkdir()
    database = instance / "site.sqlite3"
    database.write_bytes(sqlite_template.read_bytes())
    site = LiveSite(instance, database)
    site.env["HOME"] = str(home)
    site.start()
    try:
        time.sleep(1)  # the arbiter opens its socket right after binding
        assert list(home.rglob("*")) == []
        assert not list(instance.glob("*.ctl"))
    finally:
        site.stop()


def test_the_run_command_keeps_its_socket_in_the_instance_folder(tmp_path):
    dev = _dev_module()
    home, instance = tmp_path / "home", tmp_path / "instance"
    home.mkdir()
    instance.mkdir()
    port = free_port()
    command = dev.gunicorn_command(f"127.0.0.1:{port}", "1", instance, [])
    env = {"HOME": str(home), "HOTLINE_INSTANCE_PATH": str(instance),
           "HOTLINE_DATABASE_URL": f"sqlite:///{instance / 'site.sqlite3'}", "PATH": "/usr/bin:/bin"}
    log = (tmp_path / "server.log").open("w")
    server = subprocess.Popen([str(c) for c in command], cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        def answering():
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return True
            except OSError:
                return False

        assert _wait_for(answering), (tmp_path / "server.log").read_text()
        assert _wait_for((instance / "gunicorn.ctl").is_socket, 10), (tmp_path / "server.log").read_text()
        assert list(home.rglob("*")) == []
    finally:
        server.terminate()
        server.wait(timeout=30)
        log.close()


def test_dev_and_the_test_server_name_the_socket_option():
    """A gunicorn started anywhere else in the project must say the same."""
    starters = [ROOT / "dev.py", ROOT / "tests" / "livesite.py"]
    for path in starters:
        text = path.read_text(encoding="utf-8")
        assert "--control-socket" in text or "--no-control-socket" in text, path
    others = [p for p in (ROOT / "tests").rglob("*.py")
              if '"gunicorn"' in p.read_text(encoding="utf-8") and p not in starters and p != Path(__file__)]
    assert others == [], "start gunicorn through tests/livesite.py"
