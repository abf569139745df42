"""The area registry: core/ and audit/ import no area, and a new area needs no edit outside
its own package (issue 6 item 2)."""
from __future__ import annotations

import ast
import json
import os
import subprocess
import sys
from pathlib import Path

from config import DefaultConfig

PROJECT = Path(__file__).resolve().parents[2]


def _imports(path: Path) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


# The audit trail is shared infrastructure (core records and reads it: acting_as, export
# entries); it registers as an area only for its pages. Every other area is off limits.
INFRASTRUCTURE = {"alliance.audit"}


def _imported_areas(package: str) -> dict[str, set[str]]:
    areas = set(DefaultConfig.AREAS) - INFRASTRUCTURE - {f"alliance.{package}"}
    found = {}
    for path in sorted((PROJECT / "alliance" / package).rglob("*.py")):
        hits = {name for name in _imports(path)
                if any(name == a or name.startswith(f"{a}.") for a in areas)}
        if hits:
            found[str(path.relative_to(PROJECT))] = hits
    return found


def test_core_imports_no_area():
    assert _imported_areas("core") == {}


def test_audit_imports_no_area():
    assert _imported_areas("audit") == {}


TOY_APP = """
import json, sys
from alliance import create_app
from config import DefaultConfig
app = create_app("testing", {"SQLALCHEMY_DATABASE_URI": sys.argv[1],
                             "AREAS": DefaultConfig.AREAS + ("tests.core.toy_area",)})
from alliance.core.areas import registry
from alliance.audit.labels import record_types
from alliance.extensions import db
with app.app_context():
    db.create_all()  # a throwaway database of this subprocess: its own tables, the toy's too
    reg = registry()
    client = app.test_client()
    print(json.dumps({
        "areas": [a.name for a in reg.areas],
        "rules": sorted(r.rule for r in app.url_map.iter_rules() if r.endpoint.startswith("toy.")),
        "nav": [i.endpoint for i in reg.nav],
        "label": record_types().get("ToyNote"),
        "tables": "toy_notes" in db.metadata.tables,
        "anonymous": client.get("/toy").status_code,
    }))
"""


def test_a_toy_area_is_picked_up_from_its_package_alone(tmp_path):
    """The toy area (tests/core/toy_area: one model, one page) runs in a subprocess so that its
    table stays out of this process's metadata (the migration test compares it)."""
    result = subprocess.run([sys.executable, "-c", TOY_APP, f"sqlite:///{tmp_path / 't.db'}"],
                            cwd=PROJECT, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(PROJECT)})
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["areas"][-1] == "toy"
    assert seen["rules"] == ["/toy"]
    assert "toy.list_toys" in seen["nav"]
    assert seen["label"] == "玩具记录"
    assert seen["tables"] is True
    assert seen["anonymous"] == 302  # the page exists, behind roles_required
