"""PySide6 replaces `__import__` to support its opt-in `from __feature__ import snake_case`, and
for every Python module imported after it, asks whether that module uses PySide by reading the
module's whole source (`inspect.getsource`, so the text also stays in `linecache`). For the ~150
modules before the console's first paint that is 40-80 ms on a two-core machine, and several
hundred more behind it; a bare PySide6 window pays none of it.

Calmdesk selects no `__feature__` anywhere, so every module can be taken as using PySide with
the default features, which is what PySide assumes for a module that names it. `skip_source_scan`
answers that without reading the source. It touches one function of PySide's support package
(`shibokensupport.feature._mod_uses_pyside`), and only when it is there and callable: a PySide6
without it leaves the scan as it is (and ui/console.py still empties `linecache`)."""

from __future__ import annotations

from types import ModuleType


def skip_source_scan() -> bool:
    """Answer PySide's per-import question without reading sources; False when this PySide6
    has no such question to answer (nothing changed)."""
    try:
        from shibokensupport import feature  # type: ignore[import-not-found]  # PySide6's own
    except ImportError:
        return False
    if not callable(getattr(feature, "_mod_uses_pyside", None)):
        return False
    feature._mod_uses_pyside = _uses_default_features
    return True


def _uses_default_features(_module: ModuleType) -> bool:
    return True  # PySide records 0 for it: the default features, as for any module naming it
