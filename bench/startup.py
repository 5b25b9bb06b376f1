"""Start-up and memory: `calmdesk --exit-when-ready` as a subprocess, against a bare PySide6
window started the same way (bench/bare_window.py). Each process is timed twice: by itself
("ready in <ms> ms", from its first line of Python) and from spawn to that line (wall). Peak
memory (max RSS) comes from the kernel's accounting of the finished child."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from time import perf_counter

from bench.common import median

ROOT = Path(__file__).resolve().parents[1]
READY = re.compile(r"ready in (\d+) ms: (\d+)")


@dataclass(frozen=True)
class Run:
    reported_ms: float
    wall_ms: float
    rss_mb: float
    rows: int


def _env(home: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        QT_QPA_PLATFORM="offscreen",
        HOME=str(home),
        XDG_CONFIG_HOME=str(home / "config"),
        XDG_DATA_HOME=str(home / "data"),
        XDG_CACHE_HOME=str(home / "cache"),
        PYTHONPATH=str(ROOT),
        # Compiled bytecode, as an installed Calmdesk has (pip and the bundle ship it): kept in
        # the run's folder, so a shell with PYTHONDONTWRITEBYTECODE does not make every start
        # recompile ~120 modules, and nothing is written into the source tree.
        PYTHONPYCACHEPREFIX=str(home / "pycache"),
    )
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.pop("CALMDESK_DB_URL", None)
    return env


def run_rss(command: list[str], home: Path, timeout: float = 120) -> Run:
    """One run, with the child's own peak memory (VmHWM when /proc has it)."""
    started = perf_counter()
    process = subprocess.Popen(
        command, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True, env=_env(home)
    )
    assert process.stdout is not None
    line = process.stdout.readline()
    wall = perf_counter() - started
    peak = _peak_rss_mb(process.pid)
    process.stdout.read()
    process.stdout.close()
    _pid, _status, usage = os.wait4(process.pid, 0)
    process.returncode = 0  # reaped here; keep Popen from waiting again
    found = READY.search(line)
    if found is None:
        raise RuntimeError(f"{command[0]} did not report ready: {line!r}")
    # The kernel's max RSS for a child starts from its forked parent's (this process, with Qt
    # and 25k rows loaded), so read the child's own high-water mark while it is still alive.
    rss = peak if peak is not None else usage.ru_maxrss / 1024
    return Run(float(found.group(1)), wall * 1000, rss, int(found.group(2)))


def _peak_rss_mb(pid: int) -> float | None:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def calmdesk(url: str) -> list[str]:
    return [sys.executable, "-m", "ui.launcher", "--exit-when-ready", "--db", url]


def bare() -> list[str]:
    return [sys.executable, str(ROOT / "bench" / "bare_window.py")]


def medians(runs: list[Run]) -> Run:
    return Run(
        median([r.reported_ms for r in runs]),
        median([r.wall_ms for r in runs]),
        median([r.rss_mb for r in runs]),
        runs[0].rows,
    )


def measure(url: str, home: Path, repeat: int) -> tuple[Run, Run]:
    """Median start-up of calmdesk on `url` and of the bare window, interleaved so both see
    the same machine load; one warm-up of each first (file cache, .pyc)."""
    run_rss(bare(), home)
    run_rss(calmdesk(url), home)
    ours, base = [], []
    for _ in range(repeat):
        base.append(run_rss(bare(), home))
        ours.append(run_rss(calmdesk(url), home))
    return medians(ours), medians(base)
