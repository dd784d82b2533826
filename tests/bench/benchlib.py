"""Small helpers shared by the ``bench_*.py`` scripts (not a test module: pytest ignores it).

Benchmarks here print ratios against a baseline measured in the same run, because the
absolute speed of a 2-core machine shared with other work varies from minute to minute.
"""
from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import time
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator, Sequence

import numpy as np

REPO = Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """The shared data folder: ``LOKET_SHARED_DIR`` or ``<repo>/../shared``."""
    return Path(os.environ.get("LOKET_SHARED_DIR") or REPO.parent / "shared")


def require(path: Path) -> Path:
    """Exit with a clear message when shared data is missing (instead of a traceback)."""
    if not path.exists():
        sys.exit(f"missing {path}: set LOKET_SHARED_DIR to the folder with corpus/, eval/, corpus-algoritmekader/")
    return path


def dev_questions(path: Path | None = None) -> list[str]:
    """The questions of ``eval/dev.jsonl`` (answerable and unanswerable alike)."""
    path = require(path or shared_dir() / "eval" / "dev.jsonl")
    return [json.loads(line)["question"] for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def loket_exe() -> list[str]:
    """The ``loket`` console script of the running interpreter's environment."""
    exe = Path(sys.executable).with_name("loket")
    if exe.exists():
        return [str(exe)]
    found = shutil.which("loket")
    if found:
        return [found]
    return [sys.executable, "-m", "bot.cli"]


@contextmanager
def temp_data_dir(*, keep: bool = False, prefix: str = "loket-bench-") -> Iterator[Path]:
    """A fresh ``LOKET_DATA_DIR`` (set in ``os.environ`` so subprocesses see it), removed afterwards."""
    import tempfile

    root = Path(tempfile.mkdtemp(prefix=prefix))
    old = os.environ.get("LOKET_DATA_DIR")
    os.environ["LOKET_DATA_DIR"] = str(root / "data")
    try:
        yield root
    finally:
        if old is None:
            os.environ.pop("LOKET_DATA_DIR", None)
        else:
            os.environ["LOKET_DATA_DIR"] = old
        if keep:
            print(f"(kept {root})")
        else:
            shutil.rmtree(root, ignore_errors=True)


def run_cli(args: Sequence[str], *, stdout_path: Path | None = None, check: bool = True) -> tuple[float, subprocess.CompletedProcess]:
    """Run ``loket ARGS`` as a subprocess; returns (wall seconds, completed process)."""
    out = open(stdout_path, "w", encoding="utf-8") if stdout_path else subprocess.PIPE
    try:
        t0 = time.perf_counter()
        proc = subprocess.run([*loket_exe(), *args], stdout=out, stderr=subprocess.PIPE, text=True, env=os.environ.copy())
        seconds = time.perf_counter() - t0
    finally:
        if stdout_path:
            out.close()
    if check and proc.returncode != 0:
        raise RuntimeError(f"loket {' '.join(args)} failed ({proc.returncode}):\n{proc.stderr[-2000:]}")
    return seconds, proc


def proc_status_kib(field: str, pid: int | str = "self") -> int:
    """A ``/proc/<pid>/status`` memory field in KiB (``VmRSS`` now, ``VmHWM`` peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise KeyError(field)


def rss_mib() -> float:
    return proc_status_kib("VmRSS") / 1024


def peak_rss_mib() -> float:
    return proc_status_kib("VmHWM") / 1024


def pct(values: Sequence[float], q: float) -> float:
    return float(np.percentile(np.asarray(values, dtype=float), q)) if len(values) else float("nan")


def dir_size_mib(path: Path) -> float:
    return sum(p.stat().st_size for p in Path(path).rglob("*") if p.is_file()) / 2**20


def machine_line() -> str:
    """Machine and load, printed with every result: figures mean little without them."""
    load = os.getloadavg()
    return (
        f"machine: {os.cpu_count()} cores, {platform.machine()}, Python {platform.python_version()}, "
        f"load avg {load[0]:.2f}/{load[1]:.2f}/{load[2]:.2f}, {time.strftime('%Y-%m-%d %H:%M')}"
    )


def header() -> str:
    """Machine, load and code state: printed at the start of every benchmark."""
    return machine_line() + "\n" + code_line()


def code_line() -> str:
    """The commit measured, and uncommitted changes to the code under test (others edit it concurrently)."""
    try:
        head = subprocess.run(["git", "rev-parse", "--short", "HEAD"], cwd=REPO, capture_output=True, text=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--", "index", "bot"], cwd=REPO, capture_output=True, text=True).stdout.split("\n")
    except OSError:
        return "code: (git not available)"
    changed = [line[3:] for line in dirty if line.strip()]
    return f"code: commit {head or '?'}" + (f", uncommitted changes in {', '.join(changed)}" if changed else ", clean")


def verdict(ok: bool) -> str:
    return "PASS" if ok else "FAIL"
