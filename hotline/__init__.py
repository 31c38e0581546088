"""hotline: notices, FAQ and inquiry desk for a personal-data breach."""

import os
from pathlib import Path

from flask import Flask

from . import config as config_module

PROJECT_ROOT = Path(__file__).resolve().parent.parent


def create_app(config: dict | None = None) -> Flask:
    """Application factory: configuration, extensions, blueprints and commands."""
    app = Flask(
        __name__,
        instance_path=os.environ.get("HOTLINE_INSTANCE_PATH", str(PROJECT_ROOT / "instance")),
        template_folder=str(PROJECT_ROOT / "templates"),
        static_folder=str(PROJECT_ROOT / "static"),
    )
    if config and config.get("INSTANCE_PATH"):
        app.instance_path = config["INSTANCE_PATH"]
    os.makedirs(app.instance_path, mode=0o700, exist_ok=True)
    app.config.from_mapping(config_module.from_environment(app.instance_path))
    if config:
        app.config.from_mapping(config)

    from . import web

    web.init_app(app)
    return app
