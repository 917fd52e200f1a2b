# Hand-written stubs of the native module, checked by `python -m mypy.stubtest tiaokuai._tiaokuai`.
import datetime
import os
from collections.abc import ItemsView, Iterator, KeysView, Mapping, ValuesView
from typing import Any, ClassVar, Generic, Literal, TypeVar, final, overload

# Optional dependencies (extras): a stub is only read by type checkers, so importing them here
# costs users nothing; without them installed the types are Any.
import networkx as nx  # type: ignore[import-untyped, import-not-found, unused-ignore]
import pandas as pd  # type: ignore[import-untyped, import-not-found, unused-ignore]
import polars as pl  # type: ignore[import-untyped, import-not-found, unused-ignore]
import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]
from matplotlib.axes import Axes
from typing_extensions import TypeAlias, disjoint_base

from ._whatif import WhatIf
from .types import (
    AssignmentDict,
    BlockDict,
    BranchDict,
    ChainDict,
    CheckDict,
    DispatchDict,
    Fact,
    FindingDict,
    LineName,
    LinkDict,
    MetricsDict,
    OutcomeDict,
    RecordDict,
    RecordTypeName,
    ReportDict,
    ResponsibilityDict,
    RuleDict,
    SeverityName,
    StepDict,
    SummaryDict,
)

_Path: TypeAlias = str | os.PathLike[str]
_FrameLibrary: TypeAlias = Literal["pandas", "polars", "arrow", "pyarrow"]
_Date: TypeAlias = str | datetime.date
_R = TypeVar("_R", bound=Record, covariant=True)
_T = TypeVar("_T")

__all__ = [
    "FORMAT",
    "Cases",
    "Chain",
    "ChangeSet",
    "ChangedError",
    "CsvError",
    "DanglingReferenceError",
    "Dispatch",
    "DuplicateIdError",
    "FileExistsIoError",
    "FileNotFoundIoError",
    "Finding",
    "FormatError",
    "ImageError",
    "InvalidCountError",
    "InvalidFieldError",
    "InvalidInputError",
    "IoError",
    "IsADirectoryIoError",
    "Item",
    "JsonSyntaxError",
    "Link",
    "LinkView",
    "Matter",
    "Model",
    "NotADirectoryIoError",
    "NotInForceError",
    "PermissionIoError",
    "Person",
    "Record",
    "RecordView",
    "RejectedError",
    "Report",
    "Responsibility",
    "ScenarioOutcome",
    "Territory",
    "TerritoryCycleError",
    "TiaokuaiError",
    "Timeline",
    "TooLargeError",
    "Unit",
    "UnknownIdError",
    "UnknownWordError",
    "WrongEndpointError",
    "WrongRecordTypeError",
    "__version__",
    "cases",
    "diff",
    "from_networkx",
    "generate",
    "generate_cases",
    "import_divisions",
    "load",
    "rules",
    "run_scenario",
    "sample",
]

__version__: str
FORMAT: str

# ---------------------------------------------------------------------------
# Exceptions

class TiaokuaiError(Exception):
    """Base class of every error raised by tiaokuai.

    Attributes (``None`` when they do not apply):

    * ``kind``: the core error's stable name (``"dangling_reference"`` …);
    * ``record``: the record the error is about, as the message names it
      (``'links[17] (from "s1-gw")'``);
    * ``field``: the field (``"to"``, ``"members"`` …);
    * ``id``: the offending id (the id named, duplicated or asked for), else the record's own id.
    """

    kind: str | None
    record: str | None
    field: str | None
    id: str | None

class JsonSyntaxError(TiaokuaiError, ValueError):
    """The input is not well-formed JSON (or not UTF-8, or empty); `line` and `column` say where."""

    line: int | None
    column: int | None

class FormatError(TiaokuaiError, ValueError):
    """The `format` field is missing or names a version this library does not read."""

class InvalidFieldError(TiaokuaiError, ValueError):
    """A field of a record or link has the wrong type, is missing, unknown, or has an invalid value."""

class InvalidCountError(TiaokuaiError, ValueError):
    """A count (`members`, `staff`, `in_service_members`) is negative, fractional, too large or not a number."""

class UnknownWordError(TiaokuaiError, ValueError):
    """A kind, sector, power, role or list is not part of its vocabulary (custom words start with `x-`)."""

class DuplicateIdError(TiaokuaiError, ValueError):
    """Two records share an id; `id` is the id."""

class DanglingReferenceError(TiaokuaiError, ValueError):
    """A field names an id that no record has; `id` is the id named."""

class WrongEndpointError(TiaokuaiError, ValueError):
    """A reference names a record of the wrong type for its link kind or field; `id` is the id named."""

class TerritoryCycleError(TiaokuaiError, ValueError):
    """A territory's `parent` chain loops back on itself."""

class TooLargeError(TiaokuaiError, ValueError):
    """The input is larger than the size limit (`max_bytes`)."""

class IoError(TiaokuaiError, OSError):
    """A file or folder could not be read or written; `filename` is the path."""

class ChangedError(TiaokuaiError, OSError):
    """A file (or a CSV bundle's folder) changed while it was being read; nothing was loaded. `filename` is the path:
    read it again once whatever writes it is done.
    """

class ImageError(TiaokuaiError, ValueError):
    """A model image (`.tkz`: `Model.open`, `Model.from_image`) cannot be read: it is not one, it is of another
    layout, or it is damaged or truncated (its checksum or length do not match). Nothing was loaded; rebuild the image
    from the model's JSON.
    """

class FileNotFoundIoError(IoError, FileNotFoundError):
    """An :class:`IoError` that is also a ``FileNotFoundError``: catch either (``errno`` is set)."""

class PermissionIoError(IoError, PermissionError):
    """An :class:`IoError` that is also a ``PermissionError``: catch either (``errno`` is set)."""

class IsADirectoryIoError(IoError, IsADirectoryError):
    """An :class:`IoError` that is also a ``IsADirectoryError``: catch either (``errno`` is set)."""

class NotADirectoryIoError(IoError, NotADirectoryError):
    """An :class:`IoError` that is also a ``NotADirectoryError``: catch either (``errno`` is set)."""

class FileExistsIoError(IoError, FileExistsError):
    """An :class:`IoError` that is also a ``FileExistsError``: catch either (``errno`` is set)."""

class CsvError(TiaokuaiError, ValueError):
    """A CSV file of a bundle is malformed; `filename` is the file within the bundle, `line` the line."""

    filename: str | None
    line: int | None

class UnknownIdError(TiaokuaiError, KeyError):
    """A query or lookup named an id that is not in the model; `id` is the id."""

class NotInForceError(UnknownIdError):
    """A query or lookup named a record that is not in force at the date the model is read at; `id` is the id, `date`
    the model's date, `validity` the record's dates (`2015 to 2020-05-31`).
    """

    date: str | None
    validity: str | None

class WrongRecordTypeError(TiaokuaiError, ValueError):
    """A query named a record of the wrong type (a territory where a unit is needed …); `id` is the id."""

class InvalidInputError(TiaokuaiError, ValueError):
    """Invalid input other than a model: a division code, an audit config, a scenario, a generator scale, a
    vocabulary word given as an argument.
    """

class RejectedError(InvalidInputError):
    """An input was refused for several problems, all found at once (a change set that does not apply to the model:
    an id that is not there, an id added twice, a result that is not a valid model). `problems` lists every
    problem's message; nothing was changed.
    """

    problems: list[str] | None

# ---------------------------------------------------------------------------
# Records and links

