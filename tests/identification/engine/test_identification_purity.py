"""The engine is pure Python: no Django import anywhere in identification/engine/."""

from __future__ import annotations

import ast
import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import jisr.identification.engine as engine

ENGINE_DIR = Path(engine.__file__).parent


def engine_modules() -> list[str]:
    return [f"{engine.__name__}.{m.name}" for m in pkgutil.iter_modules([str(ENGINE_DIR)])]


def imported_names(source: str) -> set[str]:
    names: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
        elif isinstance(node, ast.Call) and getattr(node.func, "attr", getattr(node.func, "id", "")) in (
            "import_module", "__import__"
        ):
            names.update(a.value for a in node.args if isinstance(a, ast.Constant) and isinstance(a.value, str))
    return names


def test_no_module_imports_django() -> None:
    modules = engine_modules()
    assert len(modules) >= 9  # every module is inspected, not an empty list
    for name in modules:
        module = importlib.import_module(name)
        imports = imported_names(Path(module.__file__ or "").read_text(encoding="utf-8"))
        assert not {i for i in imports if i == "django" or i.startswith(("django.", "rest_framework"))}, name


def test_the_inspection_would_catch_a_django_import() -> None:
    assert "django.db" in imported_names("from django.db import models")
    assert "django" in imported_names("import django")
    assert "django.conf" in imported_names("importlib.import_module('django.conf')")


def test_importing_and_running_the_engine_loads_no_django() -> None:
    code = (
        "import sys, jisr.identification.engine as e, jisr.identification.engine.cli;"
        "e.evaluate_all({'age_at_act': 20, 'acts': ['recruitment'], 'means': [], 'purposes': [],"
        " 'profile': 'adult_labour', 'indicators': []});"
        "bad = sorted(m for m in sys.modules if m == 'django' or m.startswith('django.'));"
        "print(bad); sys.exit(1 if bad else 0)"
    )
    src = str(Path(engine.__file__).parents[3])
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, env={"PYTHONPATH": src}, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.strip() == "[]"
