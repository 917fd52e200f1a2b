"""Random, valid but messy models for the differential tests (built with `random.Random(seed)`).

A territory tree (city → districts → streets/towns → communities/villages → grids) with
jurisdiction over some of it, units of every common kind, and random `leads`, `dispatches`,
`guides`, `party_org_of`, `instructs` and `responsible` links — with cycles, dual leaders,
several primaries, gaps and duplicate links, which is what the queries must survive.
"""

from __future__ import annotations

import random
from typing import Any

UNIT_KINDS = [
    "party_committee",
    "party_working_committee",
    "party_branch",
    "party_general_branch",
    "joint_party_branch",
    "government",
    "department",
    "dispatched_agency",
    "residents_committee",
    "villagers_committee",
    "enterprise",
    "enterprise",
    "enterprise",
    "social_organization",
    "public_institution",
    "mass_organization",
    "joint_meeting",
]
SECTORS = ["party", "government", "public_institution", "state_owned", "private", "foreign", "social", None]
PARTY_KINDS = {
    "party_committee",
    "party_working_committee",
    "party_group",
    "party_general_branch",
    "party_branch",
    "joint_party_branch",
}


def random_model(seed: int, units: int = 40) -> dict[str, Any]:
    """A random model as a `tiaokuai/1` dict."""
    rng = random.Random(seed)
    territories: list[dict[str, Any]] = [{"id": "t0", "name": "市", "kind": "city"}]

    def add_territory(kind: str, parent: str) -> str:
        tid = f"t{len(territories)}"
        territories.append({"id": tid, "name": f"{kind} {tid}", "kind": kind, "parent": parent})
        return tid

    for _ in range(rng.randint(1, 2)):
        d = add_territory("district", "t0")
        for _ in range(rng.randint(1, 3)):
            s = add_territory(rng.choice(["street", "street", "town", "township", "zone"]), d)
            for _ in range(rng.randint(0, 3)):
                k = add_territory(rng.choice(["community", "community", "village"]), s)
                for _ in range(rng.randint(0, 2)):
                    add_territory(rng.choice(["grid", "grid", "building", "park"]), k)
    tids = [t["id"] for t in territories]

    unit_list: list[dict[str, Any]] = []
    for i in range(units):
        kind = rng.choice(UNIT_KINDS)
        u: dict[str, Any] = {"id": f"u{i}", "name": f"{kind} u{i}", "kind": kind}
        sector = "party" if kind in PARTY_KINDS else rng.choice(SECTORS)
        if sector is not None:
            u["sector"] = sector
        if rng.random() < 0.8:
            u["located_in"] = rng.choice(tids)
        if rng.random() < 0.6:
            u["members"] = rng.choice([0, 1, 2, 3, 4, 7, 60, 120])
        unit_list.append(u)
    uids = [u["id"] for u in unit_list]
    party = [u["id"] for u in unit_list if u["kind"] in PARTY_KINDS]
    plain = [u["id"] for u in unit_list if u["kind"] not in PARTY_KINDS]

    links: list[dict[str, Any]] = []
    for t in tids:  # jurisdiction, with gaps and doubles
        for _ in range(rng.choice([0, 0, 1, 1, 1, 2, 3])):
            links.append({"from": rng.choice(uids), "to": t, "kind": "jurisdiction"})
    for _ in range(units + units // 2):  # leadership, with cycles and dual leaders
        a, b = rng.sample(uids, 2)
        link: dict[str, Any] = {"from": a, "to": b, "kind": "leads"}
        r = rng.random()
        if r < 0.15:
            link["primary"] = True
        elif r < 0.2:
            link["primary"] = False
        links.append(link)
    departments = [u["id"] for u in unit_list if u["kind"] == "department"]
    for _ in range(units // 4):
        a, b = rng.sample(uids, 2)
        links.append({"from": a, "to": b, "kind": "guides"})
        if departments:  # a "dispatches" link starts from a department
            links.append({"from": rng.choice(departments), "to": b, "kind": "dispatches"})
    if party and plain:
        for _ in range(units // 2):
            links.append({"from": rng.choice(party), "to": rng.choice(plain), "kind": "party_org_of"})
        for _ in range(units // 8):
            links.append({"from": rng.choice(uids), "to": rng.choice(plain), "kind": "instructs"})

    matters = [
        {"id": f"m{i}", "name": f"matter m{i}", "list": rng.choice(["basic", "cooperating", "recalled"])}
        for i in range(3)
    ]
    for m in matters:
        for _ in range(rng.randint(0, 5)):
            link = {"from": rng.choice(uids), "to": m["id"], "kind": "responsible"}
            link["role"] = rng.choice(["lead", "lead", "cooperate", "supervise"])
            if rng.random() < 0.5:
                link["scope"] = rng.choice(tids)
            links.append(link)
    rng.shuffle(links)
    return {
        "format": "tiaokuai/1",
        "meta": {"name": f"random {seed}"},
        "territories": territories,
        "units": unit_list,
        "matters": matters,
        "items": [],
        "links": links,
    }
