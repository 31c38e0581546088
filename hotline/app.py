"""The application factory: configuration, extensions, blueprints, hooks and commands.

The only module that knows every package: the web packages (public, agent, admin, web)
and the command groups of the domain packages are attached here.
"""

import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import answers, audit, demo, extensions, subscribers
from .affected.cli import affected_cli
from . import config as config_module
from .admin.answer_views import bp as answers_admin_bp
from .admin.faq_views import bp as faq_admin_bp
from .admin import report_views  # noqa: F401  (adds the report pages to the admin blueprint)
from .admin.views import bp as admin_bp
from .agent import callback_views, campaign_views, list_views, people_views  # noqa: F401
from .admin import block_views  # noqa: F401  (shared text blocks on the FAQ blueprint)  (add the affected list to the agent and supervisor blueprints)
from .agent.supervisor_views import bp as supervisor_bp
from .agent.views import bp as agent_bp
from .answers.cli import answers_cli
from .config import PROJECT_ROOT
from .extensions import csrf, db, migrate
from .faq.cli import faq_cli
from .faq import blocks as faq_blocks
from .faq.markdown import render as render_markdown
from .inquiries.cli import inquiries_cli
from .affected import sending as notice_sending
from .mail.cli import mail_cli, on_round
from .notices import static_export
from .notices.cli import notices_cli
from .public import caching, page_cache
from .public.affected_views import bp as check_bp
from .public.callback_views import bp as callback_bp
from .public.subscribe_views import bp as subscribe_bp
from .public.faq_views import bp as faq_bp
from .public.inquiry_views import bp as inquiry_bp
from .public.views import bp as public_bp
from .staff.cli import users_cli
from .web import auth, errors, security
from .web.login_views import bp as login_bp

BLUEPRINTS = (public_bp, faq_bp, inquiry_bp, check_bp, callback_bp, subscribe_bp, agent_bp, supervisor_bp, login_bp, admin_bp,
              faq_admin_bp, answers_admin_bp)
COMMAND_GROUPS = (users_cli, demo.demo_cli, notices_cli, faq_cli, mail_cli, answers_cli, inquiries_cli,
                  affected_cli)


def create_app(config: dict | None = None) -> Flask:
    """A configured application; `config` overrides what the environment says."""
    app = Flask(
        "hotline",
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
    init_app(app)
    return app


def init_app(app: Flask) -> None:
    """Attach everything the application needs."""
    security.install_converters(app)
    db.init_app(app)
    migrate.init_app(app, db, directory=str(PROJECT_ROOT / "migrations"))
    csrf.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    audit.init_app(app)
    caching.init_app(app)
    errors.init_app(app)
    for blueprint in BLUEPRINTS:
        app.register_blueprint(blueprint)
    for group in COMMAND_GROUPS:
        app.cli.add_command(group)
    page_cache.install(app)  # inside ProxyFix, so it sees the scheme and host the proxy reported
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    extensions.tune_sqlite(app)
    answers.subscribe()
    on_round(notice_sending.pump)  # the mail sender queues paced individual notices each round
    subscribers.subscribe_to_reports()
    on_round(subscribers.pump)  # and the mail of each new report for its subscribers
    on_round(static_export.refresh_current)  # and the static fallback, when configured
    app.add_template_filter(lambda text: render_markdown(faq_blocks.expand(text)), "markdown")
    app.add_template_global(lambda endpoint: endpoint in app.view_functions, "has_endpoint")
