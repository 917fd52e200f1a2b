"""Progress bars for long conversions: tqdm when it is installed, shown by default only where
someone watches (a terminal on stderr, or a Jupyter kernel)."""

from __future__ import annotations

import sys
from typing import Any


def _watched() -> bool:
    """True in a Jupyter kernel or when stderr is a terminal."""
    if "ipykernel" in sys.modules:
        return True
    stderr = sys.stderr
    return stderr is not None and hasattr(stderr, "isatty") and stderr.isatty()


def bar(total: int, desc: str, progress: bool | None) -> Any:
    """A tqdm bar of ``total`` steps, or None: when ``progress`` is False, when it is None and
    nobody watches, or when tqdm is not installed (``progress=True`` then raises ImportError)."""
    if progress is False or (progress is None and not _watched()):
        return None
    try:
        from tqdm.auto import tqdm  # type: ignore[import-untyped, import-not-found, unused-ignore]
    except ImportError:
        if progress:
            raise ImportError(
                "progress=True needs tqdm, an optional dependency of tiaokuai: "
                "install it with `pip install 'tiaokuai[progress]'` (or `pip install tqdm`)"
            ) from None
        return None
    return tqdm(total=total, desc=desc, unit="", unit_scale=True, leave=False)
