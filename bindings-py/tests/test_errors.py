"""Bad input: every core error kind raises its own class, carrying record, field and id;
nothing crashes the interpreter."""

from __future__ import annotations

import copy
import json
import math
from pathlib import Path
from typing import Any, Callable

import pytest

import tiaokuai
from tiaokuai import Model

from .conftest import TINY

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
    ],
    ids=["extra field", "invalid utf-8", "missing column"],
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
