"""The rules stay pure: no Flask, no database, no reading the clock."""

import ast
from pathlib import Path

import fieldapp.rules

RULES = Path(fieldapp.rules.__file__).parent
FORBIDDEN_IMPORTS = (
    "flask",
    "sqlalchemy",
    "flask_sqlalchemy",
    "fieldapp.models",
    "fieldapp.extensions",
    "fieldapp.services",
)
CLOCK_CALLS = ("now", "utcnow", "today")


def modules():
    return sorted(RULES.glob("*.py"))


def test_every_required_module_exists():
    names = {p.stem for p in modules()}
    assert {
        "catalog",
        "calendar",
        "deadlines",
        "customers",
        "reasons",
        "messages",
        "lifecycle",
        "reminders",
        "state",
    } <= names


def test_no_flask_or_database_imports():
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom):
                names = [node.module or ""]
            else:
                continue
            for name in names:
                assert not name.startswith(FORBIDDEN_IMPORTS), f"{path.name} imports {name}"


def test_no_reading_of_the_clock():
    for path in modules():
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute):
                assert node.func.attr not in CLOCK_CALLS, f"{path.name} calls {node.func.attr}()"
