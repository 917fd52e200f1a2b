"""Data frames from the columns the native module packs (see ``bindings-py/src/frames.rs``).

Each column is a tuple ``(name, type, a, b, c)``: numbers come as native-endian buffers
with a byte mask (1 = missing), wrapped here with numpy without a Python object per cell.
Types map to frame types as follows:

========  ==========================  ====================  ==================
type      pandas                      polars                pyarrow
========  ==========================  ====================  ==================
str       ``str`` (object before 3)   ``String``            ``string``
int       ``Int64`` (nullable)        ``Int64``             ``int64``
float     ``Float64`` (nullable)      ``Float64``           ``float64``
bool      ``boolean`` (nullable)      ``Boolean``           ``bool``
date      ``datetime64[s]``           ``Date``              ``date32``
category  ``category`` (ordered?)     ``Enum``              ``dictionary``
json      objects (dicts, lists)      ``String`` (JSON)     ``string`` (JSON)
========  ==========================  ====================  ==================
"""

from __future__ import annotations

from typing import Any

Columns = list[tuple[str, str, Any, Any, Any]]


def _np() -> Any:
    import numpy as np

    return np


def _mask(b: bytes) -> Any:
    return _np().frombuffer(b, dtype=_np().uint8).astype(bool)


def _values(a: bytes, dtype: str) -> Any:
    return _np().frombuffer(a, dtype=dtype).copy()


def to_pandas(columns: Columns, index: str | None = None) -> Any:
    """The columns as a pandas DataFrame (indexed by the column ``index`` when given)."""
    import pandas as pd

    np = _np()
    str_dtype: Any = "str" if int(pd.__version__.split(".")[0]) >= 3 else object
    data: dict[str, Any] = {}
    for name, ty, a, b, c in columns:
        if ty == "str":
            data[name] = pd.Series(a, dtype=str_dtype)
        elif ty == "json":
            data[name] = pd.Series(a, dtype=object)
        elif ty == "int":
            data[name] = pd.arrays.IntegerArray(_values(a, "=i8"), _mask(b))
        elif ty == "float":
            data[name] = pd.arrays.FloatingArray(_values(a, "=f8"), _mask(b))
        elif ty == "bool":
            data[name] = pd.arrays.BooleanArray(_values(a, "=u1").astype(bool), _mask(b))
        elif ty == "date":
            days = np.frombuffer(a, dtype="=i4").astype("int64").view("datetime64[D]")
            days[_mask(b)] = np.datetime64("NaT")
            data[name] = pd.Series(days.astype("datetime64[s]"))
        elif ty == "category":
            codes = np.frombuffer(b, dtype="=i4")
            data[name] = pd.Categorical.from_codes(codes, categories=pd.Index(a, dtype=object), ordered=bool(c))
        else:  # pragma: no cover - the native module only sends the types above
            raise ValueError(f"unknown column type {ty!r}")
    frame = pd.DataFrame(data)
    if index is not None:
        frame = frame.set_index(index)
    return frame


def to_polars(columns: Columns) -> Any:
    """The columns as a polars DataFrame."""
    import polars as pl

    np = _np()
    series = []
    for name, ty, a, b, c in columns:
        if ty in ("str", "json"):
            s = pl.Series(name, a, dtype=pl.String)
        elif ty == "category":
            codes = pl.Series(np.frombuffer(b, dtype="=i4").astype("int64"))
            missing = np.flatnonzero(np.frombuffer(b, dtype="=i4") < 0)
            if len(missing):
                codes = codes.scatter(missing, None)
            s = pl.Series(name, a, dtype=pl.Enum(a)).gather(codes.cast(pl.UInt32))
        else:
            dtype = {"int": "=i8", "float": "=f8", "bool": "=u1", "date": "=i4"}[ty]
            s = pl.Series(name, np.frombuffer(a, dtype=dtype))
            if ty == "bool":
                s = s.cast(pl.Boolean)
            elif ty == "date":
                s = s.cast(pl.Date)
            missing = np.flatnonzero(np.frombuffer(b, dtype=np.uint8))
            if len(missing):
                s = s.scatter(missing, None)
        series.append(s.alias(name))
    return pl.DataFrame(series)


def to_arrow(columns: Columns) -> Any:
    """The columns as a ``pyarrow.Table``."""
    import pyarrow as pa

    np = _np()
    arrays: dict[str, Any] = {}
    for name, ty, a, b, c in columns:
        if ty in ("str", "json"):
            arrays[name] = pa.array(a, type=pa.string())
        elif ty == "category":
            codes = np.frombuffer(b, dtype="=i4")
            indices = pa.array(codes, mask=codes < 0, type=pa.int32())
            arrays[name] = pa.DictionaryArray.from_arrays(indices, pa.array(a, type=pa.string()), ordered=bool(c))
        else:
            dtype, arrow_type = {
                "int": ("=i8", pa.int64()),
                "float": ("=f8", pa.float64()),
                "bool": ("=u1", pa.bool_()),
                "date": ("=i4", pa.date32()),
            }[ty]
            values = np.frombuffer(a, dtype=dtype)
            if ty == "bool":
                values = values.astype(bool)
            arrays[name] = pa.array(values, mask=_mask(b), type=arrow_type)
    return pa.table(arrays)
