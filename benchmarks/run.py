"""Measure what the issues ask for: model load time, ingest throughput, warm ask latency (p50/p95) with
and without the reranker. Prints a table and writes out/bench.json. Run: `make bench`."""

from __future__ import annotations

import json
import platform
import statistics
import tempfile
import time
from pathlib import Path

from core.config import PROJECT_ROOT, Settings
from core.gold import load_gold
from eval.metrics import percentile


def main() -> None:
    from assistant.assistant import Assistant
    from assistant.runtime import load_embeddings, open_index
    from ingest.pipeline import ingest_policy, parse_file

    results: dict[str, object] = {
        "machine": f"{platform.machine()}, {platform.processor() or 'cpu'}, python {platform.python_version()}"
    }
    started = time.perf_counter()
    embeddings = load_embeddings(Settings())
    results["model_load_s"] = round(time.perf_counter() - started, 2)
    results["embedding_backend"] = getattr(embeddings, "backend", "")
    policy_path = PROJECT_ROOT / "data" / "policies" / "social-media-and-electronic-communications-policy.txt"
    with tempfile.TemporaryDirectory() as home:
        settings = Settings(home=Path(home))
        index, _ = open_index(settings, embeddings)
        policy = parse_file(policy_path, settings)
        report = ingest_policy(policy, index, embeddings, settings)
        results["ingest_paragraphs"] = report.paragraphs
        results["ingest_chunks"] = report.chunks
        results["ingest_s"] = round(report.seconds, 2)
        results["ingest_paragraphs_per_s"] = round(report.paragraphs_per_second, 1)
        again = ingest_policy(parse_file(policy_path, settings), index, embeddings, settings)
        results["reingest_unchanged_s"] = round(again.seconds, 3)
        questions = [q.question for q in load_gold(PROJECT_ROOT / "data" / "gold" / f"{policy.policy_id}.jsonl")]
        for rerank in (True, False):
            assistant = Assistant(Settings(home=Path(home), use_reranker=rerank), embeddings=embeddings)
            t0 = time.perf_counter()
            assistant.ask(questions[0])
            cold = (time.perf_counter() - t0) * 1000
            latencies = []
            for question in questions * 2:
                t0 = time.perf_counter()
                assistant.ask(question)
                latencies.append((time.perf_counter() - t0) * 1000)
            key = "rerank" if rerank else "no_rerank"
            results[f"ask_{key}_first_ms"] = round(cold, 1)
            results[f"ask_{key}_warm_p50_ms"] = round(statistics.median(latencies), 1)
            results[f"ask_{key}_warm_p95_ms"] = round(percentile(latencies, 0.95), 1)
            results[f"ask_{key}_n"] = len(latencies)
    out = PROJECT_ROOT / "out"
    out.mkdir(exist_ok=True)
    (out / "bench.json").write_text(json.dumps(results, indent=2))
    width = max(len(key) for key in results)
    for key, value in results.items():
        print(f"{key:<{width}}  {value}")


if __name__ == "__main__":
    main()