@disjoint_base
class Record:
    """A record of a model: a territory, unit, matter or item (frozen).

    Records compare equal when they have the same type and the same content
    (``to_dict()``); they hash by type and id.
    """

    @property
    def id(self) -> str:
        """The unique id."""
    @property
    def name(self) -> str:
        """The name."""
    @property
    def kind(self) -> str:
        """The kind as written in the format (for matters and items: their ``list``)."""
    @property
    def type(self) -> RecordTypeName:
        """The record type: ``"territory"``, ``"unit"``, ``"matter"`` or ``"item"``."""
    @property
    def attrs(self) -> dict[str, Any]:
        """The free-form ``attrs`` object, as a new dict (empty when there is none). Numbers come
        back exact: integers of any length as ``int`` (also beyond Python's 4300-digit limit on
        ``int(str)``), other numbers as ``float`` when a float holds them and as
        ``decimal.Decimal`` when one does not (``1e400`` is ``Decimal('1E+400')``, never ``inf``;
        ``1e-400`` is ``Decimal('1E-400')``, never ``0.0``). ``Model.from_dict`` writes a
        ``Decimal`` back exactly.
        """
    @property
    def since(self) -> str | None:
        """The ``since`` date as written (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), if any."""
    @property
    def until(self) -> str | None:
        """The ``until`` date as written (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; the last day in force), if any."""
    @property
    def level(self) -> str | None:
        """The level (``"city"``, ``"district"``, ``"street"``, ``"community"``, ``"grid"`` …): a
        territory's by its kind, a unit's by the highest territory it holds jurisdiction over or
        else where it is located; ``None`` for matters, items and records without one.
        """
    @property
    def grade(self) -> str | None:
        """The responsibility grade of the level (``"overall"``, ``"first"``, ``"direct"``, ``"specific"``)."""
    def to_dict(self) -> RecordDict:
        """The record in its ``tiaokuai/1`` form (the dict ``Model.from_dict`` reads)."""
    def _repr_html_(self) -> str: ...
    def __hash__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class Territory(Record):
    """A place some unit answers for: city, district, street, community, grid, building …"""

    @property
    def parent(self) -> str | None:
        """The id of the containing territory, if any."""
    @property
    def children(self) -> list[str]:
        """The ids of the territories directly inside this one, in document order."""

@final
class Unit(Record):
    """An organisation: a Party organisation, a government body, a department, an enterprise …"""

    @property
    def sector(self) -> str | None:
        """The sector (``"party"``, ``"private"`` …), if given."""
    @property
    def in_system(self) -> bool | None:
        """True for the in-system (体制内) sectors (party, government, public institution,
        state-owned), False for the others, None when the sector is not given.
        """
    @property
    def located_in(self) -> str | None:
        """The id of the territory where the unit sits, if given."""
    @property
    def members(self) -> int | None:
        """Full Party members (正式党员), if given."""
    @property
    def staff(self) -> int | None:
        """Staff, if given."""
    @property
    def in_service_members(self) -> int | None:
        """In-service Party members (在职党员), if given."""
    @property
    def is_party_org(self) -> bool:
        """True for the kinds that are Party organisations (committee, working committee, group, branches)."""

@final
class Matter(Record):
    """An administrative matter (事项) on a duty list."""

    @property
    def list(self) -> str:
        """The duty list: ``"basic"``, ``"cooperating"`` or ``"recalled"``."""
    @property
    def category(self) -> str | None:
        """The free category (``"urban_management"`` …), if given."""

@final
class Item(Record):
    """An item of the three lists: a need, a resource or a project."""

    @property
    def list(self) -> str:
        """The list: ``"need"``, ``"resource"`` or ``"project"``."""

@final
class Person(Record):
    """A person who holds posts in units (people data is personal data: the id may be
    pseudonymous and ``name`` is ``""`` when the data gives none).
    """

    @property
    def posts(self) -> list[dict[str, Any]]:
        """The posts the person holds at the model's date, as dicts (``unit``, ``post``,
        ``band``, ``grade``, ``channel``, ``since``, ``until``, ``link`` …).
        """

@final
class Link:
    """A typed link between two records (frozen). ``source`` and ``target`` are the
    format's ``from`` and ``to`` ids; ``index`` is its position in the model's ``links``.
    """

    @property
    def index(self) -> int:
        """The link's index in the model's ``links`` array."""
    @property
    def source(self) -> str:
        """The id of the record the link starts from (the format's ``from``)."""
    @property
    def target(self) -> str:
        """The id of the record the link points to (the format's ``to``)."""
    @property
    def kind(self) -> str:
        """The kind (``"leads"``, ``"jurisdiction"`` …)."""
    @property
    def primary(self) -> bool | None:
        """For ``leads``: whether this is the primary leader of a dual-led unit, as written."""
    @property
    def power(self) -> str | None:
        """For ``power``: which of the five powers."""
    @property
    def role(self) -> str | None:
        """For ``responsible``: the role (``"lead"``, ``"cooperate"``, ``"supervise"``)."""
    @property
    def scope(self) -> str | None:
        """For ``responsible``: the id of the territory the responsibility applies to."""
    @property
    def members(self) -> int | None:
        """For ``registers_with``: how many members registered."""
    @property
    def event(self) -> str | None:
        """For ``succeeded_by``: the event (``"merge"``, ``"split"``, ``"rename"``, ``"recode"``,
        ``"absorb"`` or an ``x-`` word)."""
    @property
    def post(self) -> str | None:
        """For ``holds``: the post (``"secretary"``, ``"director"``, ``"head"`` …)."""
    @property
    def attrs(self) -> dict[str, Any]:
        """The free-form ``attrs`` object, as a new dict (empty when there is none). Numbers come
        back exact: integers of any length as ``int`` (also beyond Python's 4300-digit limit on
        ``int(str)``), other numbers as ``float`` when a float holds them and as
        ``decimal.Decimal`` when one does not (``1e400`` is ``Decimal('1E+400')``, never ``inf``;
        ``1e-400`` is ``Decimal('1E-400')``, never ``0.0``). ``Model.from_dict`` writes a
        ``Decimal`` back exactly.
        """
    @property
    def since(self) -> str | None:
        """The ``since`` date as written (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``), if any."""
    @property
    def until(self) -> str | None:
        """The ``until`` date as written (``YYYY``, ``YYYY-MM`` or ``YYYY-MM-DD``; the last day in force), if any."""
    def to_dict(self) -> LinkDict:
        """The link in its ``tiaokuai/1`` form (with ``from`` and ``to``)."""
    def _repr_html_(self) -> str: ...
    def __hash__(self) -> int: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...

@final
class RecordView(Mapping[str, _R], Generic[_R]):
    """A live, read-only view of some records of a model: iterable, sized, indexable by id or
    position, filterable by kind (and, for units, sector). Views are cheap: they hold no copy.
    """

    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[str]:
        """Iterates over the ids, in document order."""
    def __contains__(self, key: object, /) -> bool: ...
    def __getitem__(self, key: str | int, /) -> _R: ...
    def keys(self) -> KeysView[str]:
        """The ids, as a ``KeysView`` (set-like, in document order)."""
    def values(self) -> ValuesView[_R]:
        """The records, in document order, as a ``ValuesView``."""
    def items(self) -> ItemsView[str, _R]:
        """The ``(id, record)`` pairs, in document order, as an ``ItemsView``."""
    @overload
    def get(self, id: object, default: None = None) -> _R | None:
        """The record with this id when the view holds it, else ``default``."""
    @overload
    def get(self, id: object, default: _T) -> _R | _T: ...
    def records(self) -> Iterator[_R]:
        """The records as an iterator (faster than ``values()`` for a large view)."""
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    def of_kind(self, kind: str) -> RecordView[_R]:
        """The records of one kind (for matters and items: one list), as a new view.

        Raises ``InvalidInputError`` when the word is not in the vocabulary.
        """
    def filter(self, *, kind: str | None = None, sector: str | None = None) -> RecordView[_R]:
        """The records matching every criterion given, as a new view: ``kind`` (a kind, or a matter or
        item list) and ``sector`` (units only).

        Raises ``InvalidInputError`` when a word is not in its vocabulary.
        """
    def ids(self) -> list[str]:
        """The ids of the records in the view, in document order."""
    def to_dicts(self) -> list[RecordDict]:
        """The records as ``tiaokuai/1`` dicts, in document order."""
    def to_pandas(self) -> pd.DataFrame:
        """The records as a pandas DataFrame indexed by id, built column by column: ``name``,
        ``type`` (for ``model.records``), the type's fields with the names beside the ids they
        hold (``located_in`` and ``located_in_name`` …), ``level`` and ``grade`` (ordered
        categoricals, top first), ``attrs`` (dicts), ``since`` and ``until`` (dates). Counts are
        nullable integers (``Int64``), kinds, sectors and lists categoricals. Needs pandas
        (``pip install 'tiaokuai[pandas]'``).
        """
    def to_polars(self) -> pl.DataFrame:
        """The records as a polars DataFrame: the columns of :meth:`to_pandas` with ``id`` first,
        categoricals as ``Enum``, dates as ``Date``, ``attrs`` as JSON text. Needs polars
        (``pip install 'tiaokuai[polars]'``).
        """
    def to_arrow(self) -> pa.Table:
        """The records as a ``pyarrow.Table``: the columns of :meth:`to_polars`, categoricals as
        dictionary arrays, dates as ``date32``. Needs pyarrow (``pip install 'tiaokuai[arrow]'``).
        """
    def _repr_html_(self) -> str: ...

