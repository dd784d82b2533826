"""Search at 100k chunks: does Loket's retrieval stay fast (and right) far past today's corpora?

Synthetic data, so the figures depend only on the index code and the machine:
  * dense: 100k L2-normalised 384-d vectors (numpy seed) in ``DenseIndex``: the default
    switches to HNSW at 50k vectors; a Flat (exact) index is forced for comparison with a
    large ``hnsw_threshold``. Build time, RSS growth, query latency p50/p95 over 200
    queries, and recall@10 of HNSW against the exact Flat result. Two data shapes:
    "clustered" (points around 1,000 centres, like embeddings of related texts) and
    "uniform" (random directions: the hardest case for HNSW, as all neighbours are about
    equally far away).
  * lexical: 100k chunks of random word sequences drawn from the Algoritmekader's word
    frequencies (chunk lengths drawn from its real chunk lengths) in ``LexicalIndex``:
    index time, RSS growth, latency of ``scores`` for 200 short queries.
  * hybrid: ``SearchIndex`` over the same 100k chunks and clustered vectors (what
    ``SearchIndex.load`` builds: BM25, faiss, per-chunk term sets) and ``search`` latency
    with a precomputed query vector (the embedding cost is separate, see bench_latency).

RSS growth is the change of this process's resident memory across one build; peak RSS
(VmHWM) is printed at the end.

Run: ``python tests/bench/bench_scale.py`` (about 3-5 minutes on 2 cores).
"""
from __future__ import annotations

import argparse
import gc
import re
import statistics
import time
from collections import Counter
from pathlib import Path

import numpy as np

from benchlib import header, machine_line, pct, peak_rss_mib, require, rss_mib, shared_dir

DIM = 384


def normalise(x: np.ndarray) -> np.ndarray:
    return (x / np.linalg.norm(x, axis=1, keepdims=True)).astype(np.float32)


def synthetic_vectors(n: int, *, shape: str = "clustered", seed: int = 0, n_centres: int = 1000, spread: float = 0.035):
    """``n`` normalised vectors and a generator for queries from the same distribution."""
    rng = np.random.default_rng(seed)
    if shape == "uniform":
        data = normalise(rng.standard_normal((n, DIM), dtype=np.float32))
        return data, lambda m, r: normalise(r.standard_normal((m, DIM), dtype=np.float32))
    centres = normalise(rng.standard_normal((n_centres, DIM), dtype=np.float32))

    def draw(m: int, r: np.random.Generator) -> np.ndarray:
        return normalise(centres[r.integers(0, n_centres, m)] + spread * r.standard_normal((m, DIM), dtype=np.float32))

    return draw(n, rng), draw


def timed_build(factory):
    """(object, seconds, RSS growth MiB) of one construction."""
    gc.collect()
    before = rss_mib()
    t0 = time.perf_counter()
    obj = factory()
    seconds = time.perf_counter() - t0
    return obj, seconds, rss_mib() - before


def query_latency_ms(fn, queries) -> list[float]:
    for q in queries[:10]:  # warm-up
        fn(q)
    out = []
    for q in queries:
        t0 = time.perf_counter()
        fn(q)
        out.append((time.perf_counter() - t0) * 1000)
    return out


def bench_dense(n: int, n_queries: int, shape: str, *, seed: int = 0, k: int = 10, spread: float = 0.035) -> list[dict]:
    from index.dense import DEFAULT_HNSW_THRESHOLD, DenseIndex

    data, draw = synthetic_vectors(n, shape=shape, seed=seed, spread=spread)
    queries = draw(n_queries, np.random.default_rng(seed + 1))
    rows = []
    flat, f_s, f_mem = timed_build(lambda: DenseIndex(data, hnsw_threshold=n + 1))
    exact = [set(flat.search(q, k)[1].tolist()) for q in queries]
    f_lat = query_latency_ms(lambda q: flat.search(q, k), queries)
    rows.append({"name": f"dense Flat ({shape})", "n": n, "build_s": f_s, "mem": f_mem, "lat": f_lat, "recall": 1.0})
    flat = None  # free it before building the next index
    gc.collect()
    hnsw, h_s, h_mem = timed_build(lambda: DenseIndex(data))
    kind = type(hnsw._index).__name__
    if n >= DEFAULT_HNSW_THRESHOLD and "HNSW" not in kind:
        print(f"  note: DenseIndex built {kind} at n={n}, expected HNSW")
    found = [set(hnsw.search(q, k)[1].tolist()) for q in queries]
    recall = float(np.mean([len(a & b) / k for a, b in zip(found, exact)]))
    h_lat = query_latency_ms(lambda q: hnsw.search(q, k), queries)
    rows.append({"name": f"dense default={kind} ({shape})", "n": n, "build_s": h_s, "mem": h_mem, "lat": h_lat, "recall": recall})
    return rows


def corpus_words(corpus: Path) -> tuple[list[str], np.ndarray, list[int]]:
    """Word forms of the corpus with their frequencies, and the real chunk lengths in words."""
    from index.chunking import chunk_document
    from index.loaders import load_all

    docs = load_all([corpus], on_error=lambda exc: None)
    counts: Counter[str] = Counter()
    lengths: list[int] = []
    for doc in docs:
        for chunk in chunk_document(doc):
            words = re.findall(r"[^\W\d_]+", chunk.text)
            counts.update(words)
            lengths.append(len(chunk.text.split()))
    vocab = list(counts)
    freq = np.array([counts[w] for w in vocab], dtype=np.float64)
    return vocab, freq / freq.sum(), lengths


