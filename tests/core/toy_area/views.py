from flask_login import current_user
from sqlalchemy import select

from alliance.core.permissions import roles_required, scoped
from alliance.extensions import db
from tests.core.toy_area import bp
from tests.core.toy_area.models import ToyNote


@bp.route("/toy")
@roles_required()
def list_toys():
    notes = db.session.scalars(scoped(select(ToyNote), ToyNote, current_user)).all()
    return {"notes": [n.text for n in notes]}
