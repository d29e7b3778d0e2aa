"""Which sentences back the deciding one: a near-tied runner-up paragraph is quoted too."""

from dataclasses import replace

from assistant.bank_guidance import bank_guided
from assistant.decide import is_rule, second_paragraph_support, top_paragraph_support
from assistant.stages import BankNeighbour, Evidence, Ranked
from core.types import RetrievedParagraph


def _retrieval(scores: dict[str, float]) -> Ranked:
    return Ranked(paragraphs=tuple(RetrievedParagraph(paragraph_id=pid, score=score) for pid, score in scores.items()))


def test_a_near_tied_runner_up_paragraph_is_quoted() -> None:
    deciding = Evidence("4.5", "All staff emails should be used sparingly.", 1.0)
    runner_up = Evidence("4.4", "Unnecessary emails add to workload.", 0.9)
    far_behind = Evidence("4.4", "Unnecessary emails add to workload.", 0.5)
    tied = _retrieval({"4.5": 0.30, "4.4": 0.28, "4.1": 0.1})
    assert second_paragraph_support(tied, [deciding, runner_up], deciding, []) == runner_up
    assert second_paragraph_support(tied, [deciding, far_behind], deciding, []) is None
    distant = _retrieval({"4.5": 0.30, "4.4": 0.20})
    assert second_paragraph_support(distant, [deciding, runner_up], deciding, []) is None
    assert second_paragraph_support(tied, [deciding, runner_up], deciding, [runner_up]) is None


def test_the_top_paragraph_is_quoted_when_a_rule_from_another_decides() -> None:
    ranked = _retrieval({"7.4.2": 0.5, "7.4.9": 0.45})
    elsewhere = Evidence("7.4.9", "Employees are advised not to use the social media sites of pupils.", 1.0)
    lead_in = Evidence("7.4.2", "Employees should consider the following:", 0.9)
    top_rule = Evidence("7.4.2", "Employees are advised not to accept pupils as friends.", 0.8)
    assert top_paragraph_support(ranked, [elsewhere, lead_in, top_rule], elsewhere, []) == top_rule
    assert top_paragraph_support(ranked, [elsewhere, lead_in, top_rule], elsewhere, [top_rule]) is None
    assert top_paragraph_support(ranked, [top_rule, elsewhere], top_rule, []) is None  # it decided itself
    assert top_paragraph_support(ranked, [elsewhere, lead_in], elsewhere, []) is None  # nothing to quote


def test_checklist_prompts_and_list_lead_ins_do_not_decide_a_verdict() -> None:
    assert is_rule('"All staff" emails should be used sparingly.')
    assert not is_rule("If sending or replying to a group email, does everyone need to receive the message?")
    assert not is_rule("The following email use principles should be considered:-.")
    assert not is_rule("Child Exploitation and Online Protection (CEOP) website.")


def test_labelled_bank_questions_pick_the_rule_that_answers() -> None:
    """Asked "can I put where I work in my bio?", the paragraph's general duty reads as allowed; the bank's
    close questions about that paragraph are labelled discouraged, and its "should not" rule reads so."""
    from assistant.verdict import read_verdict

    duty = "Safeguarding should be taken into consideration when using personal social media."
    ban = "Employees should not publicly indicate where they work."
    question = "Can I put where I work in my Instagram bio?"
    deciding, other = Evidence("7.4.1", duty, 1.0), Evidence("7.4.1", ban, 0.9)
    reading = read_verdict(question, duty, lambda text: 0.0)
    assert reading.verdict == "allowed"

    def guided(similarities: list[float], rules: list[Evidence], first=reading) -> tuple[Evidence, str]:
        neighbours = tuple(BankNeighbour("7.4.1", "discouraged", similarity) for similarity in similarities)
        ranked = replace(_retrieval({"7.4.1": 1.0}), bank=neighbours)
        chosen, read = bank_guided(
            ranked, rules, deciding, first, lambda text: read_verdict(question, text, lambda _: 0.0)
        )
        return chosen, read.verdict

    assert guided([0.8, 0.7], [deciding, other]) == (other, "discouraged")
    assert guided([0.2, 0.1], [deciding, other]) == (deciding, "allowed"), "bank questions too far away"
    assert guided([0.8, 0.7], [deciding]) == (deciding, "allowed"), "no rule reads as the bank's verdict"
    explicit = read_verdict("Do I have to?", "Staff are not required to respond at weekends.", lambda text: 0.0)
    assert explicit.verdict == "allowed" and explicit.cue == "not_required"
    assert guided([0.8, 0.7], [deciding, other], explicit)[1] == "allowed", "an explicit reading stands"
