"""domain/ holds pure rules: it imports nothing from the web, the database or the LMS."""

import ast
from pathlib import Path

import lti_tool.domain

FORBIDDEN = ("flask", "sqlalchemy", "flask_sqlalchemy", "requests", "pylti1p3", "jwt", "authlib")


def _imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                names.add("." * node.level + (node.module or ""))
            else:
                names.add(node.module.split(".")[0])
    return names


def test_domain_modules_import_no_framework_database_or_lms_library():
    offenders = {}
    for path in Path(lti_tool.domain.__file__).parent.glob("*.py"):
        bad = {n for n in _imports(path) if n in FORBIDDEN or n.startswith("..")}
        if bad:
            offenders[path.name] = bad
    assert offenders == {}


def test_purity_check_catches_a_forbidden_import(tmp_path):
    module = tmp_path / "rule.py"
    module.write_text("from flask import g\nimport requests\nfrom ..models import Job\n")
    assert {"flask", "requests", "..models"} <= _imports(module)
