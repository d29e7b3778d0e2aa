"""Answer-type check: a question that asks *how often*, *how long* or *who pays* is covered only if the
paragraphs that answer it contain that kind of information. Catches near-misses that share the topic
("will I have to pay for a lost laptop?" against a policy that only says how to report the loss)."""

from __future__ import annotations

import re

# (asking words, words that supply the answer). "how ..." asks only where it opens a clause.
_TYPES: tuple[tuple[re.Pattern[str], re.Pattern[str]], ...] = (
    (  # frequency
        re.compile(r"\bhow often\b|\bhow frequently\b|\bhow many times\b", re.I),
        re.compile(
            r"\b(?:daily|weekly|monthly|annually|yearly|termly|every|each (?:day|week|month|term|year)|"
            r"once|twice|times a|regularly|per (?:day|week|month|term|year))\b",
            re.I,
        ),
    ),
    (  # duration or deadline
        re.compile(r"\bhow long\b|\bhow quickly\b|\bhow soon\b|\bby when\b|\bdeadline\b", re.I),
        re.compile(
            r"\b(?:\d+|one|two|three|four|five|six|seven|ten|twenty)[- ](?:minutes?|hours?|days?|weeks?|"
            r"months?|years?|working days?)\b|\bwithin\b|\bas soon as\b|\bimmediately\b|\bstraight away\b|"
            r"\buntil\b|\bno longer than\b|\bpromptly\b|\bwithout delay\b|\bsame day\b"
            r"|\b\d+\s*(?:characters?|letters?|digits?|words?|pages?)\b",  # "how long ... be": a length
            re.I,
        ),
    ),
    (  # money
        re.compile(
            r"\b(?:pay|paid|cost|costs|charge|charged|expenses?|allowance|reimburs\w*|refund\w*|"
            r"compensat\w*|claim (?:for|back)|out of my own pocket|£\s?\d+)\b",
            re.I,
        ),
        re.compile(
            r"\b(?:pay|paid|payment|cost|costs|charge|charged|expenses?|allowance|reimburs\w*|refund\w*|"
            r"compensat\w*|salary|fee|fees|£|budget)\b",
            re.I,
        ),
    ),
)


# "how long/often" asks, except inside a statement ("so everyone knows how long he'll be off").
_STATEMENT_BEFORE = re.compile(
    r"\b(?:knows|(?:i|we|they|everyone|everybody|people|he|she) know|sees?|decides?|depends on|regardless of|"
    r"no matter)\s+$",
    re.IGNORECASE,
)


def missing_answer_type(question: str, evidence: str) -> bool:
    """True when the question asks for a kind of fact (frequency, duration, money) the evidence lacks."""
    return any(_asks(asks, question) and not supplies.search(evidence) for asks, supplies in _TYPES)


def _asks(pattern: re.Pattern[str], question: str) -> bool:
    return any(
        not match.group(0).lower().startswith("how") or not _STATEMENT_BEFORE.search(question[: match.start()])
        for match in pattern.finditer(question)
    )
