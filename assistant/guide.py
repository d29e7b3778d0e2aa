"""What a policy teaches on its own: its key rules, example scenarios and an induction quiz, all drawn from
the policy's modal sentences, so an uploaded policy gets them on day one without a gold set or a bank.

A rule becomes a staff question by grammar: "Users shall not share passwords with any other person" ->
"Can I share passwords with any other person?"; "Personal data must be encrypted" -> "Does personal data
have to be encrypted?". The answer to the quiz is the rule's own reading by the verdict grammar.
"""

from __future__ import annotations

import random
import re
from dataclasses import dataclass

from assistant.retrieval import is_tabular
from assistant.verdict import Cue, read_verdict, sentence_cue
from core.text import split_sentences
from core.types import ParsedPolicy, Verdict

# "Strongest" cue first: a ban outranks a duty, which outranks a condition, advice or a permission.
CUE_STRENGTH: dict[Cue, int] = {
    "prohibited": 7,
    "required": 6,
    "conditional": 5,
    "conditional_duty": 5,
    "discouraged": 4,
    "not_required": 3,
    "permissive": 2,
    "allowed": 1,
}
QUIZ_LENGTH = 5
EXAMPLE_MAX_CHARS = 90
QUESTION_MAX_WORDS = 14

# subject, modal phrase, verb phrase: the grammar every policy writes its rules in
_RULE = re.compile(
    r"^(?P<subject>(?:[A-Za-z][\w'’-]*\s+){0,6}?[A-Za-z][\w'’-]*)\s+"
    r"(?P<modal>must|shall|should|may|can(?:not)?|need to|needs to|ha(?:ve|s) to|"
    r"(?:is|are)\s+(?:not\s+)?(?:required|expected|permitted|allowed|entitled|obliged)\s+to)\s+"
    r"(?P<negation>(?:not|never)\s+)?(?P<adverbs>(?:only|also|always|normally|usually|still)\s+)*"
    r"(?P<verb>[a-z][\w'’-]*)(?P<rest>.*)$",
    re.IGNORECASE,
)
_NOT_A_SUBJECT = re.compile(
    r"^(?:if|when|where|whilst|while|unless|although|as|for|in|on|at|this|these|it|what|which|who|how|there|here|"
    r"and|or|but|so|they|he|she|such|nobody|none|no one)\b"
    r"|\b(?:is|are|was|were|that|which|who|whose)\b",
    re.I,
)
# a person by the shape of the noun (user, manager, employee, contractor, scientist, consultant...)
_AGENT_NOUN = re.compile(r"(?:er|or|ee|ist|ian|ant|ent|person|people|staff|team|you|one|body)s?$", re.I)
_NOT_A_RULE = re.compile(r"^be\s+(?:found|seen|read|located|viewed|obtained|accessed at)\b", re.I)
# "may constitute / can lead to / may result in": what may happen, not what staff may do
_EPISTEMIC_VERB = re.compile(
    r"^(?:constitute|result|lead|cause|amount|mean|vary|differ|happen|occur|arise|affect|include|involve|"
    r"contain|reflect|indicate|suggest|appear|seem|become|bring)s?\b",
    re.I,
)
_DEFINITE = re.compile(r"^(?:the|this|that|a|an|our|its)\s", re.I)
_DUTY_MODALS = re.compile(r"^(?:must|shall|need|needs|ha(?:ve|s) to|(?:is|are) (?:required|expected|obliged))", re.I)
_ADVICE_MODALS = re.compile(r"^should", re.I)
# where a question about the action stops: the conditions belong to the answer, not to the question
_CLAUSE_END = re.compile(
    r"\s*(?:[,;:(]|\s-\s|\b(?:unless|except|provided|if|when|where|whilst|while|without|until|before|after|"
    r"and must|and should|and may|which|who|so that|in order|subject to|at the discretion of|"
    r"with (?:the )?(?:prior |written |express )?(?:approval|permission|consent|agreement|authori[sz]ation))\b)",
    re.IGNORECASE,
)
_LEADING_CONDITION = re.compile(r"^(?:if|when|where|whilst|while|before|after|unless)\b[^,;]{3,120},\s*", re.I)
_DANGLING = re.compile(r"^(?:to|a|an|the|of|and|or|on|in|for|with|by|from|as|at|into|than|their|our|its)$", re.I)
_PRONOUNS = {"their": "my", "them": "me", "themselves": "myself", "they": "I", "your": "my", "yourself": "myself"}


