"""Each safety invariant catches the answer it names and passes a sound one."""

from __future__ import annotations

from core.types import Answer, Citation, Paragraph, ParsedPolicy, RetrievedParagraph
from eval.invariants import INVARIANTS, count, violations

POLICY = ParsedPolicy(
    policy_id="p",
    title="t",
    source_path="p.txt",
    content_hash="h",
    paragraphs=(
        Paragraph("1", (), "All Users **SHALL NOT** share passwords with any other person.", (0, 10)),
        Paragraph("2", (), "Staff may use the minibus for trips.", (11, 20)),
        Paragraph("3", (), "Report any loss to the IT lead.", (21, 30)),
    ),
)


def answer(verdict: str, lead: str, deciding: str, cited: str, quote: str, retrieved: tuple[str, ...]) -> Answer:
    return Answer(
        question="q",
        policy="p",
        verdict=verdict,  # type: ignore[arg-type]
        answer=f"{lead} “{quote}” [{cited}]",
        sentences=(),
        citations=(Citation(cited, quote, ""),),
        retrieved=tuple(RetrievedParagraph(pid, 1.0) for pid in retrieved),
        contacts=(),
        confidence=1.0,
        timings_ms={},
        deciding_sentence=deciding,
    )


BAN = "All Users SHALL NOT share passwords with any other person."


def test_yes_while_quoting_a_ban_is_caught() -> None:
    bad = answer("allowed", "Yes, the policy allows this.", BAN, "1", BAN, ("1",))
    assert violations(bad, POLICY) == ["yes_while_banning"]
    good = answer("prohibited", "No, the policy does not allow this.", BAN, "1", BAN, ("1",))
    assert violations(good, POLICY) == []


def test_no_while_quoting_a_permission_is_caught() -> None:
    may = "Staff may use the minibus for trips."
    assert "yes_while_banning" in violations(
        answer("prohibited", "No, the policy does not allow this.", may, "2", may, ("2",)), POLICY
    )


def test_required_needs_a_duty_and_prohibited_a_ban() -> None:
    may = "Staff may use the minibus for trips."
    assert violations(answer("required", "The policy requires this.", may, "2", may, ("2",)), POLICY) == [
        "required_without_duty"
    ]
    instruction = "Report any loss to the IT lead."
    assert violations(answer("required", "Yes, you must.", instruction, "3", instruction, ("3",)), POLICY) == []
    assert "prohibited_without_ban" in violations(
        answer("prohibited", "No, the policy does not allow this.", instruction, "3", instruction, ("3",)), POLICY
    )


def test_citations_must_be_retrieved_and_quotes_verbatim() -> None:
    wrong_quote = answer("prohibited", "No.", BAN, "1", "Users may share passwords.", ("1",))
    assert "quote_not_verbatim" in violations(wrong_quote, POLICY)
    joined = answer("prohibited", "No.", BAN, "1", f"{BAN} … {BAN}", ("1",))
    assert "quote_not_verbatim" not in violations(joined, POLICY)
    not_retrieved = answer("prohibited", "No.", BAN, "1", BAN, ("2",))
    assert "citation_not_retrieved" in violations(not_retrieved, POLICY)


def test_count_reports_every_invariant() -> None:
    bad = answer("allowed", "Yes, the policy allows this.", BAN, "1", BAN, ("1",))
    counts = count([(bad, POLICY), (bad, POLICY)])
    assert set(counts) == set(INVARIANTS) and counts["yes_while_banning"] == 2