def synthetic_chunks(n: int, vocab: list[str], probs: np.ndarray, lengths: list[int], *, seed: int = 0):
    from index.documents import Chunk

    rng = np.random.default_rng(seed)
    lens = rng.choice(np.asarray(lengths), n)
    words = rng.choice(len(vocab), int(lens.sum()) + 3 * n, p=probs)
    chunks, pos = [], 0
    for i, m in enumerate(lens):
        title = " ".join(vocab[w] for w in words[pos : pos + 3]).capitalize()
        body = " ".join(vocab[w] for w in words[pos + 3 : pos + 3 + m])
        pos += 3 + m
        chunks.append(Chunk(id=f"syn{i:06d}", doc_path=f"syn/{i // 20:05d}.md", title=title, heading_path=(title,), text=body))
    return chunks


def bench_lexical(chunks, vocab: list[str], probs: np.ndarray, n_queries: int, *, seed: int = 0) -> tuple[dict, list]:
    from index.lexical import LexicalIndex
    from index.text import analyze

    lex, s, mem = timed_build(lambda: LexicalIndex(chunks))
    rng = np.random.default_rng(seed + 2)
    # Queries of 3-6 content words from the mid-frequency range (like a question's topic words).
    order = np.argsort(-probs)
    mid = [vocab[i] for i in order[200:5000] if len(vocab[i]) > 3]
    texts = [" ".join(rng.choice(mid, rng.integers(3, 7))) for _ in range(n_queries)]
    tokens = [analyze(t) for t in texts]

    def query(toks):
        scores = lex.scores(toks)
        top = np.argpartition(-scores, 30)[:30]
        return top[np.argsort(-scores[top])]

    lat = query_latency_ms(query, tokens)
    return {"name": "BM25 LexicalIndex", "n": len(chunks), "build_s": s, "mem": mem, "lat": lat, "recall": None}, texts


def bench_hybrid(chunks, texts: list[str], n_queries: int, *, seed: int = 0) -> dict:
    """SearchIndex over chunks + clustered vectors, searched with precomputed query vectors."""
    from index.persist import StoredIndex
    from index.search import SearchIndex

    class NoEmbedder:  # the vectors are given; embedding is measured in bench_latency
        model_id, dim = "synthetic", DIM

    vectors, draw = synthetic_vectors(len(chunks), shape="clustered", seed=seed)
    stored = StoredIndex(chunks, vectors, "synthetic", [c.id for c in chunks])
    index, s, mem = timed_build(lambda: SearchIndex(stored, NoEmbedder()))
    qvecs = draw(n_queries, np.random.default_rng(seed + 3))
    queries = [index.analyse(t, v) for t, v in zip(texts, qvecs)]
    lat = query_latency_ms(lambda q: index.search(q, k=5), queries)
    return {"name": "hybrid SearchIndex", "n": len(chunks), "build_s": s, "mem": mem, "lat": lat, "recall": None}


def print_table(rows: list[dict]) -> None:
    print(f"\n{'index':<42}{'items':>8}{'build s':>9}{'RSS +MiB':>10}{'p50 ms':>9}{'p95 ms':>9}{'recall@10':>11}")
    for r in rows:
        rec = "" if r["recall"] is None else f"{r['recall']:.3f}"
        print(f"{r['name']:<42}{r['n']:>8}{r['build_s']:>9.2f}{r['mem']:>10.0f}"
              f"{statistics.median(r['lat']):>9.3f}{pct(r['lat'], 95):>9.3f}{rec:>11}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--n", type=int, default=100_000, help="vectors/chunks (default 100000)")
    parser.add_argument("--queries", type=int, default=200, help="queries (default 200)")
    parser.add_argument("--seed", type=int, default=0, help="numpy seed (default 0)")
    parser.add_argument("--shapes", default="clustered,uniform", help="vector data shapes (default clustered,uniform)")
    parser.add_argument("--spread", type=float, default=0.035,
                        help="noise around cluster centres for the clustered shape (default 0.035; 0.08 is harder)")
    parser.add_argument("--skip-lexical", action="store_true", help="dense only")
    parser.add_argument("--skip-hybrid", action="store_true", help="no SearchIndex run")
    args = parser.parse_args(argv)

    print(header())
    print(f"RSS at start: {rss_mib():.0f} MiB")
    rows: list[dict] = []
    for shape in [s.strip() for s in args.shapes.split(",") if s.strip()]:
        rows += bench_dense(args.n, args.queries, shape, seed=args.seed, spread=args.spread)
        print_table(rows[-2:])
        gc.collect()
    if not args.skip_lexical:
        corpus = require(shared_dir() / "corpus-algoritmekader")
        vocab, probs, lengths = corpus_words(corpus)
        t0 = time.perf_counter()
        chunks = synthetic_chunks(args.n, vocab, probs, lengths, seed=args.seed)
        words = sum(len(c.text.split()) for c in chunks)
        print(f"\nsynthetic chunks: {len(chunks)} ({words / len(chunks):.0f} words on average, vocabulary "
              f"{len(vocab)} word forms from {corpus.name}), generated in {time.perf_counter() - t0:.1f} s")
        lex_row, texts = bench_lexical(chunks, vocab, probs, args.queries, seed=args.seed)
        rows.append(lex_row)
        print_table(rows[-1:])
        if not args.skip_hybrid:
            gc.collect()
            rows.append(bench_hybrid(chunks, texts, args.queries, seed=args.seed))
            print_table(rows[-1:])
    print("\nall results:")
    print_table(rows)
    print(f"\npeak RSS (VmHWM) of the run: {peak_rss_mib():.0f} MiB")
    print(machine_line())
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
