"""Once the console told PySide that its modules use the default features, a module imported
after Qt is not read for its source, and Qt works as before."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

SPAWN = """
import linecache, sys
from PySide6.QtCore import QObject
from ui.pyside_feature_scan import skip_source_scan
assert skip_source_scan()
sys.path.insert(0, sys.argv[1])
import freshly_written as module  # an import statement: what PySide's hook sees
from shibokensupport import feature
print(module.__file__ in linecache.cache)
print(feature.pyside_feature_dict.get("freshly_written"))
probe = QObject()
probe.setObjectName("still Qt")
print(probe.objectName())
"""


def _import_after_qt(folder: Path, skip: bool) -> list[str]:
    """Import a module written to `folder` after Qt, in a fresh interpreter (with the skip or
    without): whether PySide read its source, what PySide recorded, a Qt call's answer."""
    spawn = SPAWN if skip else SPAWN.replace("assert skip_source_scan()", "pass")
    result = subprocess.run(
        [sys.executable, "-c", spawn, str(folder)],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.splitlines()


def test_a_module_imported_after_qt_is_not_read_for_its_source(tmp_path: Path) -> None:
    (tmp_path / "freshly_written.py").write_text("VALUE = 1\n" * 2000)
    read_source, selection, name = _import_after_qt(tmp_path, skip=True)
    assert read_source == "False"  # PySide did not read it (without the skip: True)
    assert selection == "0"  # recorded as using PySide's default features
    assert name == "still Qt"


def test_without_the_skip_pyside_reads_the_source(tmp_path: Path) -> None:
    """The cost the skip removes is real in this PySide6 (if this fails, the skip may go)."""
    (tmp_path / "freshly_written.py").write_text("VALUE = 1\n")
    assert _import_after_qt(tmp_path, skip=False)[0] == "True"
