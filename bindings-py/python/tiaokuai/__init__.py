"""tiaokuai (条块): a city's governance as a typed graph — who is accountable, and where is nobody.

Load a model, ask who is accountable (:meth:`Model.chain`, :meth:`Model.responsible_for`,
:meth:`Model.dispatch`) and where is nobody (:meth:`Model.audit`)::

    import tiaokuai
    model = tiaokuai.sample()                      # or tiaokuai.load("model.json")
    print(model.chain("yyl-c01-party"))            # up the leadership line
    report = model.audit()
    report.to_pandas()                             # findings as a DataFrame

Every error is a :class:`TiaokuaiError`; each kind of error has its own subclass that also
derives from the builtin that fits (:class:`UnknownIdError` is a ``KeyError``, :class:`IoError`
an ``OSError`` with ``errno`` set, and a ``FileNotFoundError``, ``PermissionError``,
``IsADirectoryError`` … where one fits; the others ``ValueError``). Loading, audits and queries release the GIL.
pandas, polars, pyarrow, networkx and matplotlib are optional:
``pip install 'tiaokuai[pandas,networkx,plot]'``. In a notebook, models, views, records, findings,
reports and answers show as HTML tables, and ``report.plot()``, ``report.plot_metrics()`` and
``chain.plot()`` draw them (:mod:`tiaokuai.plot`).
"""

from . import plot, types
from ._tiaokuai import (
    FORMAT,
    Chain,
    ChangedError,
    CsvError,
    DanglingReferenceError,
    Dispatch,
    DuplicateIdError,
    FileExistsIoError,
    FileNotFoundIoError,
    Finding,
    FormatError,
    InvalidCountError,
    InvalidFieldError,
    InvalidInputError,
    IoError,
    IsADirectoryIoError,
    Item,
    JsonSyntaxError,
    Link,
    LinkView,
    Matter,
    Model,
    NotADirectoryIoError,
    NotInForceError,
    PermissionIoError,
    Record,
    RecordView,
    Report,
    Responsibility,
    Territory,
    TerritoryCycleError,
    TiaokuaiError,
    Timeline,
    TooLargeError,
    Unit,
    UnknownIdError,
    UnknownWordError,
    WrongEndpointError,
    WrongRecordTypeError,
    __version__,
    from_networkx,
    generate,
    import_divisions,
    load,
    rules,
    run_scenario,
    sample,
)

__all__ = [
    "FORMAT",
    "Chain",
    "ChangedError",
    "CsvError",
    "DanglingReferenceError",
    "Dispatch",
    "DuplicateIdError",
    "FileExistsIoError",
    "FileNotFoundIoError",
    "Finding",
    "FormatError",
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
    "Record",
    "RecordView",
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
    "from_networkx",
    "generate",
    "import_divisions",
    "load",
    "plot",
    "rules",
    "run_scenario",
    "sample",
    "types",
]