@final
class LinkView:
    """A live, read-only view of some links of a model, in document order: iterable, sized,
    indexable by position, filterable by kind, source and target.
    """

    def __len__(self) -> int: ...
    def __iter__(self) -> Iterator[Link]: ...
    def __getitem__(self, key: int, /) -> Link: ...
    def of_kind(self, kind: str) -> LinkView:
        """The links of one kind (``"leads"``, ``"x-custom"`` …), as a new view."""
    def filter(self, *, kind: str | None = None, source: str | None = None, target: str | None = None) -> LinkView:
        """The links matching every criterion given, as a new view: ``kind``, ``source`` (the id
        they start from) and ``target`` (the id they point to).

        Raises ``InvalidInputError`` for an unknown kind, ``UnknownIdError`` for an unknown id.
        """
    def to_dicts(self) -> list[LinkDict]:
        """The links as ``tiaokuai/1`` dicts, in document order."""
    def to_pandas(self) -> pd.DataFrame:
        """The links as a pandas DataFrame indexed by link index, built column by column:
        ``from``, ``from_name``, ``to``, ``to_name``, ``kind`` (categorical), ``primary``
        (nullable boolean), ``power``, ``role`` (categoricals), ``scope``, ``scope_name``,
        ``members`` (``Int64``), ``attrs`` (dicts), ``since`` and ``until`` (dates). Needs pandas
        (``pip install 'tiaokuai[pandas]'``).
        """
    def to_polars(self) -> pl.DataFrame:
        """The links as a polars DataFrame (the columns of :meth:`to_pandas` with ``index``
        first). Needs polars (``pip install 'tiaokuai[polars]'``).
        """
    def to_arrow(self) -> pa.Table:
        """The links as a ``pyarrow.Table`` (the columns of :meth:`to_polars`). Needs pyarrow
        (``pip install 'tiaokuai[arrow]'``).
        """
    def _repr_html_(self) -> str: ...

# ---------------------------------------------------------------------------
# Answers

