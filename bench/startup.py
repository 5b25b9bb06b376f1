"""Start-up and memory: `calmdesk --exit-when-ready` as a subprocess, against a bare PySide6
window started the same way (bench/bare_window.py).

The figure that counts is the wall time from spawning the process to the first line it prints,
which each prints once its window (for Calmdesk: the queue) is painted: what an agent waits for
after the click, interpreter start and every import included. Each process also reports its own
"ready in <ms> ms", counted from its first line of Python (kept as information). Runs of every
process are interleaved round by round, so all see the same machine load; the median and the
spread (fastest to slowest) of each are reported. Peak memory is the child's VmHWM once the whole
queue is in (its "complete in" line), not at the first page."""

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
# Calmdesk paints the queue's first page, then reads the rest: its second line says the whole
# queue is in (the bare window prints none). Memory is read there, with every row loaded.
COMPLETE = re.compile(r"complete in (\d+) ms: (\d+)")


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
    complete = COMPLETE.search(process.stdout.readline())
    if complete is not None:  # read again with every row in (if it is gone: the kernel's figure)
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
    rows = int((complete or found).group(2))
    return Run(float(found.group(1)), wall * 1000, rss, rows)


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


def spread(runs: list[Run]) -> str:
    """Fastest to slowest wall time, for the notes: "812-1,090 ms"."""
    walls = [r.wall_ms for r in runs]
    return f"{min(walls):,.0f}-{max(walls):,.0f} ms"


def interleaved(
    commands: dict[str, list[str]], home: Path, repeat: int, *, warm_up: bool = True
) -> dict[str, list[Run]]:
    """`repeat` runs of each command, one of each per round in the same order, after one
    warm-up of each (file cache, .pyc) unless `warm_up` is False (the harness's own test, which
    times nothing); the runs per command name."""
    if warm_up:
        for command in commands.values():
            run_rss(command, home)
    runs: dict[str, list[Run]] = {name: [] for name in commands}
    for _ in range(repeat):
        for name, command in commands.items():
            runs[name].append(run_rss(command, home))
    return runs


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
