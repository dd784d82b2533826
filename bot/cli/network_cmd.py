"""``loket deskundige``: find experts for a topic, or check the expert directory.

* ``loket deskundige flexwonen`` — the best-matching available experts, with why;
* ``loket deskundige --check`` — validate ``knowledge/experts.yaml`` (and
  ``knowledge/experts/*.yaml``): every broken entry by file and line; exit code 1 if any.
"""
from __future__ import annotations

import argparse
import json
import sys

from .common import fail, settings_for


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("deskundige", help="deskundigen zoeken voor een onderwerp, of de deskundigengids controleren")
    p.add_argument("topic", nargs="*", metavar="ONDERWERP", help="het onderwerp, bijvoorbeeld: flexwonen")
    p.add_argument("--check", action="store_true", help="de deskundigengids controleren (fouten per bestand en regel)")
    p.add_argument("--json", action="store_true", help="resultaat als JSON")
    p.set_defaults(func=cmd_experts)


def cmd_experts(args: argparse.Namespace) -> int:
    from bot.core.network.experts import default_paths, load_directory

    settings = settings_for()
    paths = default_paths(settings.experts_file)
    if args.check or not args.topic:
        directory = load_directory(paths)
        for problem in directory.problems:
            print(f"Fout: {problem}", file=sys.stderr)
        available = len(directory.available())
        print(f"{len(directory.experts)} deskundigen geladen ({available} beschikbaar), "
              f"{len(directory.problems)} fout(en), uit {', '.join(directory.files) or 'geen bestanden'}.")
        return 1 if directory.problems else 0
    from bot.core.network.intent import expert_topic

    text = " ".join(args.topic)
    return _search(settings, paths, expert_topic(text) or text, as_json=args.json)


def _search(settings, paths, topic: str, *, as_json: bool) -> int:
    from bot.core.network.finder import ExpertFinder
    from bot.core.network.hub import CACHE_FILE
    from bot.core.network.responder import expert_text
    from bot.core.network.vector_cache import VectorCache
    from index.embeddings import ModelLoadError, load_embedder

    try:
        embedder = load_embedder(settings.embedding_model)
    except ModelLoadError as exc:
        return fail(str(exc))
    matches = ExpertFinder(paths, VectorCache(embedder, settings.data_dir / CACHE_FILE)).match(topic)
    if as_json:
        print(json.dumps([{"id": m.expert.id, "name": m.expert.name, "score": m.score, "reason": m.reason,
                           "email": m.expert.email, "slack_user_id": m.expert.slack_user_id} for m in matches],
                         ensure_ascii=False))
    elif matches:
        print(expert_text(topic, matches))
    else:
        print(f"Geen deskundige gevonden voor '{topic}'.")
    return 0
