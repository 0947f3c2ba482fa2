"""The house in layers (issue 19): the tree shows the stages and a lower stage never imports a higher one.

The layers contract lives in pyproject.toml ([tool.importlinter]); import-linter checks it on the real import graph
(function-level imports included). The other checks keep the tree readable: few modules directly under formcheck/,
and no module so long that it hides more than one idea unless its docstring says why.
"""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PKG = ROOT / "formcheck"
MAX_LINES = 400


def test_the_layers_contract_holds():
    exe = shutil.which("lint-imports") or str(Path(sys.executable).with_name("lint-imports"))
    if not Path(exe).exists():
        pytest.fail("import-linter is not installed: pip install '.[test]'")
    done = subprocess.run([exe, "--no-cache", "--no-logo"], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout[-3000:] + done.stderr[-2000:]
    assert "1 kept, 0 broken" in done.stdout


def test_at_most_eight_modules_directly_under_the_package():
    modules = sorted(p.name for p in PKG.glob("*.py"))
    assert len(modules) <= 8, modules


def test_every_package_says_what_comes_in_and_what_goes_out():
    for init in sorted(PKG.glob("*/__init__.py")):
        doc = ast.get_docstring(ast.parse(init.read_text()))
        assert doc and len(doc) > 40, f"{init.relative_to(ROOT)} has no docstring saying what the stage does"


def test_long_modules_say_why_in_their_docstring():
    """A module over ~400 lines says in its docstring why it is one module ("Long because ...")."""
    long = []
    for path in sorted(PKG.rglob("*.py")):
        lines = len(path.read_text().splitlines())
        if lines > MAX_LINES:
            doc = ast.get_docstring(ast.parse(path.read_text())) or ""
            if "long because" not in doc.lower():
                long.append(f"{path.relative_to(ROOT)}: {lines} lines")
    assert not long, long
