"""`python -m eval.bench.scale_worker HOME QUESTIONS PASSES STOREWIDE`: measure one synthetic store in a
fresh process (the real model embeds the questions) and print the figures as one JSON line."""

from __future__ import annotations

import json
import logging
import sys
from pathlib import Path

from assistant.runtime import load_embeddings
from core.config import Settings
from eval.bench.scale import ScaleProbe, measure_store


def main(argv: list[str]) -> None:
    logging.basicConfig(level=logging.WARNING)
    home, questions, passes, storewide = argv
    settings = Settings(home=Path(home))
    probe = ScaleProbe(questions=int(questions), passes=int(passes), storewide_questions=int(storewide))
    figures = measure_store(settings, load_embeddings(settings), probe)
    sys.stdout.write(json.dumps(figures) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:])
