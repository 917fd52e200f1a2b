"""The stub's docstrings are the Rust doc comments (tools/stub_docs.py): every public class,
function, method and property of the stub has one, equal (up to line wrapping) to ``__doc__``."""

from __future__ import annotations

import ast
import importlib.util
import sys
from pathlib import Path
from types import ModuleType

import pytest

import tiaokuai

TOOL = Path(__file__).resolve().parents[1] / "tools" / "stub_docs.py"


@pytest.fixture(scope="module")
def stub_docs() -> ModuleType:
    spec = importlib.util.spec_from_file_location("stub_docs", TOOL)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # for its dataclass
    spec.loader.exec_module(module)
    return module


def test_stub_docstrings_match_the_rust_doc_comments(stub_docs: ModuleType) -> None:
    assert stub_docs.check() == []


def test_every_public_function_is_covered(stub_docs: ModuleType) -> None:
    tree = ast.parse(stub_docs.STUB.read_text(encoding="utf-8"))
    names = {t.qualname for t in stub_docs.targets(tree, tiaokuai._tiaokuai)}
    for name in ("load", "generate", "Model.chain", "Model.units", "Report.plot", "Chain.plot", "Unit.sector"):
        assert name in names
    # and each has its runtime docstring in the stub
    assert len(names) > 150


def test_check_finds_a_drifted_or_missing_docstring(stub_docs: ModuleType, tmp_path: Path) -> None:
    text = stub_docs.STUB.read_text(encoding="utf-8")
    drifted = tmp_path / "drifted.pyi"
    drifted.write_text(text.replace('"""The embedded sample model', '"""An old sample model', 1), encoding="utf-8")
    problems = stub_docs.check(drifted)
    assert len(problems) == 1 and problems[0].endswith("sample: the stub's docstring differs from the Rust doc comment")
    missing = tmp_path / "missing.pyi"
    missing.write_text(
        text.replace("def rules() -> list[RuleDict]:", "def rules() -> list[RuleDict]: ...\ndef _x():", 1)
    )
    assert "def _x():" in missing.read_text()
    assert "rules: no docstring in the stub" in stub_docs.check(missing)


def test_write_restores_the_docstrings(stub_docs: ModuleType, tmp_path: Path) -> None:
    tree = ast.parse(stub_docs.STUB.read_text(encoding="utf-8"))
    # strip every docstring: the stub as it was before the tool
    for node in ast.walk(tree):
        if isinstance(node, (ast.ClassDef, ast.FunctionDef)) and ast.get_docstring(node) is not None:
            node.body = node.body[1:] or [ast.Expr(ast.Constant(...))]
    bare = tmp_path / "bare.pyi"
    bare.write_text(ast.unparse(tree), encoding="utf-8")
    assert len(stub_docs.check(bare)) > 150
    assert stub_docs.write(bare) > 150
    assert stub_docs.check(bare) == []
    ast.parse(bare.read_text(encoding="utf-8"))  # still valid Python
