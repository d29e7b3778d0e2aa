"""Which sentences back the deciding one: a near-tied runner-up paragraph is quoted too."""

import numpy as np

from assistant.assistant import Assistant
from assistant.compose import Evidence
from assistant.retrieval import Retrieval
from core.types import RetrievedParagraph


def _retrieval(scores: dict[str, float]) -> Retrieval:
    return Retrieval(
        paragraphs=tuple(RetrievedParagraph(paragraph_id=pid, score=score) for pid, score in scores.items()),
        query_vector=np.zeros(3, dtype=np.float32),
        expanded_query="",
        named_ids=(),
        sentence_similarities=np.zeros(0, dtype=np.float32),
    )


def test_a_near_tied_runner_up_paragraph_is_quoted(settings) -> None:
    assistant = Assistant(settings)
    deciding = Evidence("4.5", "All staff emails should be used sparingly.", 1.0)
    runner_up = Evidence("4.4", "Unnecessary emails add to workload.", 0.9)
    far_behind = Evidence("4.4", "Unnecessary emails add to workload.", 0.5)
    tied = _retrieval({"4.5": 0.30, "4.4": 0.28, "4.1": 0.1})
    assert assistant._second_paragraph_support(tied, [deciding, runner_up], deciding, []) == runner_up
    assert assistant._second_paragraph_support(tied, [deciding, far_behind], deciding, []) is None
    distant = _retrieval({"4.5": 0.30, "4.4": 0.20})
    assert assistant._second_paragraph_support(distant, [deciding, runner_up], deciding, []) is None
    assert assistant._second_paragraph_support(tied, [deciding, runner_up], deciding, [runner_up]) is None


def test_checklist_prompts_and_list_lead_ins_do_not_decide_a_verdict() -> None:
    from assistant.assistant import is_rule

    assert is_rule('"All staff" emails should be used sparingly.')
    assert not is_rule("If sending or replying to a group email, does everyone need to receive the message?")
    assert not is_rule("The following email use principles should be considered:-.")
    assert not is_rule("Child Exploitation and Online Protection (CEOP) website.")
