"""The shape of the package, as README describes it: every module in its table, the library
free of click, and no module reaching for another's private names."""

from __future__ import annotations

import ast
import re

import pytest

from conftest import PROJECT

MODULES = sorted((PROJECT / "publisher").glob("*.py"))


def test_the_readme_lists_every_module_and_no_other():
    listed = re.findall(r"^\| `publisher/([a-z_]+\.py)` \|", (PROJECT / "README.md").read_text(),
                        re.MULTILINE)
    assert sorted(listed) == sorted(module.name for module in MODULES)


@pytest.mark.parametrize("module", MODULES, ids=[module.name for module in MODULES])
def test_only_the_command_line_imports_click(module):
    tree = ast.parse(module.read_text())
    imported = {alias.name.split(".")[0] for node in ast.walk(tree)
                if isinstance(node, ast.Import) for alias in node.names}
    imported |= {(node.module or "").split(".")[0] for node in ast.walk(tree)
                 if isinstance(node, ast.ImportFrom)}
    assert ("click" in imported) == (module.name == "cli.py")


@pytest.mark.parametrize("module", MODULES, ids=[module.name for module in MODULES])
def test_no_module_imports_another_modules_private_name(module):
    tree = ast.parse(module.read_text())
    private = [f"{node.module}.{alias.name}" for node in ast.walk(tree)
               if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("publisher")
               for alias in node.names
               if alias.name.startswith("_") and not alias.name.startswith("__")]
    assert not private
