"""Public pages: top page and notices."""

from flask import Blueprint, render_template

from .. import notices
from ..security import public

bp = Blueprint("public", __name__)


@bp.route("/")
@public
def index():
    """Top page with a banner for each active incident."""
    return render_template("public/index.html", incidents=notices.active_incidents())


@bp.route("/notices/")
@public
def notices_list():
    """All incidents with published reports."""
    return render_template("public/notices.html", incidents=notices.public_incidents())
