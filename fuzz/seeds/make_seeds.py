#!/usr/bin/env python3
"""Writes the committed seed corpus fuzz/corpus/<target>/ from the repository's
own test data: the scenario files, a cut of the Baoshan sample, a snippet of
the NBS division tables and the audit config examples of docs/rules.md.

Run from anywhere: python3 fuzz/seeds/make_seeds.py (it replaces the seeds)."""

import csv
import io
import json
import shutil
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "fuzz" / "corpus"
SEP = b"\xff"  # the part separator of the load_csv and divisions targets

COLUMNS = {
    "territories": ["id", "name", "kind", "parent", "since", "until", "attrs"],
    "units": [
        "id",
        "name",
        "kind",
        "sector",
        "located_in",
        "members",
        "staff",
        "in_service_members",
        "since",
        "until",
        "attrs",
    ],
    "matters": ["id", "name", "list", "category", "since", "until", "attrs"],
    "items": ["id", "name", "list", "since", "until", "attrs"],
    "links": [
        "from",
        "to",
        "kind",
        "primary",
        "power",
        "role",
        "scope",
        "members",
        "since",
        "until",
        "attrs",
    ],
}


def write(target, name, data):
    d = OUT / target
    d.mkdir(parents=True, exist_ok=True)
    (d / name).write_bytes(data if isinstance(data, bytes) else data.encode())


def cut_baoshan(n_units=16):
    """A connected slice of the sample: two townships and what hangs off them."""
    model = json.loads((ROOT / "data/samples/baoshan.json").read_text(encoding="utf-8"))
    terrs = model["territories"]
    keep = {t["id"] for t in terrs if "parent" not in t}
    towns = [t["id"] for t in terrs if t.get("parent") in keep][:2]
    keep |= set(towns)
    keep |= {t["id"] for t in terrs if t.get("parent") in towns}
    out = {"format": model["format"], "meta": model.get("meta", {})}
    out["territories"] = [t for t in terrs if t["id"] in keep]
    units = [u for u in model["units"] if u.get("located_in", next(iter(keep))) in keep]
    out["units"] = units[:n_units]
    out["matters"] = model.get("matters", [])[:4]
    out["items"] = model.get("items", [])[:4]
    ids = (
        keep
        | {u["id"] for u in out["units"]}
        | {m["id"] for m in out["matters"]}
        | {i["id"] for i in out["items"]}
    )
    out["links"] = [
        l
        for l in model["links"]
        if l["from"] in ids and l["to"] in ids and l.get("scope", l["from"]) in ids
    ]
    return out


def to_csv_bundle(model):
    parts = []
    for table, cols in COLUMNS.items():
        rows = model.get(table, [])
        if not rows:
            parts.append(b"")
            continue
        buf = io.StringIO()
        w = csv.writer(buf, lineterminator="\n")
        w.writerow(cols)
        for r in rows:
            cells = []
            for c in cols:
                v = r.get(c)
                if v is None:
                    cells.append("")
                elif c == "attrs":
                    cells.append(json.dumps(v, ensure_ascii=False))
                elif isinstance(v, bool):
                    cells.append("true" if v else "false")
                else:
                    cells.append(str(v))
            w.writerow(cells)
        parts.append(buf.getvalue().encode())
    parts.append(
        json.dumps(model["meta"], ensure_ascii=False).encode()
        if model.get("meta")
        else b""
    )
    while parts and not parts[-1]:
        parts.pop()
    return SEP.join(parts)


def change_seeds():
    """change_apply: a model, 0xFF, a change set (no 0xFF: a change set for the sample)."""
    cut = json.dumps(cut_baoshan(), ensure_ascii=False, indent=1).encode()
    for f in sorted((ROOT / "tests/changes").glob("*.json")):
        write("change_apply", f.name, f.read_bytes())
    terr = cut_baoshan()["territories"][-1]["id"]
    met = dict(cut_baoshan())
    met["meetings"] = [
        {"id": "m1", "kind": "hearing", "territory": terr, "date": "2023-03-02"}
    ]
    changes = {
        "cut-add-meeting": (
            cut,
            {
                "add": {
                    "meetings": [
                        {"id": "m9", "kind": "evaluation", "territory": terr, "date": "2024"}
                    ]
                }
            },
        ),
        "meetings-update-remove": (
            json.dumps(met, ensure_ascii=False).encode(),
            {
                "update": [{"id": "m1", "set": {"date": "2023-04", "topics": []}}],
                "remove": [{"id": "m1"}],
            },
        ),
        "cut-end-remove": (
            cut,
            {"end": [{"id": terr, "on": "2020-05-31"}], "remove": [{"id": terr}]},
        ),
    }
    for name, (model, change) in changes.items():
        change = {"format": "tiaokuai-change/1", **change}
        write("change_apply", f"{name}.bin", model + SEP + json.dumps(change).encode())