@dataclass(frozen=True)
class KeyRule:
    section: str
    paragraph_id: str
    sentence: str
    verdict: Verdict


@dataclass(frozen=True)
class QuizItem:
    """A scenario question made from one rule, answered by that rule's own reading."""

    id: str
    question: str
    paragraph_id: str
    sentence: str
    verdict: Verdict


def rule_question(sentence: str) -> str | None:
    """The question a member of staff would ask about the action a rule governs; None when the sentence
    is not a subject + modal + verb rule (a heading, a definition, a passive without a subject)."""
    text = _plain(sentence)
    if not text[:1].isupper():  # a fragment of a sentence broken across lines, not a rule's start
        return None
    # a leading condition ("If ..., ") belongs to the answer; the rule after it is what the question asks
    match = _RULE.match(_LEADING_CONDITION.sub("", text))
    if match is None or _NOT_A_SUBJECT.search(match["subject"]):
        return None
    subject = match["subject"]
    verb = match["verb"].lower()
    action = _action(verb + match["rest"])
    modal = match["modal"].lower()
    if not action or _NOT_A_RULE.match(action) or (modal in {"may", "can"} and _EPISTEMIC_VERB.match(action)):
        return None
    negated = bool(match["negation"]) or modal == "cannot"
    # a passive keeps its subject, except the people the policy speaks to ("we must be consulted")
    personal = subject.lower() in {"you", "we"} or (verb not in {"be", "been"} and _is_personal(subject))
    if personal:
        action = " ".join(_PRONOUNS.get(word.lower(), word) for word in action.split())
        if _ADVICE_MODALS.match(modal):
            question = f"Should I {action}?"
        elif _DUTY_MODALS.match(modal) and not negated:
            question = f"Do I have to {action}?"
        else:
            question = f"Can I {action}?"
    else:
        thing = subject[:1].lower() + subject[1:] if not _is_acronym(subject.split()[0]) else subject
        if _ADVICE_MODALS.match(modal):
            question = f"Should {thing} {action}?"
        elif _DUTY_MODALS.match(modal) and not negated:
            auxiliary = "Do" if thing.endswith("s") and not thing.endswith("ss") else "Does"
            question = f"{auxiliary} {thing} have to {action}?"
        else:
            question = f"Can {thing} {action}?"
    return question if len(question.split()) <= QUESTION_MAX_WORDS + 4 else None


def key_rules(policy: ParsedPolicy) -> list[KeyRule]:
    """For each top-level section, the sentence with the strongest modal cue, preferring rules addressed
    to people (a subject + modal + verb rule; the first one on a tie). Sections without a rule get no card."""
    best: dict[str, tuple[tuple[bool, int], KeyRule]] = {}
    order: list[str] = []
    for paragraph_id, section, sentence, cue in _rule_sentences(policy):
        if section not in order:
            order.append(section)
        strength = (rule_question(sentence) is not None, CUE_STRENGTH[cue])
        if section not in best or strength > best[section][0]:
            # read as the assistant would (an "unless" turns a ban into a condition), for no question
            verdict = read_verdict("", sentence, lambda _clause: 0.0).verdict
            best[section] = (strength, KeyRule(section, paragraph_id, sentence, verdict))
    return [best[section][1] for section in order if section in best]


