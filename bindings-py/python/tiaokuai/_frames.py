"""Data frames from the columns the native module packs (see ``bindings-py/src/frames.rs``).

Each column is a tuple ``(name, type, len, a, b, c, d)`` holding Arrow's buffers (values,
offsets, validity bitmaps). With pyarrow installed they become Arrow arrays without a copy,
and pandas and polars frames are made from those (pyarrow's and polars' own converters, in
C++ and Rust); without it, numpy wraps the buffers. Column types become:

========  ===========================  ====================  ===================
type      pandas                       polars                pyarrow
========  ===========================  ====================  ===================
str       ``str`` (object before 3)    ``String``            ``large_string``
int       ``Int64`` (nullable)         ``Int64``             ``int64``
float     ``Float64`` (nullable)       ``Float64``           ``float64``
bool      ``boolean`` (nullable)       ``Boolean``           ``bool``
date      ``datetime64``               ``Date``              ``date32``
category  ``category`` (ordered?)      ``Enum``              ``dictionary``
json      objects (dicts, lists)       ``String`` (JSON)     ``large_string``
========  ===========================  ====================  ===================
"""

from __future__ import annotations

import importlib.util
from typing import Any

Columns = list[tuple[str, str, int, Any, Any, Any, Any]]


def _has_pyarrow() -> bool:
    try:
        return importlib.util.find_spec("pyarrow") is not None
    except ValueError:  # a module set to None in sys.modules (as tests do to hide it)
        return False


def _arrow_arrays(columns: Columns) -> dict[str, Any]:
    import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]

    buf = pa.py_buffer
    arrays: dict[str, Any] = {}
    for name, ty, n, a, b, c, d in columns:
        if ty in ("str", "json"):
            arrays[name] = pa.Array.from_buffers(pa.large_string(), n, [buf(c), buf(b), buf(a)])
        elif ty == "category":
            codes = pa.Array.from_buffers(pa.int32(), n, [buf(b), buf(a)])
            arrays[name] = pa.DictionaryArray.from_arrays(codes, pa.array(c, type=pa.string()), ordered=bool(d))
        else:
            arrow_type = {"int": pa.int64(), "float": pa.float64(), "bool": pa.bool_(), "date": pa.date32()}[ty]
            arrays[name] = pa.Array.from_buffers(arrow_type, n, [buf(b), buf(a)])
    return arrays


def to_arrow(columns: Columns) -> Any:
    """The columns as a ``pyarrow.Table``."""
    import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]

    return pa.table(_arrow_arrays(columns))


def to_pandas(columns: Columns, index: str | None = None) -> Any:
    """The columns as a pandas DataFrame (indexed by the column ``index`` when given)."""
    import pandas as pd  # type: ignore[import-untyped, import-not-found, unused-ignore]

    if _has_pyarrow():
        import pyarrow as pa  # type: ignore[import-untyped, import-not-found, unused-ignore]

        nullable = {pa.int64(): pd.Int64Dtype(), pa.float64(): pd.Float64Dtype(), pa.bool_(): pd.BooleanDtype()}
        table = pa.table(_arrow_arrays(columns))
        frame = table.to_pandas(types_mapper=nullable.get, date_as_object=False)
        for name, ty, _, _, _, _, objects in columns:
            if ty == "json":
                frame[name] = pd.Series(objects, dtype=object, index=frame.index)
    else:
        frame = pd.DataFrame(_numpy_columns(columns, pd))
    if index is not None:
        frame = frame.set_index(index)
    return frame


def to_polars(columns: Columns) -> Any:
    """The columns as a polars DataFrame."""
    import polars as pl  # type: ignore[import-not-found, unused-ignore]

    if _has_pyarrow():
        frame: Any = pl.from_arrow(to_arrow(columns))
        enums = {name: pl.Enum(c) for name, ty, _, _, _, c, _ in columns if ty == "category"}
        return frame.with_columns([pl.col(name).cast(enum) for name, enum in enums.items()])
    np = _np()
    series = []
    for name, ty, n, a, b, c, _ in columns:
        if ty in ("str", "json"):
            s = pl.Series(name, _strings(n, a, b, c), dtype=pl.String)
        elif ty == "category":
            codes = pl.Series(np.frombuffer(a, dtype="=i4").astype("int64"))
            missing = np.flatnonzero(_missing(n, b))
            if len(missing):
                codes = codes.scatter(missing, None)
            s = pl.Series(name, c, dtype=pl.Enum(c)).gather(codes.cast(pl.UInt32))
        else:
            if ty == "bool":
                s = pl.Series(name, _bits(n, a)).cast(pl.Boolean)
            else:
                s = pl.Series(name, np.frombuffer(a, dtype={"int": "=i8", "float": "=f8", "date": "=i4"}[ty]))
                if ty == "date":
                    s = s.cast(pl.Date)
            missing = np.flatnonzero(_missing(n, b))
            if len(missing):
                s = s.scatter(missing, None)
        series.append(s.alias(name))
    return pl.DataFrame(series)


# Without pyarrow: numpy over the same buffers.


def _np() -> Any:
    import numpy as np

    return np


def _bits(n: int, bitmap: bytes) -> Any:
    np = _np()
    return np.unpackbits(np.frombuffer(bitmap, dtype=np.uint8), bitorder="little")[:n].astype(bool)


def _missing(n: int, validity: bytes) -> Any:
    return ~_bits(n, validity)


def _strings(n: int, data: bytes, offsets: bytes, validity: bytes) -> list[str | None]:
    ends = _np().frombuffer(offsets, dtype="=i8").tolist()
    present = _bits(n, validity).tolist()
    return [data[ends[i] : ends[i + 1]].decode() if present[i] else None for i in range(n)]


def _numpy_columns(columns: Columns, pd: Any) -> dict[str, Any]:
    np = _np()
    str_dtype: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
    data: dict[str, Any] = {}
    for name, ty, n, a, b, c, d in columns:
        if ty == "str":
            data[name] = pd.Series(_strings(n, a, b, c), dtype=str_dtype)
        elif ty == "json":
            data[name] = pd.Series(d, dtype=object)
        elif ty == "int":
            data[name] = pd.arrays.IntegerArray(np.frombuffer(a, dtype="=i8").copy(), _missing(n, b))
        elif ty == "float":
            data[name] = pd.arrays.FloatingArray(np.frombuffer(a, dtype="=f8").copy(), _missing(n, b))
        elif ty == "bool":
            data[name] = pd.arrays.BooleanArray(_bits(n, a), _missing(n, b))
        elif ty == "date":
            days = np.frombuffer(a, dtype="=i4").astype("int64").view("datetime64[D]")
            days[_missing(n, b)] = np.datetime64("NaT")
            data[name] = pd.Series(days.astype("datetime64[ms]"))
        elif ty == "category":
            codes = np.frombuffer(a, dtype="=i4")
            data[name] = pd.Categorical.from_codes(codes, categories=pd.Index(c, dtype=str_dtype), ordered=bool(d))
        else:  # pragma: no cover - the native module only sends the types above
            raise ValueError(f"unknown column type {ty!r}")
    return data
