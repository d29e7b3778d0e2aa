"""Run in a fresh process: one shared Assistant asked its first questions from many threads at once.

`python -m tests.concurrency_probe HOME QUESTIONS_JSON --threads 8 [--fake] [--serial]` prints one JSON line:
the answers (verdict and cited paragraphs, in question order), the errors raised, and how many times the
embedding model and each policy's index were loaded. With --fake the embedding model is the deterministic
hashing stand-in, loaded slowly (like the real one) so that every thread arrives while it loads.
"""

from __future__ import annotations

import argparse
import json
import threading
import time
from pathlib import Path
from typing import Any


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("home", type=Path)
    parser.add_argument("questions", type=Path)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--fake", action="store_true")
    parser.add_argument("--serial", action="store_true")
    args = parser.parse_args()

    import assistant.runtime
    from assistant.assistant import Assistant
    from core.config import Settings
    from ingest.store import PolicyIndex

    counts = {"model_loads": 0, "policy_loads": 0}
    real_load = assistant.runtime.load_embeddings

    def counting_load(settings: Settings) -> Any:
        counts["model_loads"] += 1
        if args.fake:
            from tests.fakes import HashingEmbeddings

            time.sleep(0.5)
            return HashingEmbeddings()
        return real_load(settings)

    real_load_policy = PolicyIndex.load_policy

    def counting_load_policy(self: PolicyIndex, entry: Any) -> Any:
        counts["policy_loads"] += 1
        return real_load_policy(self, entry)

    assistant.runtime.load_embeddings = counting_load  # type: ignore[assignment]
    PolicyIndex.load_policy = counting_load_policy  # type: ignore[method-assign]

    questions: list[str] = json.loads(args.questions.read_text(encoding="utf-8"))
    shared = Assistant(Settings(home=args.home))
    answers: list[Any] = [None] * len(questions)
    errors: list[str] = []
    barrier = threading.Barrier(min(args.threads, len(questions)))

    def ask(position: int) -> None:
        if not args.serial:
            barrier.wait()
        try:
            answer = shared.ask(questions[position])
            answers[position] = [answer.verdict, [c.paragraph for c in answer.citations]]
        except Exception as exc:  # the probe records whatever escapes, typed or not
            errors.append(f"{type(exc).__name__}: {exc}")

    if args.serial:
        for position in range(len(questions)):
            ask(position)
    else:
        threads = [threading.Thread(target=ask, args=(position,)) for position in range(len(questions))]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    print(json.dumps({"answers": answers, "errors": errors, **counts}))


if __name__ == "__main__":
    main()
