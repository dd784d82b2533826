"""``loket calibrate FILE``: fit the answer-or-escalate decision on a deployment's own questions.

The questions are labelled like ``loket eval`` files (facts, a page, or ``expect: null``
for questions the sources do not answer), for example escalations the core team has
answered. The fitted model is saved in the data dir, where the desk picks it up for
this embedding model; ``--out`` writes it elsewhere instead.
"""
from __future__ import annotations

import argparse
import shutil
import sys
from pathlib import Path

from .common import CliError, fail, open_desk, read_labelled, settings_for, warn_missing_pages

MIN_QUESTIONS = 20
MIN_PER_OUTCOME = 5  # questions Loket would answer well, and ones it would not: a fit needs both


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("calibrate", help="de beslissing antwoorden/doorzetten afstemmen op eigen gelabelde vragen")
    p.add_argument("file", metavar="BESTAND", help="JSONL: {id, question, expect: [feiten] | null, doc: pad (optioneel)}")
    p.add_argument("--source", action="append", metavar="PAD", help="bron(nen) waarop de vragen betrekking hebben")
    p.add_argument("--out", type=Path, metavar="BESTAND", help="model hierheen schrijven (standaard: de datamap)")
    p.add_argument("--target-precision", type=float, metavar="P",
                   help="werkpunt: gewenste precisie van beantwoorde vragen (standaard LOKET_TARGET_PRECISION)")
    p.add_argument("--l2", type=float, default=1.0, help="regularisatie van de logistische regressie (standaard 1.0)")
    p.set_defaults(func=cmd_calibrate)


def _line(label: str, precision: float | None, share: float) -> str:
    shown = "n.v.t." if precision is None else f"{precision:.0%}"
    return f"  {label:<28} precisie van beantwoorde vragen {shown:>6} | beantwoord {share:.0%}"


def _keep_previous(path: Path) -> Path | None:
    """Copy a model already at ``path`` aside, so a new fit never loses the one in use."""
    if not path.is_file():
        return None
    backup = path.with_name(path.stem + ".vorige" + path.suffix)
    shutil.copy2(path, backup)
    return backup


def cmd_calibrate(args: argparse.Namespace) -> int:
    import numpy as np

    from bot.core.answering.calibration import collect, fit_samples, operating_point, out_of_fold
    from bot.core.answering.decision import model_file_name
    try:
        items = read_labelled(args.file)
        if len(items) < MIN_QUESTIONS:
            raise ValueError(f"{args.file}: {len(items)} vragen; afstemmen vraagt er minstens {MIN_QUESTIONS} - "
                             f"label meer vragen (ook vragen die de bronnen niet beantwoorden, met expect: null)")
        settings = settings_for(args.source)
        desk = open_desk(settings, progress=True)
        if args.target_precision is not None:
            desk.set_target_precision(args.target_precision)
    except (ValueError, CliError) as exc:
        return fail(str(exc))
    warn_missing_pages(desk, items)
    if all(item.answerable for item in items):
        print("Let op: geen enkele vraag zonder antwoord in de bronnen (expect: null). De beslissing leert dan niet "
              "wanneer een vraag naar het kernteam moet; voeg zulke vragen toe voor een betrouwbaar werkpunt.",
              file=sys.stderr)
    samples = collect(desk, items, group="")
    correct = np.array([s.correct for s in samples])
    if min(int(correct.sum()), int((~correct).sum())) < MIN_PER_OUTCOME:
        return fail(
            f"Loket zou {int(correct.sum())} van de {len(correct)} vragen goed beantwoorden en {int((~correct).sum())} "
            f"niet; afstemmen vraagt van beide minstens {MIN_PER_OUTCOME} - voeg vragen toe die Loket goed én fout "
            f"zou beantwoorden (zoals vragen die de bronnen niet beantwoorden, met expect: null). Er is niets opgeslagen."
        )
    before = operating_point(np.array([s.probability for s in samples]), correct, desk.answer_at)
    features = desk.decision.features  # the shipped model's features, chosen across corpora
    model = fit_samples(samples, l2=args.l2, features=features, sets=[str(args.file)],
                        model_id=desk.embedder.model_id, split="all")
    threshold = model.threshold_for(desk.target_precision)
    after = operating_point(out_of_fold(samples, l2=args.l2, features=features), correct, threshold)
    path = args.out or Path(settings.data_dir) / "decision" / model_file_name(desk.embedder.model_id)
    previous = _keep_previous(path)
    model.save(path)
    print(f"{len(samples)} vragen, {int(correct.sum())} zou Loket goed beantwoorden; doelprecisie {desk.target_precision:.0%}")
    print(_line("voor (huidige beslissing):", *before))
    print(_line("na (kruisvalidatie, 5 delen):", *after))
    print(f"Opgeslagen: {path}" + (f" (het vorige model staat in {previous})" if previous else ""))
    if args.out:
        print(f"Let op: de desk gebruikt alleen {Path(settings.data_dir) / 'decision'}/; kopieer het bestand daarheen om het te gebruiken.")
    return 0
