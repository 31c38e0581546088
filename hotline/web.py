"""Wiring of extensions, blueprints, hooks and commands onto an app."""

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from . import auth, cli, errors, security
from .extensions import csrf, db, migrate
from .public import caching


def init_app(app: Flask) -> None:
    """Attach everything the application needs."""
    db.init_app(app)
    migrate.init_app(app, db, directory=str(_migrations_dir()))
    csrf.init_app(app)
    auth.init_app(app)
    security.init_app(app)
    caching.init_app(app)
    errors.init_app(app)
    _register_blueprints(app)
    cli.init_app(app)
    if app.config["PROXY_HOPS"]:
        hops = app.config["PROXY_HOPS"]
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    from . import sqlite_tuning

    sqlite_tuning.init_app(app)
    _register_template_helpers(app)


def _register_template_helpers(app: Flask) -> None:
    """Filters and globals the templates share."""
    from .markdown import render

    app.add_template_filter(render, "markdown")
    app.add_template_global(lambda endpoint: endpoint in app.view_functions, "has_endpoint")


def _migrations_dir():
    """The migrations folder that ships with the project."""
    from . import PROJECT_ROOT

    return PROJECT_ROOT / "migrations"


def _register_blueprints(app: Flask) -> None:
    """Public pages, staff login and the admin console."""
    from .admin.answer_views import bp as answers_admin_bp
    from .agent.supervisor_views import bp as supervisor_bp
    from .agent.views import bp as agent_bp
    from .admin.faq_views import bp as faq_admin_bp
    from .admin.views import bp as admin_bp
    from .public.faq_views import bp as faq_bp
    from .public.inquiry_views import bp as inquiry_bp
    from .public.views import bp as public_bp

    app.register_blueprint(public_bp)
    app.register_blueprint(faq_bp)
    app.register_blueprint(inquiry_bp)
    app.register_blueprint(agent_bp)
    app.register_blueprint(supervisor_bp)
    app.register_blueprint(auth.bp)
    app.register_blueprint(admin_bp)
    app.register_blueprint(faq_admin_bp)
    app.register_blueprint(answers_admin_bp)
