"""Execute notebooks with nbclient: a failing cell fails (exit status 1).

    python tools/run_notebook.py NOTEBOOK...            # execute, outputs discarded
    python tools/run_notebook.py --write NOTEBOOK...    # execute and save the outputs in place

Each notebook runs in its own folder (so relative paths in it work), with a timeout per cell.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def run(path: Path, write: bool) -> bool:
    nb = nbformat.read(path, as_version=4)
    client = NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(path.parent)}})
    try:
        client.execute()
    except CellExecutionError as e:
        print(f"{path}: a cell failed:\n{e}", file=sys.stderr)
        return False
    code = [c for c in nb.cells if c.cell_type == "code"]
    errors = [o for c in code for o in c.get("outputs", []) if o.get("output_type") == "error"]
    if errors:
        print(f"{path}: {len(errors)} cells have error outputs", file=sys.stderr)
        return False
    if write:
        nbformat.write(nb, path)
    print(f"{path}: {len(code)} code cells ran")
    return True


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--write", action="store_true", help="save the executed notebook in place")
    parser.add_argument("notebooks", nargs="+", type=Path)
    args = parser.parse_args()
    ok = all([run(p, args.write) for p in args.notebooks])
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
