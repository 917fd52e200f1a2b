"""Bad input: every core error kind raises its own class, carrying record, field and id;
nothing crashes the interpreter."""

from __future__ import annotations

import copy
import json
import math
import re
from pathlib import Path
from typing import Any, Callable

import pytest

import tiaokuai
from tiaokuai import Model

from .conftest import ROOT, TINY

KINDS = {
    "syntax": (tiaokuai.JsonSyntaxError, ValueError),
    "format": (tiaokuai.FormatError, ValueError),
    "invalid_field": (tiaokuai.InvalidFieldError, ValueError),
    "invalid_count": (tiaokuai.InvalidCountError, ValueError),
    "unknown_word": (tiaokuai.UnknownWordError, ValueError),
    "duplicate_id": (tiaokuai.DuplicateIdError, ValueError),
    "dangling_reference": (tiaokuai.DanglingReferenceError, ValueError),
    "wrong_endpoint": (tiaokuai.WrongEndpointError, ValueError),
    "territory_cycle": (tiaokuai.TerritoryCycleError, ValueError),
    "too_large": (tiaokuai.TooLargeError, ValueError),
    "io": (tiaokuai.IoError, OSError),
    "changed": (tiaokuai.ChangedError, OSError),
    "image": (tiaokuai.ImageError, ValueError),
    "csv": (tiaokuai.CsvError, ValueError),
    "unknown_id": (tiaokuai.UnknownIdError, KeyError),
    "wrong_record_type": (tiaokuai.WrongRecordTypeError, ValueError),
    "invalid": (tiaokuai.InvalidInputError, ValueError),
}


@pytest.mark.parametrize("kind", sorted(KINDS))
def test_class_hierarchy(kind: str) -> None:
    cls, builtin = KINDS[kind]
    assert issubclass(cls, tiaokuai.TiaokuaiError)
    assert issubclass(cls, builtin)
    assert issubclass(tiaokuai.TiaokuaiError, Exception)
    assert cls.kind == kind
    assert cls.__module__ == "tiaokuai"
    assert cls.__doc__


def tweak(change: Callable[[dict[str, Any]], None]) -> dict[str, Any]:
    doc = copy.deepcopy(TINY)
    change(doc)
    return doc


