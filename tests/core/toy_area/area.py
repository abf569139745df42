"""Everything the toy area brings, declared here only: no edit outside this package."""
import os
from datetime import timedelta

from flask import Flask

from alliance.core.areas import Area, Job, NavItem
from alliance.extensions import db


def _init_app(app: Flask) -> None:
    from tests.core.toy_area import bp, views  # noqa: F401

    app.register_blueprint(bp)


def tick() -> str:
    """Appends "<slot> <pid>" to $TOY_JOB_LOG: the scheduler test counts the runs."""
    from alliance.core.scheduler import JobLease

    slot = db.session.get(JobLease, "toy_tick").last_slot
    with open(os.environ["TOY_JOB_LOG"], "a") as log:
        log.write(f"{slot} {os.getpid()}\n")
    db.session.commit()
    return "ok"


AREA = Area(
    name="toy",
    label="玩具",
    init_app=_init_app,
    models=("tests.core.toy_area.models",),
    nav=(NavItem("玩具", "toy.list_toys", order=90),),
    record_types={"ToyNote": "玩具记录"},
    jobs={"toy_tick": Job(tick, timedelta(seconds=1))},
)
