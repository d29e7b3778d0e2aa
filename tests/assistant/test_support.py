"""Which sentences back the deciding one: a near-tied runner-up paragraph is quoted too."""

from dataclasses import replace

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


def test_the_top_paragraph_is_quoted_when_a_rule_from_another_decides() -> None:
    from assistant.assistant import _top_paragraph_support

    ranked = _retrieval({"7.4.2": 0.5, "7.4.9": 0.45})
    elsewhere = Evidence("7.4.9", "Employees are advised not to use the social media sites of pupils.", 1.0)
    lead_in = Evidence("7.4.2", "Employees should consider the following:", 0.9)
    top_rule = Evidence("7.4.2", "Employees are advised not to accept pupils as friends.", 0.8)
    assert _top_paragraph_support(ranked, [elsewhere, lead_in, top_rule], elsewhere, []) == top_rule
    assert _top_paragraph_support(ranked, [elsewhere, lead_in, top_rule], elsewhere, [top_rule]) is None
    assert _top_paragraph_support(ranked, [top_rule, elsewhere], top_rule, []) is None  # it decided itself
    assert _top_paragraph_support(ranked, [elsewhere, lead_in], elsewhere, []) is None  # nothing to quote


def test_checklist_prompts_and_list_lead_ins_do_not_decide_a_verdict() -> None:
    from assistant.assistant import is_rule

    assert is_rule('"All staff" emails should be used sparingly.')
    assert not is_rule("If sending or replying to a group email, does everyone need to receive the message?")
    assert not is_rule("The following email use principles should be considered:-.")
    assert not is_rule("Child Exploitation and Online Protection (CEOP) website.")


def test_labelled_bank_questions_pick_the_rule_that_answers(settings) -> None:
    """Asked "can I put where I work in my bio?", the paragraph's general duty reads as allowed; the bank's
    close questions about that paragraph are labelled discouraged, and its "should not" rule reads so."""
    from assistant.dense import MatrixDenseSearch
    from assistant.retrieval import Retriever
    from assistant.verdict import read_verdict
    from assistant.vocabulary import Vocabulary
    from core.types import ExampleQuestion, SourceDocument
    from ingest.pipeline import parse_document
    from tests.fakes import HashingEmbeddings

    duty = "Safeguarding should be taken into consideration when using personal social media."
    ban = "Employees should not publicly indicate where they work."
    policy = parse_document(SourceDocument("p.txt", f"7. Social media\n7.4.1 {duty} {ban}\n"), "p")
    fake = HashingEmbeddings()
    vectors = np.asarray(fake.embed_documents([p.text for p in policy.paragraphs]), dtype=np.float32)
    bank = [ExampleQuestion("7.4.1", f"Can I name my school on {site}?", "discouraged") for site in ("X", "Insta")]
    bank_vectors = np.asarray(fake.embed_documents([e.question for e in bank]), dtype=np.float32)
    dense = MatrixDenseSearch(["7.4.1"], vectors)
    retriever = Retriever(policy, dense, fake, Vocabulary(()), None, bank=(bank, bank_vectors))
    question = "Can I put where I work in my Instagram bio?"
    deciding, other = Evidence("7.4.1", duty, 1.0), Evidence("7.4.1", ban, 0.9)
    reading = read_verdict(question, duty, lambda text: 0.0)
    assert reading.verdict == "allowed"

    def guided(similarities: list[float], rules: list[Evidence], first=reading) -> tuple[Evidence, str]:
        retrieval = replace(
            _retrieval({"7.4.1": 1.0}), bank_question_similarities=np.asarray(similarities, dtype=np.float32)
        )
        chosen, read = Assistant(settings)._bank_guided(
            retriever, retrieval, rules, deciding, first, lambda text: read_verdict(question, text, lambda _: 0.0)
        )
        return chosen, read.verdict

    assert guided([0.8, 0.7], [deciding, other]) == (other, "discouraged")
    assert guided([0.2, 0.1], [deciding, other]) == (deciding, "allowed"), "bank questions too far away"
    assert guided([0.8, 0.7], [deciding]) == (deciding, "allowed"), "no rule reads as the bank's verdict"
    explicit = read_verdict("Do I have to?", "Staff are not required to respond at weekends.", lambda text: 0.0)
    assert explicit.verdict == "allowed" and explicit.cue == "not_required"
    assert guided([0.8, 0.7], [deciding, other], explicit)[1] == "allowed", "an explicit reading stands"