def set_unit(field: str, value: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["units"][-1].__setitem__(field, value)


def add_link(**link: Any) -> Callable[[dict[str, Any]], None]:
    return lambda d: d["links"].append({"from": link.pop("source"), **link})


# (name, document, class, record, field, id, message fragment)
CATALOGUE: list[tuple[str, dict[str, Any], type[tiaokuai.TiaokuaiError], Any, Any, Any, str]] = [
    (
        "no format",
        tweak(lambda d: d.pop("format")),
        tiaokuai.FormatError,
        None,
        "format",
        None,
        'missing "format"',
    ),
    (
        "unknown version",
        tweak(lambda d: d.__setitem__("format", "tiaokuai/9")),
        tiaokuai.FormatError,
        None,
        "format",
        None,
        '"tiaokuai/9"',
    ),
    (
        "negative count",
        tweak(set_unit("members", -1)),
        tiaokuai.InvalidCountError,
        'units[7] (id "acme")',
        "members",
        "acme",
        "must not be negative",
    ),
    (
        "fractional count",
        tweak(set_unit("members", 2.5)),
        tiaokuai.InvalidCountError,
        'units[7] (id "acme")',
        "members",
        "acme",
        "2.5",
    ),
    (
        "count too large",
        tweak(set_unit("staff", 10**30)),
        tiaokuai.InvalidCountError,
        'units[7] (id "acme")',
        "staff",
        "acme",
        "",
    ),
    (
        "count as text",
        tweak(set_unit("members", "four")),
        tiaokuai.InvalidCountError,
        'units[7] (id "acme")',
        "members",
        "acme",
        "",
    ),
    (
        "unknown kind",
        tweak(set_unit("kind", "company")),
        tiaokuai.UnknownWordError,
        'units[7] (id "acme")',
        "kind",
        "acme",
        '"company"',
    ),
    (
        "unknown sector",
        tweak(set_unit("sector", "public")),
        tiaokuai.UnknownWordError,
        'units[7] (id "acme")',
        "sector",
        "acme",
        "public",
    ),
    (
        "name of the wrong type",
        tweak(set_unit("name", 5)),
        tiaokuai.InvalidFieldError,
        'units[7] (id "acme")',
        "name",
        "acme",
        "",
    ),
    (
        "bad date",
        tweak(set_unit("since", "2024-02-30")),
        tiaokuai.InvalidFieldError,
        'units[7] (id "acme")',
        "since",
        "acme",
        "2024-02-30",
    ),
    (
        "attrs not an object",
        tweak(set_unit("attrs", [1, 2])),
        tiaokuai.InvalidFieldError,
        'units[7] (id "acme")',
        "attrs",
        "acme",
        "",
    ),
    (
        "duplicate id",
        tweak(lambda d: d["items"].append({"id": "acme", "name": "again", "list": "need"})),
        tiaokuai.DuplicateIdError,
        'items[1] (id "acme")',
        "id",
        "acme",
        "duplicate id",
    ),
    (
        "dangling link end",
        tweak(add_link(source="gw", to="ghost", kind="leads")),
        tiaokuai.DanglingReferenceError,
        'links[14] (from "gw")',
        "to",
        "ghost",
        "does not exist",
    ),
    (
        "dangling located_in",
        tweak(set_unit("located_in", "atlantis")),
        tiaokuai.DanglingReferenceError,
        'units[7] (id "acme")',
        "located_in",
        "atlantis",
        "",
    ),
    (
        "jurisdiction to a unit",
        tweak(add_link(source="gw", to="acme", kind="jurisdiction")),
        tiaokuai.WrongEndpointError,
        'links[14] (from "gw")',
        "to",
        "acme",
        "territory",
    ),
    (
        "parent cycle",
        tweak(lambda d: d["territories"][0].__setitem__("parent", "g")),
        tiaokuai.TerritoryCycleError,
        None,
        "parent",
        None,
        "loops",
    ),
    (
        "unknown link kind",
        tweak(add_link(source="gw", to="kp", kind="commands")),
        tiaokuai.UnknownWordError,
        'links[14] (from "gw")',
        "kind",
        "gw",
        "commands",
    ),
    (
        "unknown power",
        tweak(add_link(source="gw", to="agency", kind="power", power="veto")),
        tiaokuai.UnknownWordError,
        'links[14] (from "gw")',
        "power",
        "gw",
        "veto",
    ),
]


@pytest.mark.parametrize(
    ("doc", "cls", "record", "field", "id", "fragment"), [c[1:] for c in CATALOGUE], ids=[c[0] for c in CATALOGUE]
)
def test_bad_model_catalogue(
    doc: dict[str, Any], cls: type[tiaokuai.TiaokuaiError], record: Any, field: Any, id: Any, fragment: str
) -> None:
    for load in (Model.from_dict, lambda d: Model.from_json(json.dumps(d))):
        with pytest.raises(cls) as e:
            load(doc)
        err = e.value
        assert type(err) is cls
        assert fragment in str(err)
        assert err.field == field
        if record is not None:
            assert err.record == record
            assert str(err).startswith(record)
        if id is not None:
            assert err.id == id
        assert err.kind == cls.kind


def test_territory_cycle_names_the_record() -> None:
    doc = tweak(lambda d: d["territories"][0].__setitem__("parent", "g"))
    with pytest.raises(tiaokuai.TerritoryCycleError) as e:
        Model.from_dict(doc)
    assert e.value.record is not None and e.value.record.startswith("territories[")
    assert e.value.id in {"c", "d", "s", "k", "g"}


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "{",
        '{"format": "tiaokuai/1",}',
        '{"format": "tiaokuai/1"} trailing',
        "\ud800".encode("utf-8", "surrogatepass"),
    ],
    ids=["empty", "blank", "unclosed", "trailing comma", "trailing text", "lone surrogate bytes"],
)
def test_malformed_json(text: str | bytes) -> None:
    with pytest.raises(tiaokuai.JsonSyntaxError) as e:
        Model.from_json(text)
    assert e.value.line is not None and e.value.line >= 1
    assert e.value.column is not None


def test_invalid_utf8_bytes() -> None:
    with pytest.raises(tiaokuai.JsonSyntaxError, match="UTF-8"):
        Model.from_json(b'{"format": "tiaokuai/1", "meta": {"name": "\xff"}}')


def test_a_document_that_is_not_an_object() -> None:
    with pytest.raises(tiaokuai.InvalidInputError, match="JSON object"):
        Model.from_json("[1, 2]")
    with pytest.raises(tiaokuai.InvalidInputError):
        Model.from_dict([1, 2])