def image_seeds(models):
    """load_image: each model's image whole (mode byte 0) and its content alone (mode 1, which
    the target seals), made by the command line (TIAOKUAI_BIN, else target/release or
    target/debug's tiaokuai, else cargo run)."""
    import os
    import subprocess
    import tempfile

    built = [ROOT / "target" / p / "tiaokuai" for p in ("release", "debug")]
    cli = [os.environ["TIAOKUAI_BIN"]] if os.environ.get("TIAOKUAI_BIN") else None
    cli = cli or next(([str(b)] for b in built if b.exists()), None)
    cli = cli or ["cargo", "run", "-q", "-p", "tiaokuai-cli", "--"]
    with tempfile.TemporaryDirectory() as tmp:
        for name, m in models.items():
            src, out = Path(tmp) / f"{name}.json", Path(tmp) / f"{name}.tkz"
            src.write_text(json.dumps(m, ensure_ascii=False), encoding="utf-8")
            subprocess.run([*cli, "convert", str(src), "--to", "image", "-o", str(out)], check=True, cwd=ROOT)
            image = out.read_bytes()
            write("load_image", f"{name}.bin", b"\x00" + image)
            write("load_image", f"{name}-content.bin", b"\x01" + image[32:-24])


def main():
    shutil.rmtree(OUT, ignore_errors=True)
    change_seeds()
    models = {}
    for f in sorted((ROOT / "tests/scenarios").glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        if "model" in doc:
            write("scenario", f.name, f.read_bytes())
            models[f.stem] = doc["model"]
    models["baoshan-cut"] = cut_baoshan()
    models["empty"] = {"format": "tiaokuai/1"}
    for name, m in models.items():
        text = json.dumps(m, ensure_ascii=False, indent=1)
        for target in ("load_json", "load_query", "output_linear"):
            write(target, f"{name}.json", text)
        # The first byte: parts of 1 byte on one thread, of 31 on two.
        write("load_json_streamed", f"{name}-1.bin", b"\x00" + text.encode())
        write("load_json_streamed", f"{name}-31.bin", b"\x1f" + text.encode())
        write("load_csv", f"{name}.bin", to_csv_bundle(m))
    image_seeds(models)

    div = ROOT / "data/divisions"

    def head(name, start):
        """The header and the rows of a division table whose line starts with `start`."""
        lines = (div / name).read_text(encoding="utf-8").splitlines()
        return (
            "\n".join([lines[0]] + [row for row in lines[1:] if row.startswith(start)])
            + "\n"
        )

    for prefix, codes in (
        ("31", ("31", "3101", "310113")),
        ("11", ("11", "1101", "110101")),
        ("13", ("13", "1301", "130102")),
    ):
        tables = [
            head("provinces.csv", codes[0] + ","),
            head("cities.csv", codes[1] + ","),
            head("areas.csv", codes[2] + ","),
            head("streets.csv", codes[2]),
        ]
        write(
            "divisions",
            f"{prefix}.bin",
            SEP.join([t.encode() for t in tables] + [codes[2].encode()]),
        )
    write("divisions", "prefix-only.bin", SEP * 4 + b"310113")

    rules = (ROOT / "docs/rules.md").read_text(encoding="utf-8")
    for lang in ("toml", "json"):
        after = rules.index("[thresholds]")  # the example config, in both languages
        start = (
            rules.index(f"```{lang}\n", rules.rindex("```", 0, after) - 8)
            + len(lang)
            + 4
        )
        write(
            "audit_config", f"rules-md.{lang}", rules[start : rules.index("```", start)]
        )
    write(
        "audit_config",
        "off.toml",
        '[rules]\nC003 = false\nS002 = { severity = "warning" }\n',
    )
    write(
        "audit_config",
        "thresholds.json",
        '{"thresholds": {"branch_max_members": 30}, "profiles": {"shanghai": false}}',
    )
    for f in sorted((ROOT / "tests/scenarios").glob("*.json")):
        doc = json.loads(f.read_text(encoding="utf-8"))
        if "config" in doc:
            write(
                "audit_config",
                f"{f.stem}.json",
                json.dumps(doc["config"], ensure_ascii=False),
            )

    # strict_inputs: the one strict JSON reader (issue #20) -- duplicate keys at every
    # level, a byte-order mark, counts as written, exact numbers, an inline model.
    strict = {
        "bom-config.json": b'\xef\xbb\xbf{"rules": {"C003": "off"}}',
        "config.json": b'{"rules": {"C003": "off"}, "thresholds": {"min_members_for_org": 3}, "profiles": {"shanghai": true}}',
        "count-1e400.json": b'{"thresholds": {"branch_max_members": 1e400}}',
        "dup-attrs.json": b'{"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise", "attrs": {"big": 1e400, "k": {"x": 1, "x": 2}}}]}',
        "dup-config.json": b'{"rules": {"C003": "off", "C003": "on"}}',
        "dup-escaped.json": b'{"x": 1, "\\u0078": 2}',
        "dup-inline-model.json": b'{"model": {"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise", "members": -1, "members": 3}]}}',
        "dup-nested.json": b'{"rules": {"S002": {"severity": "info", "severity": "error"}}}',
        "dup-scenario.json": b'{"name": "a", "name": "b", "model": {"format": "tiaokuai/1"}}',
        "model-exact.json": b'{"format": "tiaokuai/1", "meta": {"n": 123456789012345678901234567890}}',
    }
    for name, data in strict.items():
        write("strict_inputs", name, data)

    for name, m in adversarial_shapes().items():
        write("output_linear", f"{name}.json", json.dumps(m, ensure_ascii=False))

    # case_log: the logs of tests/cases (events as CSV and JSON Lines, the per-case
    # shorthand) and the shapes a real export breaks in.
    for f in ("log.csv", "log.jsonl", "per-case.csv"):
        write("case_log", f, (ROOT / "tests/cases" / f).read_bytes())
    head = "case,at,event,matter,territory,unit,source,satisfaction\n"
    write("case_log", "truncated.csv", head + "A1,2024-03-01T09:00,reported,drain,g1,,hotline,\nA1,2024-03-0")
    write("case_log", "out-of-order.csv", head + "A1,2024-03-02,closed,,,,,5\nA1,2024-03-01,reported,drain,g1,,,\n")
    write("case_log", "bom-offset.csv", "\ufeff" + head + "A1,2024-03-01T09:00:00-05:00,reported,drain,g1,,,\n")
    write("case_log", "bad.jsonl", '{"case": "A1", "at": "2024-13-01", "event": "reported"}\n{"case": \n')


PLACES = [
    {"id": "city", "name": "C", "kind": "city"},
    {"id": "d", "name": "D", "kind": "district", "parent": "city"},
    {"id": "s", "name": "S", "kind": "street", "parent": "d"},
    {"id": "c", "name": "Q", "kind": "community", "parent": "s"},
]


def adversarial_shapes(n=400):
    """Versions of the shapes whose output used to grow with the square of their
    size (tests/bounds.rs): a long chain of community Party organisations, the same
    closed into a cycle, a unit with many leaders, many leads under one chain, a street
    held by many units with many stationed agencies, a joint branch over every unit.
    At 400 units the old output broke the fuzz target's bound (C = 256) several times over."""

    def model(units, links, matters=()):
        return {
            "format": "tiaokuai/1",
            "territories": PLACES,
            "units": units,
            "matters": list(matters),
            "links": links,
        }

    chain_units = [
        {"id": f"c{i}", "name": f"B{i}", "kind": "party_branch", "located_in": "c"} for i in range(n)
    ]
    chain_links = [{"from": f"c{i + 1}", "to": f"c{i}", "kind": "leads"} for i in range(n - 1)]
    cycle_links = chain_links + [{"from": "c0", "to": f"c{n - 1}", "kind": "leads"}]
    fan_units = [{"id": "led", "name": "L", "kind": "party_branch", "located_in": "c"}] + [
        {"id": f"l{i}", "name": f"P{i}", "kind": "party_committee"} for i in range(n)
    ]
    fan_links = [{"from": f"l{i}", "to": "led", "kind": "leads"} for i in range(n)]
    lead_units = [{"id": f"t{i}", "name": f"T{i}", "kind": "party_committee"} for i in range(n)] + [
        {"id": f"g{i}", "name": f"G{i}", "kind": "department"} for i in range(n)
    ]
    lead_links = (
        [{"from": f"t{i}", "to": f"t{i - 1}", "kind": "leads"} for i in range(1, n)]
        + [{"from": "t0", "to": f"g{i}", "kind": "leads"} for i in range(n)]
        + [{"from": f"g{i}", "to": "m", "kind": "responsible", "role": "lead", "scope": "s"} for i in range(n)]
    )
    street_units = [{"id": f"v{i}", "name": f"V{i}", "kind": "government"} for i in range(n)] + [
        {"id": f"a{i}", "name": f"A{i}", "kind": "dispatched_agency", "located_in": "s"} for i in range(n)
    ]
    street_links = [{"from": f"v{i}", "to": "s", "kind": "jurisdiction"} for i in range(n)]
    joint_units = [{"id": "jb", "name": "J", "kind": "joint_party_branch", "located_in": "c"}] + [
        {"id": f"e{i}", "name": f"E{i}", "kind": "enterprise", "sector": "private", "located_in": "c", "members": 2}
        for i in range(n)
    ]
    joint_links = [{"from": "jb", "to": f"e{i}", "kind": "party_org_of"} for i in range(n)]
    return {
        "long-chain": model(chain_units, chain_links),
        "big-cycle": model(chain_units, cycle_links),
        "fan-in": model(fan_units, fan_links),
        "many-leads": model(lead_units, lead_links, [{"id": "m", "name": "M", "list": "cooperating"}]),
        "crowded-street": model(street_units, street_links),
        "joint-everything": model(joint_units, joint_links),
    }


if __name__ == "__main__":
    main()
