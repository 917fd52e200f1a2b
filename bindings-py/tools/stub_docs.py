"""Keep the docstrings of the stub (python/tiaokuai/_tiaokuai.pyi) equal to the native module's.

The native module's docstrings are the Rust doc comments (PyO3 copies them into ``__doc__``),
so the Rust source is the one place a docstring is written; editors read the stub. This tool
checks every public class, function, method and property of the stub against the installed
module, or rewrites the stub's docstrings from it:

    python tools/stub_docs.py           # check: exit 1 naming each docstring missing or different
    python tools/stub_docs.py --write   # rewrite the stub's docstrings (then run ruff format)

tests/test_stub_docs.py runs the check in pytest.
"""

from __future__ import annotations

import argparse
import ast
import importlib
import inspect
import sys
import textwrap
from dataclasses import dataclass
from pathlib import Path

STUB = Path(__file__).resolve().parent.parent / "python" / "tiaokuai" / "_tiaokuai.pyi"


@dataclass
class Target:
    """One documented name of the stub and the docstring its runtime object has."""

    qualname: str
    node: ast.ClassDef | ast.FunctionDef
    runtime: str | None


def _public(name: str) -> bool:
    return not name.startswith("_")


def targets(tree: ast.Module, module: object) -> list[Target]:
    """The public classes, functions, methods and properties of the stub, in stub order, with
    the cleaned ``__doc__`` of the runtime object (None when it has none or is missing)."""
    out: list[Target] = []

    def doc(obj: object) -> str | None:
        text = getattr(obj, "__doc__", None)
        return inspect.cleandoc(text) if text else None

    def visit(body: list[ast.stmt], owner: object, prefix: str) -> None:
        seen: set[str] = set()
        for node in body:
            if not isinstance(node, (ast.ClassDef, ast.FunctionDef)) or not _public(node.name):
                continue
            if node.name in seen:  # an overload after the first: the first carries the docstring
                continue
            seen.add(node.name)
            obj = getattr(owner, node.name, None)
            out.append(Target(prefix + node.name, node, doc(obj) if obj is not None else None))
            if isinstance(node, ast.ClassDef) and obj is not None:
                visit(node.body, obj, prefix + node.name + ".")

    visit(tree.body, module, "")
    return out


def check(stub: Path = STUB, module_name: str = "tiaokuai._tiaokuai") -> list[str]:
    """The problems found: one line per docstring missing in Rust, missing in the stub, or different."""
    module = importlib.import_module(module_name)
    problems = []
    for t in targets(ast.parse(stub.read_text(encoding="utf-8")), module):
        have = ast.get_docstring(t.node)
        if t.runtime is None:
            problems.append(f"{t.qualname}: no docstring at run time (write a Rust doc comment)")
        elif have is None:
            problems.append(f"{t.qualname}: no docstring in the stub")
        elif not _same(have, t.runtime):
            problems.append(f"{t.qualname}: the stub's docstring differs from the Rust doc comment")
    return problems


def _same(a: str | None, b: str | None) -> bool:
    """Equal up to line wrapping (the stub wraps lines longer than ruff allows)."""
    return a is not None and b is not None and a.split() == b.split()


def _render(doc: str, indent: str, width: int = 120) -> list[str]:
    if '"""' in doc or doc.endswith('"'):
        raise ValueError(f"cannot put this docstring in triple quotes: {doc[:60]!r}")
    prefix = "r" if "\\" in doc else ""
    lines: list[str] = []
    for line in doc.split("\n"):
        room = width - len(indent) - (len(prefix) + 3 if not lines else 0) - 3
        if len(line) <= room:
            lines.append(line)
        else:
            lines.extend(textwrap.wrap(line, room, break_long_words=False, break_on_hyphens=False))
    if len(lines) == 1:
        return [f'{indent}{prefix}"""{lines[0]}"""']
    body = [f"{indent}{line}" if line else "" for line in lines[1:]]
    return [f'{indent}{prefix}"""{lines[0]}', *body, f'{indent}"""']


def write(stub: Path = STUB, module_name: str = "tiaokuai._tiaokuai") -> int:
    """Rewrites the stub's docstrings from the runtime ones; returns how many changed."""
    module = importlib.import_module(module_name)
    text = stub.read_text(encoding="utf-8")
    lines = text.split("\n")
    edits: list[tuple[int, int, list[str]]] = []  # (first line, end line exclusive, new lines), 0-based
    for t in targets(ast.parse(text), module):
        if t.runtime is None or _same(ast.get_docstring(t.node), t.runtime):
            continue
        indent = " " * (t.node.col_offset + 4)
        new = _render(t.runtime, indent)
        first = t.node.body[0]
        is_doc = isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
        if is_doc and isinstance(first.value.value, str):  # type: ignore[attr-defined]
            edits.append((first.lineno - 1, first.end_lineno or first.lineno, new))
        elif is_doc and first.value.value is Ellipsis:  # type: ignore[attr-defined]
            # `def f() -> int: ...` or `class E(Base): ...`: the body is the `...` after the colon.
            row = first.lineno - 1
            line = lines[row]
            if line[first.col_offset : first.col_offset + 3] != "..." or line[first.col_offset + 3 :].strip():
                raise ValueError(f"{t.qualname}: cannot place a docstring on line {row + 1}")
            head = line[: first.col_offset].rstrip()
            if not head.strip():  # `...` alone on its line
                edits.append((row, row + 1, new))
            elif len(t.node.body) == 1 and head.endswith(":"):
                edits.append((row, row + 1, [head, *new]))
            else:
                raise ValueError(f"{t.qualname}: cannot place a docstring on line {row + 1}")
        else:  # a class whose body starts with members: the docstring goes first (above decorators)
            top = min([first.lineno] + [d.lineno for d in getattr(first, "decorator_list", [])])
            edits.append((top - 1, top - 1, new))
    for start, end, new in sorted(edits, key=lambda e: e[0], reverse=True):
        lines[start:end] = new
    stub.write_text("\n".join(lines), encoding="utf-8")
    return len(edits)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="rewrite the stub's docstrings from the module")
    args = parser.parse_args()
    if args.write:
        print(f"{STUB}: {write()} docstrings rewritten")
    problems = check()
    for p in problems:
        print(p, file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