def quiz_items(policy: ParsedPolicy, seed: int = 0, length: int = QUIZ_LENGTH) -> list[QuizItem]:
    """A short quiz from the policy's rules: as many different verdicts as it has, then any others."""
    items: list[QuizItem] = []
    seen: set[str] = set()
    for paragraph_id, _section, sentence, _cue in _rule_sentences(policy):
        question = rule_question(sentence)
        if question is None or question.lower() in seen:
            continue
        seen.add(question.lower())
        verdict = read_verdict(question, sentence, lambda _clause: 0.0).verdict
        if verdict == "not_covered":
            continue
        items.append(QuizItem(f"{paragraph_id}#{len(items)}", question, paragraph_id, sentence, verdict))
    random.Random(seed).shuffle(items)
    chosen: list[QuizItem] = []
    for item in items:
        if item.verdict not in {c.verdict for c in chosen}:
            chosen.append(item)
        if len(chosen) == length:
            return chosen
    chosen += [item for item in items if item not in chosen][: length - len(chosen)]
    return chosen


def example_questions(policy: ParsedPolicy, count: int = 4) -> list[str]:
    """Short scenarios for an empty chat, from the key rules of different sections; for a policy without
    such rules, one question per section heading."""
    chosen: list[str] = []
    for rule in key_rules(policy):
        question = rule_question(rule.sentence)
        if question and len(question) <= EXAMPLE_MAX_CHARS and question not in chosen:
            chosen.append(question)
        if len(chosen) == count:
            return chosen
    sections = list(dict.fromkeys(p.heading_path[0] for p in policy.paragraphs if p.heading_path))
    for section in sections[1:]:
        if len(chosen) == count:
            break
        name = section.lstrip("0123456789. ").strip()
        if name:
            chosen.append(f"What does the policy say about {name[:1].lower()}{name[1:]}?")
    return chosen


def score(answers: dict[str, str], items: list[QuizItem]) -> int:
    """How many quiz items were answered with the rule's verdict (`answers` maps item id -> verdict)."""
    return sum(1 for item in items if answers.get(item.id) == item.verdict)


def _rule_sentences(policy: ParsedPolicy) -> list[tuple[str, str, str, Cue]]:
    """(paragraph id, top-level section, sentence, cue) for each sentence with modal wording."""
    found = []
    for paragraph in policy.paragraphs:
        if not paragraph.heading_path or is_tabular(paragraph.text, paragraph.id):
            continue
        for line in split_sentences(paragraph.text):
            sentence = line.lstrip("-•* ").strip()
            cue = sentence_cue(sentence)
            if cue is not None and not sentence.rstrip(" .").endswith(("?", ":")):
                found.append((paragraph.id, paragraph.heading_path[0], sentence, cue))
    return found


def _plain(sentence: str) -> str:
    """Markdown emphasis and code marks and a leading list label removed."""
    text = re.sub(r"[*_`]+", "", sentence)
    return re.sub(r"^\s*(?:\(?[0-9a-zA-Z]{1,3}[.)]\s+|[o•▪◦]\s+)", "", text).strip()


def _action(phrase: str) -> str:
    """The verb phrase up to its first condition or clause break, at most QUESTION_MAX_WORDS words."""
    phrase = phrase.strip().rstrip(".!")
    cut = _CLAUSE_END.search(phrase, 1)
    if cut is not None:
        phrase = phrase[: cut.start()]
    words = phrase.split()
    if len(words) > QUESTION_MAX_WORDS or (words and _DANGLING.match(words[-1])):  # cut off mid-phrase
        return ""
    return " ".join(words).rstrip(" ,;")


def _is_personal(subject: str) -> bool:
    """A subject naming the people the policy addresses ("you", "Staff", "All Users", "Employees"): a short
    group of people with no article. "The Headteacher", "Private systems" or "This policy" keep their name."""
    words = subject.split()
    if words[0].lower() in {"you", "we", "everyone", "anyone", "staff", "all", "any", "every", "each", "no"}:
        return True
    if _DEFINITE.match(subject):
        return False
    return len(words) <= 3 and bool(_AGENT_NOUN.search(words[-1]))


def _is_acronym(word: str) -> bool:
    return len(word) > 1 and word.isupper()
