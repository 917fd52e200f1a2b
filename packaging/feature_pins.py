#!/usr/bin/env python3
"""Write a crate that gives the crate tarballs' throw-away workspace the repository's features.

    python3 packaging/feature_pins.py REPO_DIR TARBALL_WORKSPACE_DIR PINS_DIR [CARGO_FEATURES...]

`make dist` tests the crates from their tarballs in a workspace of their own (packaging/dist.sh),
with the repository's target directory. Cargo resolves features per workspace, and the
repository's other members turn on a few more features of shared dependencies (criterion
serde's `alloc`, pyo3 syn's `fold`, ...): in the tarballs' workspace those dependencies had
other features, so cargo compiled them and everything above them again (285-449 s of CI).

This script compares `cargo tree` of both workspaces and writes PINS_DIR, a crate with no
code whose only job is to ask for the repository's features of every dependency where the
two differ: as a normal dependency where the tarballs' build compiles it for the target, as a
build dependency where it compiles it for the host (proc macros, build scripts). It only ever
adds features a dependency already has in the repository's own build, so the tarballs are
tested against the same compiled dependencies as the repository; a dependency whose
repository features are not a superset is left alone (printed). When nothing differs the
crate is empty. Prints what it pinned.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

LINE = re.compile(r"^(\S+) v(\S+)(?: \(proc-macro\))?\|(.*?)(?: \(\*\))?$")


def tree(workspace: Path, edges: str, features: list[str]) -> dict[tuple[str, str], set[frozenset[str]]]:
    """Each registry package (name, version) of the workspace's graph: its feature sets."""
    cmd = [
        os.environ.get("CARGO", "cargo"),
        "tree",
        "--offline",
        "--workspace",
        "-e",
        edges,
        "-f",
        "{p}|{f}",
        "--prefix",
        "none",
        *features,
    ]
    out = subprocess.run(cmd, cwd=workspace, check=True, capture_output=True, text=True).stdout
    found: dict[tuple[str, str], set[frozenset[str]]] = {}
    for line in out.splitlines():
        m = LINE.match(line.strip())
        if not m:
            continue  # a workspace member ("name v0.1.0 (/path)") or a blank line
        feats = frozenset(f for f in m[3].split(",") if f)
        found.setdefault((m[1], m[2]), set()).add(feats)
    return found


def main() -> int:
    repo, tarballs, pins = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])
    features = sys.argv[4:]
    # Target units: the graph without build dependencies and without proc macros.
    target_edges, all_edges = "normal,dev,no-proc-macro", "normal,build,dev"
    try:
        repo_target, repo_all = tree(repo, target_edges, features), tree(repo, all_edges, features)
        tar_target, tar_all = tree(tarballs, target_edges, []), tree(tarballs, all_edges, [])
    except subprocess.CalledProcessError as e:
        # The pins only save compilation: without them the tarballs are tested all the same.
        # (`--offline`: a `make dist` before any `make test` may not have every dev-dependency.)
        why = next((x for x in e.stderr.splitlines() if x.startswith("error")), "see cargo tree")
        print(f"feature pins: none (cargo tree failed: {why})")
        repo_target = repo_all = tar_target = tar_all = {}

    normal: dict[tuple[str, str], frozenset[str]] = {}
    build: dict[tuple[str, str], frozenset[str]] = {}

    def want(pkg: tuple[str, str], have: frozenset[str], candidates: set[frozenset[str]], into: dict) -> None:
        if have in candidates:
            return
        supersets = sorted((c for c in candidates if c >= have), key=len)
        if supersets:
            into[pkg] = supersets[0]
        else:
            print(
                f"feature pins: {pkg[0]} {pkg[1]} has {sorted(have)} here, none of {sorted(map(sorted, candidates))} "
                "in the repository covers it: left alone"
            )

    for pkg, variants in tar_all.items():
        if pkg not in repo_all:
            continue  # another version or a dependency only the tarballs have: nothing to reuse
        t = next(iter(tar_target.get(pkg, ())), None)
        rt = next(iter(repo_target.get(pkg, ())), None)
        for have in variants:
            if have == t and rt is not None:
                want(pkg, have, {rt}, normal)
            else:
                host = repo_all[pkg] - ({rt} if rt is not None and len(repo_all[pkg]) > 1 else set())
                want(pkg, have, host, build)

    def deps(table: dict[tuple[str, str], frozenset[str]]) -> str:
        rows = []
        for (name, version), feats in sorted(table.items()):
            key = re.sub(r"\W", "_", f"{name}_{version}")
            fl = ", ".join(f'"{f}"' for f in sorted(feats) if f != "default")
            rows.append(
                f'{key} = {{ package = "{name}", version = "={version}", '
                f"default-features = {'true' if 'default' in feats else 'false'}, features = [{fl}] }}"
            )
        return "\n".join(rows)

    pins.mkdir(parents=True, exist_ok=True)
    (pins / "Cargo.toml").write_text(
        '[package]\nname = "dist-feature-pins"\nversion = "0.0.0"\nedition = "2021"\npublish = false\n\n'
        '[lib]\npath = "lib.rs"\n\n'
        f"[dependencies]\n{deps(normal)}\n\n[build-dependencies]\n{deps(build)}\n",
        encoding="utf-8",
    )
    (pins / "lib.rs").write_text(
        "//! Feature pins for the crate tarballs' test (packaging/feature_pins.py).\n", encoding="utf-8"
    )
    (pins / "build.rs").write_text("fn main() {}\n", encoding="utf-8")
    for kind, table in (("", normal), ("build ", build)):
        for (name, version), feats in sorted(table.items()):
            print(f"feature pins: {kind}{name} {version}: {', '.join(sorted(feats))}")
    return 0


if __name__ == "__main__":
    os.environ.setdefault("CARGO_TERM_COLOR", "never")
    sys.exit(main())