@final
class Chain:
    """The answer of :meth:`Model.chain`: the units from one unit up to the top, one step per link.

    ``steps`` are dicts with ``id``, ``name``, ``kind``, ``via`` (the link kind followed into
    the unit, None for the first), ``link`` (that link's index), ``level`` and ``grade``.
    ``str(chain)`` is the plain-text table the CLI prints; notebooks show an HTML table.
    """

    @property
    def unit(self) -> str:
        """The id of the unit the chain starts from."""
    @property
    def name(self) -> str:
        """Its name."""
    @property
    def line(self) -> LineName:
        """The line followed: ``"leadership"``, ``"strip"`` or ``"all"``."""
    @property
    def steps(self) -> list[StepDict]:
        """The steps, starting with ``unit``: dicts with ``id``, ``name``, ``kind``, ``via``, ``link``,
        ``level`` and ``grade``.
        """
    @property
    def ids(self) -> list[str]:
        """The ids of the units on the chain, bottom first."""
    @property
    def top(self) -> str | None:
        """The id of the last unit reached (the top, or the unit before a cycle closes)."""
    @property
    def branches(self) -> list[BranchDict]:
        """Links upward not followed, at units with more than one of the kind followed: dicts
        with ``at``, ``leader``, ``name``, ``kind`` and ``link``.
        """
    @property
    def ambiguous(self) -> list[str]:
        """Ids of units on the chain with two or more leaders and not exactly one marked primary."""
    @property
    def cycle(self) -> list[str] | None:
        """When the walk stopped at a cycle: the ids around it, the repeated unit first and last."""
    @property
    def joins(self) -> str | None:
        """In a dispatch answer with several leads, the id of the unit where this chain joins
        a chain given earlier in the answer (its last step; the rest is there), else ``None``.
        """
    @property
    def evidence(self) -> list[Fact]:
        """The facts the answer rests on: links followed (``{"link", "from", "kind", "to"}``),
        fields read and links looked for and missing.
        """
    @property
    def uncertain(self) -> list[Fact]:
        """The facts of this answer resting on a record or link only possibly in force at the
        model's date (a record's ``since``/``until``, a link), as a list of dicts like
        ``evidence``; empty when the answer rests on nothing doubtful.
        """
    def to_dict(self) -> ChainDict:
        """The answer as a dict: the JSON the CLI prints."""
    def plot(self, ax: Axes | None = None) -> Axes:
        """Draws the chain as a small graph on matplotlib axes (new ones unless ``ax`` is given):
        the units bottom to top coloured by responsibility grade and labelled by name and id,
        the other leaders of dual-led units as dashed branches, a legend for the grades.
        Returns the axes. Needs matplotlib (``pip install 'tiaokuai[plot]'``); see
        :mod:`tiaokuai.plot`.
        """
    def __len__(self) -> int: ...
    def _repr_html_(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Responsibility:
    """The answer of :meth:`Model.responsible_for`: who answers for a place and for each
    territory containing it, nearest first ("block chain").

    ``blocks`` are dicts with ``territory``, ``name``, ``kind``, ``level``, ``grade`` and
    ``holders`` (the units with ``jurisdiction``: ``id``, ``name``, ``kind``, ``level``,
    ``grade``, ``link``); ``nobody`` lists the blocks without holders.
    """

    @property
    def territory(self) -> str:
        """The id of the territory asked about."""
    @property
    def name(self) -> str:
        """Its name."""
    @property
    def blocks(self) -> list[BlockDict]:
        """The territory and each containing territory, nearest first, with their holders."""
    @property
    def nobody(self) -> list[BlockDict]:
        """The blocks nobody holds jurisdiction over: "where is nobody"."""
    @property
    def holders(self) -> list[str]:
        """The ids of the units holding jurisdiction, nearest territory first, each once."""
    @property
    def evidence(self) -> list[Fact]:
        """The facts the answer rests on."""
    @property
    def uncertain(self) -> list[Fact]:
        """The facts of this answer resting on a record or link only possibly in force at the
        model's date (a record's ``since``/``until``, a link), as a list of dicts like
        ``evidence``; empty when the answer rests on nothing doubtful.
        """
    def to_dict(self) -> ResponsibilityDict:
        """The answer as a dict: the JSON the CLI prints."""
    def _repr_html_(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Dispatch:
    """The answer of :meth:`Model.dispatch`: who handles a matter in a place.

    ``leads``, ``cooperators`` and ``supervisors`` are dicts with ``unit``, ``name``, ``kind``,
    ``role``, ``at`` (where the link applies), ``at_name``, ``basis`` (``"scope"`` or
    ``"jurisdiction"``), ``link``, ``level`` and ``grade``. ``problem`` is None when exactly
    one lead applies, else ``"no_lead"`` or ``"several_leads"``.
    """

    @property
    def matter(self) -> str:
        """The matter's id."""
    @property
    def matter_name(self) -> str:
        """The matter's name."""
    @property
    def territory(self) -> str:
        """The id of the place asked about."""
    @property
    def territory_name(self) -> str:
        """Its name."""
    @property
    def resolved_at(self) -> str | None:
        """The id of the nearest territory (the place or one containing it) where a lead applies."""
    @property
    def leads(self) -> list[AssignmentDict]:
        """The leads applying at ``resolved_at``, in document order of the links."""
    @property
    def cooperators(self) -> list[AssignmentDict]:
        """The cooperators from the place up to ``resolved_at``, nearest first."""
    @property
    def supervisors(self) -> list[AssignmentDict]:
        """The supervisors, gathered like the cooperators."""
    @property
    def chains(self) -> list[Chain]:
        """The leadership chain above each lead, in the order of ``leads``."""
    @property
    def block(self) -> Responsibility:
        """The block chain of the place (as :meth:`Model.responsible_for` returns it)."""
    @property
    def problem(self) -> Literal["no_lead", "several_leads"] | None:
        """None when exactly one lead applies; else ``"no_lead"`` or ``"several_leads"``."""
    @property
    def evidence(self) -> list[Fact]:
        """The facts the answer rests on."""
    @property
    def uncertain(self) -> list[Fact]:
        """The facts of this answer resting on a record or link only possibly in force at the
        model's date (a record's ``since``/``until``, a link), as a list of dicts like
        ``evidence``; empty when the answer rests on nothing doubtful.
        """
    def to_dict(self) -> DispatchDict:
        """The answer as a dict: the JSON the CLI prints."""
    def _repr_html_(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

# ---------------------------------------------------------------------------
# The audit

@final
class Finding:
    """One finding of the audit: a rule, the record it is about, and the evidence (frozen)."""

    @property
    def rule(self) -> str:
        """The rule's code, e.g. ``"C001"``."""
    @property
    def name(self) -> str:
        """The rule's name, e.g. ``"no-party-org"``."""
    @property
    def severity(self) -> SeverityName:
        """``"error"``, ``"warning"`` or ``"info"``."""
    @property
    def subject(self) -> str:
        """The id of the record the finding is about (for A001–A004, the matter)."""
    @property
    def territory(self) -> str | None:
        """The id of the street/town the subject belongs to, when one can be told."""
    @property
    def message(self) -> str:
        """What is wrong, in plain English, naming ids and names."""
    @property
    def evidence(self) -> list[Fact]:
        """The links and fields the finding rests on, and the links looked for and not found."""
    @property
    def uncertain(self) -> list[Fact]:
        """The facts of this finding resting on a record or link only possibly in force at the
        model's date, as a list of dicts like ``evidence``; empty when none.
        """
    def to_dict(self) -> FindingDict:
        """The finding as a dict: the JSON the CLI prints."""
    def _repr_html_(self) -> str: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]

@final
class Timeline:
    """The metrics and the findings counted by rule at a series of dates (:meth:`Model.timeline`).

    ``rows`` are dicts (``date``, ``day``, ``errors``, ``warnings``, ``infos``,
    ``findings`` by rule, ``counts``, ``rates``); ``to_pandas()`` gives one row per date with
    ``day`` as a datetime, counts as ``Int64`` and rates as ``Float64``; ``plot()`` draws the
    counts as lines over time.
    """

    @property
    def rules(self) -> list[str]:
        """The codes of the rules that fire at some date, in catalogue order."""
    @property
    def dates(self) -> list[str]:
        """The dates, as written (``"2019"``, ``"2019-06"``, ``"2020-06-01"``)."""
    @property
    def rows(self) -> list[dict[str, Any]]:
        """One dict per date: ``date``, ``day``, ``errors``, ``warnings``, ``infos``, ``findings``
        (by rule code), ``counts`` and ``rates`` (summed over the streets and towns).
        """
    def to_dict(self) -> dict[str, Any]:
        """The timeline as a dict (``rules``, ``rows``): the JSON ``tiaokuai timeline --format json`` prints."""
    def to_pandas(self) -> pd.DataFrame:
        """The timeline as a pandas DataFrame indexed by ``date`` (as written), one row per date:
        ``day`` (the day it is read at, a datetime), ``errors``, ``warnings``, ``infos``, a
        column per rule (``Int64``) and the rates (``Float64``). Needs ``tiaokuai[pandas]``.
        """
    def to_polars(self) -> pl.DataFrame:
        """The timeline as a polars DataFrame. Needs ``tiaokuai[polars]``."""
    def to_arrow(self) -> pa.Table:
        """The timeline as a ``pyarrow.Table``. Needs ``tiaokuai[pyarrow]``."""
    def plot(self, columns: list[str] | None = None, ax: Axes | None = None) -> Axes:
        """Draws findings over time on matplotlib axes (new ones unless ``ax`` is given): one
        line per column of ``columns`` (default: ``errors``, ``warnings``, ``infos``; any rule
        code or rate name of :meth:`to_pandas` may be given), and returns the axes. Needs
        matplotlib (``pip install 'tiaokuai[plot]'``); see :mod:`tiaokuai.plot`.
        """
    def __len__(self) -> int: ...

@final
class Report:
    """The result of :meth:`Model.audit`: the findings (by rule code, then the subject's document
    order), a summary with counts by severity and rule, and the per-territory metrics.

    ``str(report)`` is the table the CLI prints; notebooks show an HTML table.
    """

    @property
    def findings(self) -> list[Finding]:
        """The findings, in a stable order."""
    @property
    def metrics(self) -> MetricsDict:
        """The per-territory metrics as a dict: ``townships``, ``districts``, ``cities``,
        ``provinces``, ``countries`` (lists of areas with ``id``, ``name``, ``kind``,
        ``parent``, ``townships``, ``counts`` and ``rates``), ``comparison`` (urban streets vs
        rural towns) and ``unplaced_units``.
        """
    @property
    def has_errors(self) -> bool:
        """True when some finding has severity error."""
    def summary(self) -> SummaryDict:
        """Counts by severity (``errors``, ``warnings``, ``infos``) and, under ``rules``, every rule
        of the catalogue with the severity it ran at (None when switched off) and its findings.
        """
    def count(self, severity: SeverityName) -> int:
        """The number of findings at a severity (``"error"``, ``"warning"`` or ``"info"``)."""
    def findings_of(self, rule: str) -> list[Finding]:
        """The findings of one rule, by code (``"C001"``) or name (``"no-party-org"``)."""
    def to_dict(self) -> ReportDict:
        """The report as a dict (``summary``, ``findings``, ``metrics``): the JSON the CLI prints."""
    def to_json(self) -> str:
        """The report as pretty JSON text."""
    def to_html(self, *, max_details: int = 20000, title: str | None = None) -> str:
        """The report as one self-contained HTML page (what ``tiaokuai report`` writes):
        drill-down by place with totals, filters, evidence, charts and chains, nothing
        fetched. ``max_details`` findings (worst first) carry message and evidence;
        ``title`` defaults to the model's ``meta.name``. The GIL is released.
        """
    def to_pandas(self) -> pd.DataFrame:
        """The findings as a pandas DataFrame, one row per finding, built column by column:
        ``rule``, ``name``, ``severity`` (an ordered categorical ``error < warning < info``, so
        ``sort_values("severity")`` puts errors first), ``subject``, ``subject_name``,
        ``territory``, ``territory_name``, ``message`` and ``evidence`` (a dict). Needs pandas
        (``pip install 'tiaokuai[pandas]'``).
        """
    def to_polars(self) -> pl.DataFrame:
        """The findings as a polars DataFrame (the columns of :meth:`to_pandas`; ``severity`` an
        ``Enum`` in that order, ``evidence`` JSON text). Needs polars (``pip install 'tiaokuai[polars]'``).
        """
    def to_arrow(self) -> pa.Table:
        """The findings as a ``pyarrow.Table`` (the columns of :meth:`to_polars`). Needs pyarrow
        (``pip install 'tiaokuai[arrow]'``).
        """
    def metrics_frame(
        self,
        level: Literal["street", "district", "city", "province", "country", "comparison"] = "street",
        *,
        library: _FrameLibrary = "pandas",
    ) -> Any:
        """The metrics of one level as a frame, one row per area, one column per count
        (``Int64``) and rate (``Float64``, missing where the denominator is 0): ``level`` is
        ``"street"`` (streets/towns, the default), ``"district"``, ``"city"``, ``"province"``,
        ``"country"`` or ``"comparison"`` (urban vs rural). ``library`` is ``"pandas"`` (the
        default; indexed by territory id), ``"polars"`` or ``"arrow"``; each needs its library.
        """
    def plot(self, ax: Axes | None = None) -> Axes:
        """Draws the findings by rule, one bar per rule split by severity, on matplotlib axes
        (new ones unless ``ax`` is given) and returns the axes. Needs matplotlib
        (``pip install 'tiaokuai[plot]'``); see :mod:`tiaokuai.plot`.
        """
    def plot_metrics(
        self,
        level: Literal["street", "district", "city", "province", "country", "comparison"] = "street",
        rate: Literal[
            "org_coverage",
            "org_coverage_with_members",
            "org_coverage_in_system",
            "org_coverage_out_of_system",
            "work_coverage",
            "dual_registration",
            "block_power",
            "matter_coverage",
        ] = "org_coverage",
        ax: Axes | None = None,
    ) -> Axes:
        """Draws one rate (``rate``, default ``"org_coverage"``) of the metrics of one ``level``
        (as :meth:`metrics_frame`) as bars per area, split in-system vs out-of-system for the
        organisational coverage, labelled by the areas' names, and returns the axes. Needs
        matplotlib (``pip install 'tiaokuai[plot]'``); see :mod:`tiaokuai.plot`.
        """
    def __len__(self) -> int: ...
    def _repr_html_(self) -> str: ...

@final
class ChangeSet:
    """A change set (``tiaokuai-change/1``, ``docs/change.md``): records and links to add,
    fields to update, records and links to end or remove. Made by :meth:`ChangeSet.load`,
    :meth:`ChangeSet.from_json` or :func:`diff`; applied with :meth:`Model.apply`.
    ``len()`` is the number of changes. Immutable.
    """

    @staticmethod
    def load(path: _Path) -> ChangeSet:
        """Reads a change set from a ``tiaokuai-change/1`` JSON file. Raises ``IoError`` when it
        cannot be read, and ``JsonSyntaxError``, ``InvalidFieldError`` … naming the section,
        index, id and field for invalid content.
        """
    @staticmethod
    def from_json(text: str | bytes) -> ChangeSet:
        """Reads a change set from ``tiaokuai-change/1`` JSON text (``str``, or UTF-8 ``bytes``)."""
    def to_json(self) -> str:
        """The change set as ``tiaokuai-change/1`` JSON text: deterministic, one change per line."""
    def to_dict(self) -> dict[str, Any]:
        """The change set as a dict in the ``tiaokuai-change/1`` form."""
    def save(self, path: _Path) -> None:
        """Writes the change set to ``path`` as JSON, atomically (a temporary file renamed into
        place). Raises ``IoError`` when writing fails.
        """
    def summary(self, model: Model | None = None) -> dict[str, Any]:
        """What the change does, grouped for people: a dict with ``added``, ``removed`` (record
        ids), ``ended`` (``{"id", "on"}``), ``changed`` (``{"id", "fields"}``), ``links_added``,
        ``links_removed`` (links as ``"from -kind-> to"`` text) and ``links_ended``
        (``{"link", "on"}``).

        A change set made by :func:`diff` knows its two models; for any other, pass the
        ``model`` it applies to (it is applied to a copy: ``RejectedError`` when it does not
        apply). Without either, ``InvalidInputError``.
        """
    def __len__(self) -> int: ...
    def __eq__(self, other: object, /) -> bool: ...

@final
class ScenarioOutcome:
    """The result of one scenario: every expectation checked, with what was expected and found.

    ``bool(outcome)`` is ``outcome.passed``; ``str(outcome)`` names the scenario and, for each
    failed check, the expected and actual values.
    """

    @property
    def name(self) -> str:
        """The scenario's name."""
    @property
    def path(self) -> str | None:
        """The file it came from, if any."""
    @property
    def passed(self) -> bool:
        """True when every check passed."""
    @property
    def failures(self) -> int:
        """The number of failed checks."""
    @property
    def checks(self) -> list[CheckDict]:
        """Every check, in the order of the file: dicts with ``what``, ``passed``, ``expected``
        and ``actual``.
        """
    def to_dict(self) -> OutcomeDict:
        """The outcome as a dict (``name``, ``path``, ``checks``)."""
    def __bool__(self) -> bool: ...
    def _repr_html_(self) -> str: ...

_Config: TypeAlias = Mapping[str, Any] | str | os.PathLike[str] | None
_Change: TypeAlias = ChangeSet | Mapping[str, Any] | str | bytes | os.PathLike[str]

# ---------------------------------------------------------------------------
# The model

@final
class Model:
    """A governance model: territories, units, matters, items and the typed links between them.

    A model is immutable and safe to share between threads; loading, audits and queries
    release the GIL. Create one with :func:`tiaokuai.load`, :meth:`Model.from_json`,
    :meth:`Model.from_dict`, :func:`tiaokuai.from_networkx`, :func:`tiaokuai.generate` or
    :func:`tiaokuai.import_divisions`.

    It behaves as a read-only mapping from id to record: ``len(model)`` counts the records,
    ``"id" in model`` tests for one, ``model["id"]`` returns it (``UnknownIdError``, a
    ``KeyError``, when missing) and iterating yields the ids in document order.
    """

    @staticmethod
    def load(
        path: _Path, *, max_bytes: int | None = None, at: _Date | None = None, progress: bool | None = None
    ) -> Model:
        """Loads a model from a path: a ``tiaokuai/1`` JSON file, a model image (``.tkz``, known by
        its first bytes, as :meth:`open` reads it), or a folder holding a CSV bundle.

        ``max_bytes`` limits the size of the input (default 4 GiB). Raises ``IoError`` when the
        path cannot be read and a subclass of ``TiaokuaiError`` naming the record, field and id
        for invalid content.

        ``at`` reads the model at a date (as :meth:`at`); by default it is read at the
        document's ``meta.as_of``, else with every record counting (never today's date).

        ``progress`` shows a tqdm bar of the records and links read from a JSON file: ``None``
        (the default) in a terminal or a notebook when tqdm is installed, ``True`` always
        (``ImportError`` without tqdm), ``False`` never.
        """
    @staticmethod
    def from_json(text: str | bytes, *, max_bytes: int | None = None) -> Model:
        """Reads a model from ``tiaokuai/1`` JSON text (``str``, or UTF-8 ``bytes`` with or without BOM)."""
    @staticmethod
    def open(path: _Path, *, max_bytes: int | None = None, at: _Date | None = None, map: bool = True) -> Model:
        """Opens a model image file (``.tkz``: written by :meth:`write` to a path ending in
        ``.tkz``, or by ``tiaokuai convert MODEL --to image``), a cache of the model's JSON that
        opens without parsing it. :func:`tiaokuai.load` opens images too; this refuses anything
        else. The GIL is released while it is read.

        ``max_bytes`` limits the size of the file (default 4 GiB). Raises ``ImageError`` for a
        file that is not an image (a JSON model among them), an image of another layout, or a
        damaged or truncated one; ``IoError`` when it cannot be read.

        ``at`` reads the model at a date, as :meth:`load` does (checked before the file is read).

        ``map`` (default True) maps the file: the model's largest tables then point into its
        pages, which every process that opens the same file shares (see :attr:`mapped_bytes`;
        docs/format.md "Model images"). Replace a mapped image by renaming a new file over it,
        never by writing into it: a file cut shorter under a mapping crashes the process that
        maps it (SIGBUS). ``map=False`` reads it into memory instead.
        """
    @staticmethod
    def from_image(data: bytes | bytearray | memoryview, *, max_bytes: int | None = None) -> Model:
        """Reads a model image from memory (``bytes``, as :meth:`to_image` gives them; a
        ``bytearray`` or ``memoryview`` too). The checksum is checked before anything is decoded,
        so a damaged or truncated image raises ``ImageError``, never gives a wrong model; so do
        bytes that are not an image and an image of another layout. A well-formed image whose
        document a JSON load would refuse raises what that JSON would. Anything else than bytes
        (a ``str`` among them) is a ``TypeError``. The GIL is released while it is decoded.
        """
    @staticmethod
    def from_dict(obj: Any, *, max_bytes: int | None = None) -> Model:
        """Reads a model from a dict in the ``tiaokuai/1`` form (as returned by :meth:`to_dict`
        or ``json.load``). Any mapping, list, tuple, str, int, float, bool or None is accepted
        inside; other values raise ``TypeError`` naming where they are.

        A NaN or infinite float anywhere (a JSON document cannot hold one) raises
        ``InvalidFieldError`` (a ``ValueError``) naming the record, its id and the field, and
        the path (``model['units'][7]['attrs']['bad']``). ``decimal.Decimal`` values (what
        attrs give back for numbers beyond a float's range) are written exactly.
        """
    @staticmethod
    def sample() -> Model:
        """The embedded sample model: Baoshan district (310113), Shanghai — real divisions,
        synthetic structure with deliberate gaps.
        """
    def to_json(self) -> str:
        """The model as ``tiaokuai/1`` JSON text: deterministic, one record per line."""
    def to_image(self) -> bytes:
        """The model as a model image (the bytes of a ``.tkz`` file): the whole document, history,
        people and meetings included. :meth:`from_image` reads them back into an equal model,
        whose :meth:`to_json` is the same text as this one's. The GIL is released while it is
        written.
        """
    def to_dict(self) -> dict[str, Any]:
        """The model as a dict in the ``tiaokuai/1`` form (integers in ``attrs`` of any size kept exactly)."""
    def write(self, path: _Path, *, format: Literal["json", "csv", "image"] | None = None) -> None:
        """Writes the model to ``path``: as JSON to a file, as a model image (what :meth:`open`
        reads) when ``format="image"`` or the path ends in ``.tkz``, or as a CSV bundle when
        ``format="csv"`` or the path is an existing folder or ends with a path separator. A
        ``format`` given wins over the path's ending (``format="json"`` writes JSON to
        ``m.tkz``). Files are written to a temporary file and renamed into place. Raises
        ``IoError`` when writing fails.
        """
    @property
    def meta(self) -> dict[str, Any] | None:
        """The document's ``meta`` object as a dict, or None."""
    @property
    def title(self) -> str | None:
        """The model's name (``meta.name``), or None."""
    @property
    def mapped_bytes(self) -> int:
        """The bytes of the model's tables that point into a mapped model image (:meth:`open`),
        shared with every process that maps the same file: 0 for a model read from JSON, CSV,
        .xlsx or bytes, or opened with ``map=False``."""
    @property
    def records(self) -> RecordView[Record]:
        """All records, in document order: territories, units, matters, items."""
    @property
    def territories(self) -> RecordView[Territory]:
        """The territories, in document order."""
    @property
    def units(self) -> RecordView[Unit]:
        """The units (organisations), in document order."""
    @property
    def matters(self) -> RecordView[Matter]:
        """The matters (事项), in document order."""
    @property
    def list_items(self) -> RecordView[Item]:
        """The items of the three lists (needs, resources, projects), in document order.

        Named ``items`` before 0.2; that name clashes with ``Mapping.items()``.
        """
    @property
    def items(self) -> RecordView[Item]:
        """Deprecated alias of :attr:`list_items` (warns ``DeprecationWarning``; removed in the
        next release, when ``Model`` becomes a ``collections.abc.Mapping`` whose ``items()``
        gives ``(id, record)`` pairs).
        """
    @property
    def meetings(self) -> list[dict[str, Any]]:
        """The meetings (三会: hearings, coordination and evaluation meetings, consultations), in
        document order, each a dict with the format's fields: ``id``, ``kind``, ``territory``,
        ``date`` (text, as written), and ``convener``, ``topics`` and ``attrs`` when given.
        Every meeting of the document, whatever date the model is read at.
        """
    def meetings_frame(
        self,
        by: Literal["community", "street"] = "community",
        year: int | None = None,
        *,
        library: _FrameLibrary = "pandas",
    ) -> Any:
        """Meetings held per community (``by="community"``, the default) or street
        (``by="street"``) per year, one row per place and year with any meeting: the
        meetings of each kind (``hearing``, ``coordination``, ``evaluation``,
        ``consultation``, ``other``), all of them (``meetings``), and the projects heard
        and evaluated that year. ``year`` keeps one year. Meetings dated after the model's
        date are left out. ``library`` is ``"pandas"`` (the default), ``"polars"`` or
        ``"arrow"``; each needs its library.
        """
    @property
    def links(self) -> LinkView:
        """The links, in document order."""
    @overload
    def get(self, id: str, default: None = None) -> Record | None:
        """The record with this id, or ``default``."""
    @overload
    def get(self, id: str, default: Any) -> Any: ...
    def links_from(self, id: str, kind: str | None = None) -> list[Link]:
        """The links leaving the record ``id``, of one kind or all (grouped by kind), in document order."""
    def links_to(self, id: str, kind: str | None = None) -> list[Link]:
        """The links arriving at the record ``id``, of one kind or all (grouped by kind), in document order."""
    def chain(self, unit: str, line: LineName = "leadership") -> Chain:
        """The chain of a unit, from it up to the top along ``line``: ``"leadership"`` (``leads``
        links; at a dual-led unit the primary leader, the others reported as branches),
        ``"strip"`` (``dispatches``, else ``guides``, up to the department, then ``leads``) or
        ``"all"`` (``leads``, and the strip where a unit has no leader). A cycle never loops:
        the chain stops and says where. The GIL is released.

        Raises ``UnknownIdError`` for an unknown id, ``WrongRecordTypeError`` when it is not a
        unit, ``InvalidInputError`` for an unknown line.
        """
    def chains(self, units: list[str], line: LineName = "leadership") -> list[Chain]:
        """The chains of many units along one line, in the order given (the GIL is released once for all)."""
    def holders(self, unit: str) -> list[dict[str, Any]]:
        """Who holds which post in ``unit`` at the model's date: a list of dicts (``person``,
        ``person_name``, ``unit``, ``unit_name``, ``post``, ``principal``, ``band``, ``grade``,
        ``channel``, ``since``, ``until``, ``link``, ``uncertain``; absent keys were not given).

        Raises ``UnknownIdError``, ``WrongRecordTypeError`` when it is not a unit,
        ``NotInForceError`` when the unit is out of force at the date.
        """
    def posts(self, person: str) -> list[dict[str, Any]]:
        """Every post ``person`` holds at the model's date (concurrent posts included), as
        :meth:`holders` gives them.

        Raises ``UnknownIdError``, ``WrongRecordTypeError`` when it is not a person,
        ``NotInForceError`` when the person is out of force at the date.
        """
    def tenure(self, person: str | None = None, unit: str | None = None) -> list[dict[str, Any]]:
        """Tenure up to the model's date, per person, unit and post: a list of dicts (``person``,
        ``unit``, ``unit_name``, ``post``, ``terms``, ``days``, ``years``, ``since``,
        ``current``), for one person and/or one unit when given.

        Raises ``UnknownIdError`` or ``WrongRecordTypeError`` for an id that names no person
        (no unit).
        """
    def people_metrics(self, level: Literal["street", "district", "city"] = "street") -> list[dict[str, Any]]:
        """People metrics at the model's date, one dict per area of ``level`` (``"street"``:
        streets/towns, the default; ``"district"``; ``"city"``): ``id``, ``name``, ``kind``,
        ``principal_units`` and ``vacancies``, ``secretaries`` and ``secretary_days``,
        ``villages`` and ``one_shoulder`` (一肩挑), ``led_committees`` and ``cross_appointed``,
        ``community_workers``, ``bands`` (chief, deputy, other, none) and ``channels``
        (grassroots, open recruitment, assigned, other, none), and the rates
        ``vacancy_rate``, ``secretary_tenure_years``, ``one_shoulder_rate`` and
        ``cross_appointment_rate`` (None where the denominator is 0). A model without people
        gives zero counts and no rates; ``pandas.DataFrame(model.people_metrics())`` makes a
        frame. The GIL is released while they are counted.

        Raises ``InvalidInputError`` for another level.
        """
    def responsible_for(self, territory: str) -> Responsibility:
        """The block chain of a territory: the units with jurisdiction over it and over each
        containing territory, nearest first, with their grades; territories nobody answers for
        are listed without holders. The GIL is released.

        Raises ``UnknownIdError`` for an unknown id, ``WrongRecordTypeError`` when it is not a territory.
        """
    def dispatch(self, matter: str, territory: str) -> Dispatch:
        """Who handles ``matter`` in ``territory``: the lead(s) at the nearest level (the place or
        a territory containing it) where ``responsible`` links for the matter apply, the
        cooperators and supervisors, the chain above each lead and the block chain of the place.
        No lead, or several at one level, is reported in ``problem``. The GIL is released.

        Raises ``UnknownIdError`` for an unknown id, ``WrongRecordTypeError`` when ``matter`` is
        not a matter or ``territory`` not a territory.
        """
    def audit(self, config: _Config = None, *, max_bytes: int | None = None, threads: int = 0) -> Report:
        """Runs the coverage audit — "where is nobody" — and returns the :class:`Report`.

        ``config`` is None (every rule at its default severity and thresholds), a dict in the
        audit config format (``{"rules": {"C003": "off", "no-party-org": "error"},
        "thresholds": {"min_members_for_org": 3}, "profiles": {"shanghai": True}}``) or the path
        of a ``.json`` or ``.toml`` config file. The GIL is released while the rules run.

        Raises ``InvalidInputError`` for an invalid config, ``IoError`` for an unreadable file.

        ``max_bytes`` limits the size of the config (a file is never read past it; default
        4 GiB); the config follows the model's JSON rules (a key given twice, a byte-order
        mark, depth, counts): see ``docs/rules.md``.

        ``threads`` is the most threads the audit runs on: 0 (the default) one per core for a
        model of 100,000 records or more, 1 this thread alone. The report is the same whatever
        the number.
        """
    def timeline(
        self,
        config: _Config = None,
        *,
        from_: _Date | None = None,
        to: _Date | None = None,
        every: Literal["year", "quarter", "month"] | None = None,
        max_bytes: int | None = None,
        threads: int = 0,
    ) -> Timeline:
        """The metrics and the findings counted by rule at a series of dates: each ``every``
        (``"year"``, ``"quarter"`` or ``"month"``, read as the period's last day) from ``from_``
        to ``to``, or, without ``every``, every day on which some record or link changes
        (within ``from_`` … ``to`` when given). Dates are ``str`` (``"2014"``, ``"2014-06"``,
        ``"2014-06-30"``) or ``datetime.date``; ``config`` as for :meth:`audit`. Returns a
        :class:`Timeline` (``to_pandas()``, ``plot()``). The GIL is released while it runs.
        ``threads`` as for :meth:`audit` (the dates are shared between them; the same rows).
        """
    def apply(self, change: _Change) -> Model:
        """The model with a change set applied (``docs/change.md``): ``change`` is a
        :class:`ChangeSet`, a path to a ``tiaokuai-change/1`` file (``str`` or
        ``os.PathLike``), its JSON text (a ``str`` starting with ``{``, or ``bytes``) or a dict.
        Returns a new model; this one is untouched. A change that does not apply (an id that is
        not there, an id added twice, a result that is not a valid model) raises
        ``RejectedError`` whose ``problems`` lists every problem; a change set that cannot be
        read raises ``JsonSyntaxError``, ``InvalidFieldError`` … naming the section and field.
        """
    def whatif(self, change: _Change, config: _Config = None) -> WhatIf:
        """What a change does to the gaps, without changing the model (``docs/whatif.md``):
        ``change`` as for :meth:`apply`, ``config`` as for :meth:`audit`. Returns a
        :class:`WhatIf`, a dict: ``resolved``, ``introduced`` and ``left`` (lists of finding
        dicts with ``to_pandas()``; each resolved or introduced finding names, under
        ``changes``, the changes that caused it), ``metrics_before``, ``metrics_after`` and
        ``examined`` (how it was computed), with ``.resolved``/``.introduced``/``.left``,
        ``.metrics()``, ``.summary()`` and an HTML view. Raises as :meth:`apply`.
        """
    def whatif_dates(self, from_: _Date, to: _Date, config: _Config = None) -> WhatIf:
        """What happened to the gaps between two dates of this model (a reform as dated
        records): the same :class:`WhatIf` as :meth:`whatif`, the changes being the records and links
        whose standing differs between ``from_`` and ``to`` (``str`` such as ``"2014"`` or
        ``datetime.date``). ``config`` as for :meth:`audit`.
        """
    def to_networkx(self, *, progress: bool | None = None) -> nx.MultiDiGraph:
        """The model as a ``networkx.MultiDiGraph``: one node per record (keyed by id, in document
        order) and one edge per link (keyed by its index in ``links``).

        Node attributes: ``type`` (``"territory"`` …) and every field of the record as the
        format writes it (``name``, ``kind`` or ``list``, ``sector``, ``parent``, ``located_in``,
        ``members`` as int, ``attrs`` as dict …), plus the derived ``level`` and ``grade`` (None
        when there is none). Edge attributes: ``kind`` and the link's other fields (``primary``,
        ``power``, ``role``, ``scope``, ``members``, ``attrs``, ``since``, ``until``) when set.
        The graph's ``graph["meta"]`` is the model's meta. Meetings are neither records nor
        links: the graph does not carry them (``to_dict()`` does). Needs networkx
        (``pip install 'tiaokuai[networkx]'``).

        ``progress`` shows a tqdm bar (records, then links): ``None`` (the default) shows it
        in a terminal or a notebook when tqdm is installed, ``True`` always (``ImportError``
        without tqdm), ``False`` never.
        """
    def _repr_html_(self) -> str: ...
    def at(self, date: _Date) -> Model:
        """The model as it stood on ``date`` (``"2017"``, ``"2017-05"``, ``"2017-05-03"`` or a
        ``datetime.date``): records and links out of force at that date are left out of every
        lookup, query, audit and metric; those only possibly in force (a reduced date such as
        ``"2015"`` around it) stay, and answers resting on them list them in ``uncertain``.
        Cheap: the new model shares the document. Writing it writes the whole document (see
        :meth:`snapshot`).

        Raises ``InvalidInputError`` for a malformed date (``"2019-13"``, ``"20190101"``,
        ``"2019-02-30"``), ``TypeError`` for anything but a str or a date.
        """
    def whole(self) -> Model:
        """The model with every record and link counting, whatever their dates (the reading of
        a document without ``meta.as_of``).
        """
    @property
    def date(self) -> str | None:
        """The date the model is read at, as written (``"2017-05-03"``, ``"2015"`` …): the one given
        to :meth:`at` (or ``load(at=)``), else the document's ``meta.as_of``; ``None`` when every
        record counts.
        """
    @property
    def as_of(self) -> str | None:
        """The document's ``meta.as_of`` when it is a date: the date a loaded model is read at;
        ``None`` otherwise.
        """
    def snapshot(self) -> Model:
        """The model as it stands at its date, as a document of its own: the records and links in
        force (or possibly in force) at :attr:`date`, with ``meta.as_of`` set to it. Writing the
        snapshot writes only what it holds; the queries on it answer as on the view.
        """
    @staticmethod
    def _unpickle(text: str | bytes, date: str | None) -> Model: ...
    def __len__(self) -> int: ...
    def __contains__(self, key: object, /) -> bool: ...
    def __getitem__(self, key: str, /) -> Record: ...
    def __iter__(self) -> Iterator[str]: ...
    def __eq__(self, value: object, /) -> bool: ...
    def __ne__(self, value: object, /) -> bool: ...
    __hash__: ClassVar[None]  # type: ignore[assignment]
    def __reduce__(self) -> tuple[Any, tuple[str, str | None]]: ...

# ---------------------------------------------------------------------------
# Functions

def load(path: _Path, *, max_bytes: int | None = None, at: _Date | None = None, progress: bool | None = None) -> Model:
    """Loads a model from a path: a ``tiaokuai/1`` JSON file, a model image (``.tkz``), or a
    folder holding a CSV bundle.

    ``max_bytes`` limits the size of the input (default 4 GiB). Raises ``IoError`` when the
    path cannot be read, and a subclass of ``TiaokuaiError`` naming the record, field and id
    for invalid content.
    """

def sample() -> Model:
    """The embedded sample model: Baoshan district (310113), Shanghai."""

def from_networkx(graph: Any, *, max_bytes: int | None = None) -> Model:
    """Builds a model from a NetworkX graph shaped like :meth:`Model.to_networkx`'s: every node
    needs a ``type`` attribute (``"territory"``, ``"unit"``, ``"matter"`` or ``"item"``); the
    other node attributes are the record's fields (``level`` and ``grade`` are derived and
    ignored); every edge's attributes are the link's fields, with ``kind`` required. Records
    keep the graph's node order; links are ordered by integer edge keys when the graph is a
    multigraph keyed by integers, else in the graph's edge order. ``graph["meta"]`` becomes
    the meta. Raises ``InvalidInputError`` naming the node for a missing or unknown ``type``,
    and for an undirected graph (``nx.Graph``, ``nx.MultiGraph``: an edge without a direction
    cannot say which end leads); ``InvalidFieldError`` naming the record and field for a NaN
    or infinite float; the usual loading errors for invalid fields; and ``TypeError`` for what
    is not a graph. ``max_bytes`` limits the size of the model's JSON form, as for :func:`load`.
    """

_CaseTable: TypeAlias = Literal["territory", "unit", "matter", "month", "source", "findings", "problems", "cases"]

@final
class Cases:
    """The result of :func:`cases`: the summary, the problem rows, and the tables as frames.

    Tables (``table=``): ``"territory"`` (every level: grid and community cases roll up),
    ``"unit"`` (the unit that kept the case), ``"matter"``, ``"month"``, ``"source"``
    (the log's ``source``: ``hotline``, ``patrol``, …; each with a
    ``findings`` column splitting the cases whose territory or lead unit carries audit
    findings), ``"findings"`` (the two rows), ``"problems"`` and ``"cases"`` (one row per
    case, only with ``keep_cases=True``). See docs/cases.md for every measure.
    """

    @property
    def summary(self) -> dict[str, Any]:
        """The headline numbers as a dict: ``rows``, ``events``, ``all``, ``with_findings``,
        ``without_findings`` (each a dict of counts and sums), ``reopened``, ``problems``,
        ``peak_open``, ``views``, ``on_time_days``.
        """
    @property
    def problems(self) -> list[dict[str, Any]]:
        """The rows that could not be used: dicts with ``row``, ``case``, ``kind``, ``message``."""
    def to_pandas(self, table: _CaseTable = "territory") -> pd.DataFrame:
        """One table as a pandas DataFrame (typed columns: counts ``Int64``, means ``Float64``,
        ``findings`` boolean, ``level``/``class``/``kind`` categorical). Needs ``tiaokuai[pandas]``.

        Raises ``InvalidInputError`` for an unknown table name.
        """
    def to_polars(self, table: _CaseTable = "territory") -> pl.DataFrame:
        """One table as a polars DataFrame. Needs ``tiaokuai[polars]``."""
    def to_arrow(self, table: _CaseTable = "territory") -> pa.Table:
        """One table as a ``pyarrow.Table`` (the columns of :meth:`to_pandas`: counts ``int64``,
        means ``float64``, ``level``/``class``/``kind`` dictionary arrays, dates ``date32``).
        Needs pyarrow (``pip install 'tiaokuai[pyarrow]'``): without it, ``ImportError``
        names the extra.

        Raises ``InvalidInputError`` for an unknown table name.
        """

def cases(
    model: Model,
    log_path: str | os.PathLike[str],
    *,
    on_time: float = 15.0,
    keep_cases: bool = False,
    config: _Config = None,
) -> Cases:
    """Replays a case log (CSV with one event per row or one row per case, or JSON Lines)
    against ``model``, each case at its report date: classified right, misrouted, gap
    (no lead, several leads), unknown or undispatched, with returns, A→B→A cycles, times,
    on-time closure (``on_time`` days, report → close) and satisfaction. Bad rows are
    listed in ``problems``, never raised. ``keep_cases=True`` keeps one row per case (the
    ``"cases"`` table; memory then grows with the log). ``config`` is an audit config (a
    path or dict) for the findings split. The GIL is released.

    Raises ``IoError`` when the log cannot be read, ``CsvError`` when its header lacks the
    required columns.
    """

def generate(
    scale: Literal["district", "city", "national"] = "district",
    seed: int = 0,
    *,
    prefix: str | None = None,
    history: bool = False,
    meetings: bool = False,
    people: bool = False,
) -> Model:
    """Generates a synthetic but realistic model on the real division skeleton, deterministically
    for a seed: ``"district"`` (Baoshan, about 10,000 records), ``"city"`` (Shanghai, about
    300,000 units) or ``"national"`` (all of China, about 5 million units, several GB).
    ``prefix`` generates on another part of the division tree (a 2-, 4-, 6- or 9-digit code)
    at the scale's density. Records carrying a deliberate defect have ``attrs["gaps"]``.
    ``history=True`` dates about a quarter of the links and a twelfth of the units, links
    within their ends' lives but for a few T002 gaps (``tiaokuai generate --history``),
    ``meetings=True`` adds the communities' meetings of 2021–2023 (``--meetings``),
    ``people=True`` a principal for every Party organisation,
    government, department, agency and committee with a decade of terms, and community
    workers at 18 per 10,000 residents (``--people``; deliberate P-gaps marked on the
    ``holds`` links and townships). Without them the model is the same as before.
    The GIL is released.

    Raises ``InvalidInputError`` for an unknown scale or division prefix.
    """

def generate_cases(
    model: Model,
    log_path: str | os.PathLike[str],
    cases: int,
    *,
    seed: int = 1,
    days: int = 365,
    key_path: str | os.PathLike[str] | None = None,
) -> dict[str, int]:
    """Writes a synthetic case log for ``model`` to ``log_path`` (CSV, one event per row, in
    time order): ``cases`` cases reported over ``days`` days from 2024-01-01, with known
    shares of gaps, misrouted, returned and A→B→A cases, and, when ``key_path`` is given,
    the answer key there (``case, class, leads, unit, returns, cycle, closed``). Returns
    the counts written (``cases``, ``events``, ``returns``, ``cycles``, ``open`` and one per
    class). Files are written atomically. The GIL is released.

    Raises ``InvalidInputError`` for a model without matters, territories or two units.
    """

def import_divisions(
    code: str = "all",
    *,
    tables: str | os.PathLike[str] | None = None,
    previous: str | os.PathLike[str] | None = None,
    changed_on: _Date | None = None,
) -> Model:
    """Imports the territory tree of a division code prefix from the embedded NBS 2023 tables:
    ``"all"`` (or ``""``) for all of China, or a 2-, 4-, 6- or 9-digit code (``"31"`` is
    Shanghai, ``"310113"`` Baoshan district). The model holds territories only; its ``meta``
    names the source. The GIL is released.

    ``tables`` reads the division list from a folder instead (``provinces.csv``,
    ``cities.csv``, ``areas.csv``, ``streets.csv``, the layout of ``data/divisions/``).
    ``previous`` (a folder of the same layout) and ``changed_on`` (the day the new codes took
    effect, a ``str`` or ``datetime.date``) go together: the model then also records what
    changed since the previous list. Codes only in it end the day before ``changed_on``,
    codes only in the new list start that day, a renamed code keeps ``former_name`` in its
    attrs, and ``succeeded_by`` links say ``recode``, ``merge`` or ``split`` where the names
    show it. What the names cannot settle is left unlinked and listed in
    ``meta["unmatched"]``.

    Raises ``InvalidInputError`` for a malformed or unknown code, a malformed ``changed_on``,
    or ``previous`` without ``changed_on`` (or the reverse); ``IoError`` for an unreadable
    folder and ``CsvError`` for a malformed table (naming the file and line).
    """

def rules() -> list[RuleDict]:
    """The rule catalogue: one dict per rule, in catalogue order (S, C, D, A, B, L, T), with ``code``,
    ``name``, ``family``, ``default_severity``, ``profile``, ``summary`` and ``source``.
    """

def diff(a: Model, b: Model) -> ChangeSet:
    """The change set that turns model ``a`` into model ``b``: applying it to ``a`` gives a
    model equal to ``b`` (``docs/change.md``). Neither model is changed; the GIL is
    released while it runs. Its :meth:`ChangeSet.summary` groups what changed.
    """

def run_scenario(path: _Path, *, max_bytes: int | None = None) -> ScenarioOutcome:
    """Reads and runs a scenario file: a model (inline, or ``model_file`` relative to the
    scenario) with its expected findings, chains, block chains, dispatches and metrics. The
    GIL is released. A scenario whose expectations fail is not an error: check
    ``outcome.passed`` (or ``bool(outcome)``).

    ``max_bytes`` limits the size of the scenario file and of the model file it names (each is
    never read past it; default 4 GiB). The scenario follows the model's JSON rules (a key
    given twice is an error naming it, a byte-order mark is skipped, at most 127 levels
    deep), and an inline model is read exactly as a model file is.

    Raises ``IoError`` when the file cannot be read, ``InvalidInputError`` for a malformed
    scenario, ``TooLargeError`` over ``max_bytes``, and the model's loading errors.
    """
