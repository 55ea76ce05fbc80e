"""The structure holds by more than convention: no project module imports another from
inside a function (where import-linter's layers still see it, but a reader does not), so
every dependency is at the top of its module and the layers in pyproject.toml say the rest.

The only exceptions are the places Django itself defers to: `AppConfig.ready()`, which
connects the signals of the layers below once models are loaded, and data migrations, which
run against historical models.
"""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
APPS = (
    *("config", "api", "web", "demo", "privacy", "safety", "workers", "matching"),
    *("notifications", "volunteers", "donations", "housing", "lifecycle", "accounts", "geo"),
    "base",
)


def _project_module(node: ast.Import | ast.ImportFrom) -> str | None:
    names = (
        [node.module or ""] if isinstance(node, ast.ImportFrom) else [a.name for a in node.names]
    )
    for name in names:
        if name.split(".")[0] in APPS:
            return name
    return None


def function_level_imports(source: str, name: str) -> list[str]:
    """`name:line module` for every project import inside a function of the source, except
    in an AppConfig's ready()."""
    found = []
    for function in ast.walk(ast.parse(source, filename=name)):
        if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
            continue
        if function.name == "ready" and name.endswith("apps.py"):
            continue
        for node in ast.walk(function):
            if isinstance(node, ast.Import | ast.ImportFrom):
                module = _project_module(node)
                if module:
                    found.append(f"{name}:{node.lineno} {module}")
    return found


def project_files() -> list[Path]:
    return [
        path
        for app in APPS
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    ]


def test_no_project_module_is_imported_inside_a_function():
    found = [
        line
        for path in project_files()
        for line in function_level_imports(path.read_text(), str(path.relative_to(ROOT)))
    ]
    assert found == []


def test_the_check_sees_an_import_inside_a_function_but_not_in_ready():
    late = "def late():\n    import os\n    from matching import services\n"
    assert function_level_imports(late, "lifecycle/models.py") == ["lifecycle/models.py:3 matching"]
    ready = "class C:\n    def ready(self):\n        from matching import receivers\n"
    assert function_level_imports(ready, "matching/apps.py") == []
    assert function_level_imports(ready, "matching/views.py") == ["matching/views.py:3 matching"]