def test_too_large() -> None:
    text = json.dumps(TINY)
    with pytest.raises(tiaokuai.TooLargeError, match="limit of 100 bytes"):
        Model.from_json(text, max_bytes=100)
    with pytest.raises(tiaokuai.TooLargeError):
        Model.from_dict(TINY, max_bytes=100)
    assert len(Model.from_json(text, max_bytes=len(text.encode()))) == len(Model.from_dict(TINY))


def test_io_errors(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    with pytest.raises(tiaokuai.IoError) as e:
        tiaokuai.load(missing)
    assert isinstance(e.value, OSError)
    assert e.value.filename == str(missing)
    assert str(missing) in str(e.value)
    with pytest.raises(FileNotFoundError):  # not a TiaokuaiError: Python's own, for contrast
        open(missing)
    big = tmp_path / "big.json"
    big.write_text(json.dumps(TINY))
    with pytest.raises(tiaokuai.TooLargeError):
        tiaokuai.load(big, max_bytes=10)


@pytest.mark.parametrize(
    ("content", "line", "fragment"),
    [
        (b"id,name,kind\na,A,enterprise,extra\n", 2, "row has 4 fields"),
        (b"id,name,kind\na,\xff,enterprise\n", 2, "invalid UTF-8"),
        (b"id,name\na,A\n", 1, 'missing column "kind"'),
        (b"id,name,kind,name\na,A,enterprise,B\n", 1, 'column 4 repeats the name "name" of column 2'),
        (b'id,name,kind\na,"A,enterprise\n', 2, "column 3: the quote that opens this cell is never closed"),
    ],
    ids=["extra field", "invalid utf-8", "missing column", "repeated column", "unclosed quote"],
)
def test_csv_errors(tmp_path: Path, tiny: Model, content: bytes, line: int, fragment: str) -> None:
    bundle = tmp_path / "bundle"
    tiny.write(bundle, format="csv")
    (bundle / "units.csv").write_bytes(content)
    with pytest.raises(tiaokuai.CsvError, match=fragment) as e:
        tiaokuai.load(bundle)
    assert (e.value.filename, e.value.line) == ("units.csv", line)
    assert str(e.value).startswith(f"units.csv line {line}: ")


def test_csv_bundle_errors_name_the_file_and_record(tmp_path: Path, tiny: Model) -> None:
    bundle = tmp_path / "bundle"
    tiny.write(bundle, format="csv")
    text = (bundle / "units.csv").read_text(encoding="utf-8").replace(",4,30,", ",-4,30,")
    (bundle / "units.csv").write_text(text, encoding="utf-8")
    with pytest.raises(tiaokuai.InvalidCountError) as e:
        tiaokuai.load(bundle)
    assert e.value.field == "members" and e.value.id == "acme"
    assert e.value.record is not None and "units.csv" in e.value.record


def test_query_errors(tiny: Model) -> None:
    with pytest.raises(tiaokuai.UnknownIdError) as e:
        tiny.chain("ghost")
    assert e.value.id == "ghost"
    with pytest.raises(tiaokuai.WrongRecordTypeError) as w:
        tiny.chain("s")
    assert w.value.id == "s"
    assert str(w.value) == '"s" is a territory, but chain needs a unit'
    with pytest.raises(tiaokuai.WrongRecordTypeError):
        tiny.responsible_for("acme")
    with pytest.raises(tiaokuai.WrongRecordTypeError):
        tiny.dispatch("s", "vending")
    with pytest.raises(tiaokuai.InvalidInputError, match="sideways"):
        tiny.chain("acme", "sideways")  # type: ignore[arg-type]


class Weird:
    pass


@pytest.mark.parametrize(
    ("value", "cls", "fragment"),
    [
        ({1, 2}, TypeError, "set"),
        (Weird(), TypeError, "Weird"),
        (b"bytes", TypeError, "bytes"),
        (math.nan, ValueError, "(?i)nan is not a JSON number"),
        (math.inf, ValueError, "(?i)inf is not a JSON number"),
    ],
)
def test_from_dict_rejects_values_json_cannot_hold(value: Any, cls: type[Exception], fragment: str) -> None:
    doc = copy.deepcopy(TINY)
    doc["units"][7]["attrs"] = {"bad": value}
    with pytest.raises(cls, match=fragment) as e:
        Model.from_dict(doc)
    assert "model['units'][7]['attrs']['bad']" in str(e.value)


def test_from_dict_rejects_non_string_keys() -> None:
    doc = copy.deepcopy(TINY)
    doc["meta"] = {1: "one"}
    with pytest.raises(TypeError, match="key 1 is not a string"):
        Model.from_dict(doc)


def test_self_containing_and_deep_structures_do_not_crash() -> None:
    doc = copy.deepcopy(TINY)
    loop: dict[str, Any] = {}
    loop["self"] = loop
    doc["meta"] = loop
    with pytest.raises(ValueError, match="nested more than"):
        Model.from_dict(doc)
    deep: Any = 0
    for _ in range(100_000):
        deep = [deep]
    doc["meta"] = {"deep": deep}
    with pytest.raises(ValueError, match="nested more than"):
        Model.from_dict(doc)


def test_deeply_nested_json_text_does_not_crash() -> None:
    text = '{"format": "tiaokuai/1", "meta": {"x": ' + "[" * 100_000 + "]" * 100_000 + "}}"
    with pytest.raises(tiaokuai.TiaokuaiError):
        Model.from_json(text)


def test_lone_surrogates_in_python_strings() -> None:
    doc = copy.deepcopy(TINY)
    doc["units"][7]["name"] = "\ud800"
    with pytest.raises(ValueError, match=r"model\['units'\]\[7\]\['name'\]: .*surrogates not allowed"):
        Model.from_dict(doc)
    with pytest.raises(UnicodeEncodeError):
        Model.from_json('{"format": "tiaokuai/1", "meta": {"x": "\ud800"}}')


def test_wrong_argument_types() -> None:
    with pytest.raises(TypeError):
        Model.from_json(42)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        tiaokuai.load(42)  # type: ignore[arg-type]
    with pytest.raises(OverflowError):
        Model.from_json("{}", max_bytes=-1)


def test_errors_pickle_and_catch_as_base(tiny: Model) -> None:
    try:
        tiny["ghost"]
    except tiaokuai.TiaokuaiError as e:
        assert isinstance(e, LookupError)
        assert e.kind == "unknown_id"
    else:  # pragma: no cover
        pytest.fail("no error")


def test_mutated_documents_raise_errors_never_crash(tiny: Model) -> None:
    # Byte flips, deletions, duplications and truncations of a valid document: every outcome is
    # a model or a TiaokuaiError (UnicodeDecodeError-free: the input is bytes).
    import random

    rng = random.Random(2024)
    text = tiny.to_json().encode()
    outcomes: dict[str, int] = {}
    for _ in range(600):
        data = bytearray(text)
        for _ in range(rng.randint(1, 4)):
            i = rng.randrange(len(data))
            op = rng.randrange(4)
            if op == 0:
                data[i] = rng.randrange(256)
            elif op == 1:
                del data[i : i + rng.randint(1, 20)]
            elif op == 2:
                data[i:i] = data[i : i + rng.randint(1, 20)]
            else:
                del data[i:]
        try:
            Model.from_json(bytes(data))
            outcomes["ok"] = outcomes.get("ok", 0) + 1
        except tiaokuai.TiaokuaiError as e:
            assert e.kind is not None and str(e)
            outcomes[e.kind] = outcomes.get(e.kind, 0) + 1
    assert len(outcomes) > 3  # a spread of error kinds, not one catch-all


# ---------------------------------------------------------------------------
# Every bad input, across the whole API: a TiaokuaiError subclass naming what is wrong.

UNKNOWN_ID_QUERIES: list[tuple[str, Callable[[Model], Any]]] = [
    ("chain leadership", lambda m: m.chain("ghost")),
    ("chain strip", lambda m: m.chain("ghost", "strip")),
    ("chain all", lambda m: m.chain("ghost", "all")),
    ("chains", lambda m: m.chains(["acme", "ghost"])),
    ("chains strip", lambda m: m.chains(["ghost"], "strip")),
    ("responsible_for", lambda m: m.responsible_for("ghost")),
    ("dispatch matter", lambda m: m.dispatch("ghost", "s")),
    ("dispatch territory", lambda m: m.dispatch("vending", "ghost")),
    ("links_from", lambda m: m.links_from("ghost")),
    ("links_to", lambda m: m.links_to("ghost", "leads")),
    ("model[id]", lambda m: m["ghost"]),
    ("records[id]", lambda m: m.records["ghost"]),
    ("territories[id]", lambda m: m.territories["ghost"]),
    ("units[id]", lambda m: m.units["ghost"]),
    ("matters[id]", lambda m: m.matters["ghost"]),
    ("items[id]", lambda m: m.list_items["ghost"]),
]


@pytest.mark.parametrize("ask", [q[1] for q in UNKNOWN_ID_QUERIES], ids=[q[0] for q in UNKNOWN_ID_QUERIES])
def test_unknown_ids_in_every_query(tiny: Model, ask: Callable[[Model], Any]) -> None:
    with pytest.raises(tiaokuai.UnknownIdError) as e:
        ask(tiny)
    assert e.value.id == "ghost"
    assert e.value.kind == "unknown_id"
    assert str(e.value) == 'no record with id "ghost"'
    assert isinstance(e.value, KeyError)


WRONG_TYPE_QUERIES: list[tuple[str, Callable[[Model], Any], str, str]] = [
    ("chain of a territory", lambda m: m.chain("s", "all"), "s", '"s" is a territory, but chain needs a unit'),
    ("chains with a matter", lambda m: m.chains(["acme", "vending"]), "vending", "needs a unit"),
    ("responsible_for a unit", lambda m: m.responsible_for("acme"), "acme", "needs a territory"),
    ("responsible_for an item", lambda m: m.responsible_for("need"), "need", "needs a territory"),
    ("dispatch of a unit", lambda m: m.dispatch("acme", "s"), "acme", "needs a matter"),
    ("dispatch in a matter", lambda m: m.dispatch("vending", "vending"), "vending", "needs a territory"),
]


@pytest.mark.parametrize(
    ("ask", "id", "fragment"), [q[1:] for q in WRONG_TYPE_QUERIES], ids=[q[0] for q in WRONG_TYPE_QUERIES]
)
def test_wrong_record_types_in_every_query(tiny: Model, ask: Callable[[Model], Any], id: str, fragment: str) -> None:
    with pytest.raises(tiaokuai.WrongRecordTypeError, match=fragment) as e:
        ask(tiny)
    assert e.value.id == id
    assert e.value.kind == "wrong_record_type"


BAD_WORDS: list[tuple[str, Callable[[Model], Any], str]] = [
    ("chain line", lambda m: m.chain("acme", "sideways"), 'unknown line "sideways"'),
    ("chains line", lambda m: m.chains(["acme"], "up"), 'unknown line "up"'),
    ("links_from kind", lambda m: m.links_from("gw", "commands"), 'unknown link kind "commands"'),
    ("links_to kind", lambda m: m.links_to("s", "owns"), 'unknown link kind "owns"'),
    ("records of_kind", lambda m: m.units.of_kind("spaceship"), 'unknown unit kind "spaceship"'),
    ("records filter sector", lambda m: m.units.filter(sector="public"), 'unknown sector "public"'),
    ("links of_kind", lambda m: m.links.of_kind("commands"), 'unknown link kind "commands"'),
    ("report count", lambda m: m.audit().count("fatal"), 'unknown severity "fatal"'),  # type: ignore[arg-type]
    ("report findings_of", lambda m: m.audit().findings_of("X999"), 'unknown rule "X999"'),
    ("report metrics_frame", lambda m: m.audit().metrics_frame("planet"), '"planet"'),  # type: ignore[arg-type]
    ("write format", lambda m: m.write("unused.json", format="xml"), '"xml" is not "json", "csv" or "image"'),  # type: ignore[arg-type]
    ("generate scale", lambda m: tiaokuai.generate("galaxy"), 'unknown scale "galaxy"'),  # type: ignore[arg-type]
    ("import_divisions code", lambda m: tiaokuai.import_divisions("xx"), '"xx" is not a division code'),
    ("import_divisions prefix", lambda m: tiaokuai.import_divisions("99"), 'no division has code prefix "99"'),
]


@pytest.mark.parametrize(("ask", "fragment"), [q[1:] for q in BAD_WORDS], ids=[q[0] for q in BAD_WORDS])
def test_words_outside_their_vocabulary(tiny: Model, ask: Callable[[Model], Any], fragment: str) -> None:
    with pytest.raises(tiaokuai.InvalidInputError, match=re.escape(fragment)) as e:
        ask(tiny)
    assert e.value.kind == "invalid"


BAD_CONFIGS: list[tuple[str, Any, str]] = [
    ("unknown rule", {"rules": {"X": {}}}, 'unknown rule "X"'),
    ("unknown rule code", {"rules": {"C999": "off"}}, 'unknown rule "C999"'),
    ("rules not a table", {"rules": []}, "rules: expected a table, found an array"),
    ("severity of the wrong type", {"rules": {"C001": {"severity": 5}}}, "rules.C001.severity"),
    ("unknown severity", {"rules": {"C001": {"severity": "fatal"}}}, 'unknown severity "fatal"'),
    ("unknown top-level key", {"colour": 1}, 'unknown key "colour"'),
    ("unknown threshold", {"thresholds": {"nope": 1}}, 'unknown key "thresholds.nope"'),
    ("negative threshold", {"thresholds": {"min_members_for_org": -1}}, "found -1"),
    ("threshold as text", {"thresholds": {"min_members_for_org": "three"}}, 'found "three"'),
    ("profile not a bool", {"profiles": {"shanghai": "yes"}}, "profiles.shanghai: expected true or false"),
    ("unknown profile", {"profiles": {"mars": True}}, 'unknown key "profiles.mars"'),
]


@pytest.mark.parametrize(("config", "fragment"), [c[1:] for c in BAD_CONFIGS], ids=[c[0] for c in BAD_CONFIGS])
def test_bad_audit_configs(tiny: Model, tmp_path: Path, config: Any, fragment: str) -> None:
    with pytest.raises(tiaokuai.InvalidInputError, match=re.escape(fragment)) as e:
        tiny.audit(config)
    assert str(e.value).startswith("audit config: ")
    # The same config from a JSON file: the same error, naming the file.
    path = tmp_path / "audit.json"
    path.write_text(json.dumps(config), encoding="utf-8")
    with pytest.raises(tiaokuai.InvalidInputError, match=re.escape(fragment)) as f:
        tiny.audit(path)
    assert str(path) in str(f.value)


def test_bad_audit_config_files(tiny: Model, tmp_path: Path) -> None:
    toml = tmp_path / "audit.toml"
    toml.write_text("rules = [", encoding="utf-8")
    with pytest.raises(tiaokuai.InvalidInputError, match="malformed TOML"):
        tiny.audit(toml)
    bad_json = tmp_path / "audit.json"
    bad_json.write_text("{", encoding="utf-8")
    with pytest.raises(tiaokuai.InvalidInputError, match="malformed JSON"):
        tiny.audit(bad_json)
    other = tmp_path / "audit.txt"
    other.write_text("{}", encoding="utf-8")
    with pytest.raises(tiaokuai.InvalidInputError, match="cannot tell the format"):
        tiny.audit(other)
    with pytest.raises(tiaokuai.IoError) as e:
        tiny.audit(tmp_path / "missing.json")
    assert e.value.filename == str(tmp_path / "missing.json")
    # A folder where a config file should be.
    with pytest.raises(tiaokuai.InvalidInputError, match="cannot tell the format"):
        tiny.audit(tmp_path)
    (tmp_path / "folder.json").mkdir()
    with pytest.raises(tiaokuai.IoError):
        tiny.audit(tmp_path / "folder.json")
    # Not a config at all: Python's own TypeError, as for any argument of the wrong type.
    for value in ([1], 5, 2.5, b"{}"):
        with pytest.raises(TypeError, match="config must be None, a dict"):
            tiny.audit(value)  # type: ignore[arg-type]


def write_scenario(tmp_path: Path, doc: Any, name: str = "scenario.json") -> Path:
    path = tmp_path / name
    path.write_text(doc if isinstance(doc, str) else json.dumps(doc), encoding="utf-8")
    return path


BAD_SCENARIOS: list[tuple[str, Any, type[tiaokuai.TiaokuaiError], str]] = [
    ("malformed JSON", "{", tiaokuai.InvalidInputError, "malformed JSON"),
    ("not an object", [1], tiaokuai.InvalidInputError, "a scenario is a JSON object"),
    ("unknown key", {"name": "x", "model": TINY, "expectations": {}}, tiaokuai.InvalidInputError, 'unknown key "'),
    (
        "model twice",
        {"name": "x", "model": TINY, "model_file": "m.json", "expect": {}},
        tiaokuai.InvalidInputError,
        'exactly one of "model"',
    ),
    (
        "findings not an array",
        {"name": "x", "model": TINY, "expect": {"findings": 5}},
        tiaokuai.InvalidInputError,
        '"findings" must be an array',
    ),
    (
        "unknown rule",
        {"name": "x", "model": TINY, "expect": {"findings": [{"rule": "X999"}]}},
        tiaokuai.InvalidInputError,
        'no rule "X999"',
    ),
    (
        "unknown field of a chain",
        {"name": "x", "model": TINY, "expect": {"chains": [{"unit": "gw", "ids": []}]}},
        tiaokuai.InvalidInputError,
        'unknown field "ids"',
    ),
    (
        "bad line",
        {"name": "x", "model": TINY, "expect": {"chains": [{"unit": "gw", "line": "up", "steps": []}]}},
        tiaokuai.InvalidInputError,
        'unknown line "up"',
    ),
    (
        "bad config",
        {"name": "x", "model": TINY, "config": {"rules": {"X": {}}}, "expect": {}},
        tiaokuai.InvalidInputError,
        'unknown rule "X"',
    ),
    (
        "chain of an unknown unit",
        {"name": "x", "model": TINY, "expect": {"chains": [{"unit": "ghost", "steps": []}]}},
        tiaokuai.UnknownIdError,
        '"ghost"',
    ),
    (
        "chain of a territory",
        {"name": "x", "model": TINY, "expect": {"chains": [{"unit": "s", "steps": []}]}},
        tiaokuai.WrongRecordTypeError,
        "needs a unit",
    ),
    (
        "block chain of an unknown place",
        {"name": "x", "model": TINY, "expect": {"responsible": [{"territory": "ghost", "holders": []}]}},
        tiaokuai.UnknownIdError,
        '"ghost"',
    ),
    (
        "a bad inline model",
        {"name": "x", "model": dict(TINY, format="tiaokuai/0"), "expect": {}},
        tiaokuai.FormatError,
        '"tiaokuai/0"',
    ),
    (
        "a missing model file",
        {"name": "x", "model_file": "nope.json", "expect": {}},
        tiaokuai.FileNotFoundIoError,
        "nope.json",
    ),
]


@pytest.mark.parametrize(("doc", "cls", "fragment"), [s[1:] for s in BAD_SCENARIOS], ids=[s[0] for s in BAD_SCENARIOS])
def test_bad_scenarios_raise_their_kind(
    tmp_path: Path, doc: Any, cls: type[tiaokuai.TiaokuaiError], fragment: str
) -> None:
    with pytest.raises(cls, match=re.escape(fragment)) as e:
        tiaokuai.run_scenario(write_scenario(tmp_path, doc))
    assert type(e.value) is cls


def test_scenario_whose_model_file_is_bad(tmp_path: Path) -> None:
    bad = tweak(lambda d: d["territories"][0].__setitem__("parent", "ghost"))
    (tmp_path / "model.json").write_text(json.dumps(bad), encoding="utf-8")
    with pytest.raises(tiaokuai.DanglingReferenceError) as e:
        tiaokuai.run_scenario(write_scenario(tmp_path, {"name": "x", "model_file": "model.json", "expect": {}}))
    assert (e.value.field, e.value.id) == ("parent", "ghost")


def test_files_that_are_missing_empty_too_large_or_folders(tmp_path: Path) -> None:
    missing = tmp_path / "missing.json"
    for load in (tiaokuai.load, Model.load, tiaokuai.run_scenario):
        with pytest.raises(tiaokuai.IoError) as e:
            load(missing)
        assert e.value.filename == str(missing)
        assert "No such file or directory" in str(e.value)

    empty = tmp_path / "empty.json"
    empty.write_bytes(b"")
    with pytest.raises(tiaokuai.JsonSyntaxError, match="the document is empty"):
        tiaokuai.load(empty)

    # A folder is read as a CSV bundle: one with none of the files is an IoError saying so.
    for folder in (tmp_path, tmp_path / "model.json"):
        folder.mkdir(exist_ok=True)
        with pytest.raises(tiaokuai.IoError, match="not a CSV bundle") as e:
            tiaokuai.load(folder)
        assert e.value.filename == str(folder)
    with pytest.raises(tiaokuai.IoError, match=r"(?i)is a directory"):
        tiaokuai.run_scenario(tmp_path)

    sample_file = ROOT / "data" / "samples" / "baoshan.json"
    size = sample_file.stat().st_size
    with pytest.raises(tiaokuai.TooLargeError, match=f"input of {size} bytes is larger than the limit of 1000 bytes"):
        tiaokuai.load(sample_file, max_bytes=1000)
    text = sample_file.read_text(encoding="utf-8")
    with pytest.raises(tiaokuai.TooLargeError):
        Model.from_json(text, max_bytes=1000)
    with pytest.raises(tiaokuai.TooLargeError):
        Model.from_json(text.encode(), max_bytes=0)
    assert len(tiaokuai.load(sample_file, max_bytes=size)) == 1264


def test_writing_where_it_cannot(tiny: Model, tmp_path: Path) -> None:
    with pytest.raises(tiaokuai.IoError):
        tiny.write(tmp_path / "no" / "such" / "folder" / "model.json")
    with pytest.raises(tiaokuai.IoError, match="is a folder"):
        tiny.write(tmp_path, format="json")
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(tiaokuai.IoError):
        tiny.write(blocker / "bundle", format="csv")


@pytest.mark.parametrize(
    ("doc", "cls", "field"),
    [
        ({"format": "tiaokuai/1", "territories": {}}, tiaokuai.InvalidInputError, None),
        ({"format": "tiaokuai/1", "units": [5]}, tiaokuai.InvalidFieldError, "(record)"),
        (
            {"format": "tiaokuai/1", "units": [{"id": 5, "name": "x", "kind": "enterprise"}]},
            tiaokuai.InvalidFieldError,
            "id",
        ),
        ({"format": "tiaokuai/1", "links": [{"from": "a", "kind": "leads"}]}, tiaokuai.InvalidFieldError, "to"),
        ({"format": 1}, tiaokuai.FormatError, "format"),
        ({"format": "tiaokuai/1", "colour": 1}, tiaokuai.InvalidInputError, None),
        (
            {"format": "tiaokuai/1", "units": [{"id": "a", "name": "A", "kind": "enterprise", "in_system": "yes"}]},
            tiaokuai.InvalidFieldError,
            "in_system",
        ),
    ],
    ids=[
        "array not a list",
        "record not an object",
        "id a number",
        "link without to",
        "format a number",
        "unknown top-level key",
        "bool as text",
    ],
)
def test_fields_of_the_wrong_type(doc: dict[str, Any], cls: type[tiaokuai.TiaokuaiError], field: Any) -> None:
    for load in (Model.from_dict, lambda d: Model.from_json(json.dumps(d))):
        with pytest.raises(cls) as e:
            load(doc)
        assert type(e.value) is cls
        if field is not None:
            assert e.value.field == field


def test_from_networkx_rejects_what_is_not_a_graph() -> None:
    for value in (5, None, "graph", {"nodes": []}):
        with pytest.raises(TypeError, match="networkx graph"):
            tiaokuai.from_networkx(value)


def test_io_errors_are_the_builtin_os_errors(tiny: Model, tmp_path: Path) -> None:
    """An I/O error is also the builtin OSError subclass of its kind, with errno, strerror and filename."""
    import errno
    import os

    missing = tmp_path / "missing.json"
    with pytest.raises(FileNotFoundError) as e:
        tiaokuai.load(missing)
    assert isinstance(e.value, tiaokuai.FileNotFoundIoError) and isinstance(e.value, tiaokuai.IoError)
    assert e.value.errno == errno.ENOENT and e.value.filename == str(missing)
    assert e.value.kind == "io" and "No such file" in e.value.strerror
    assert str(e.value).startswith(f"{missing}: ")  # the message as the core writes it, no "[Errno 2]"
    with pytest.raises(IsADirectoryError) as e:
        tiny.write(tmp_path, format="json")
    assert e.value.errno == errno.EISDIR and isinstance(e.value, tiaokuai.IsADirectoryIoError)
    blocker = tmp_path / "file"
    blocker.write_text("x", encoding="utf-8")
    with pytest.raises(tiaokuai.IoError) as e:
        tiny.write(blocker / "bundle", format="csv")
    assert isinstance(e.value, (FileExistsError, NotADirectoryError)) and e.value.errno in (errno.EEXIST, errno.ENOTDIR)
    # A folder that is no bundle is refused by the library: an IoError with EINVAL, no subclass.
    with pytest.raises(tiaokuai.IoError) as e:
        tiaokuai.load(tmp_path)
    assert type(e.value) is tiaokuai.IoError and e.value.errno == errno.EINVAL
    if hasattr(os, "geteuid") and os.geteuid() != 0:  # root reads anything
        secret = tmp_path / "secret.json"
        secret.write_text(tiny.to_json(), encoding="utf-8")
        secret.chmod(0)
        with pytest.raises(PermissionError) as e:
            tiaokuai.load(secret)
        assert e.value.errno == errno.EACCES and isinstance(e.value, tiaokuai.PermissionIoError)
