"""Read a verdict from the policy's own modal language, sentence by sentence, with the question in mind.

Rules (documented in the README, unit-tested in tests/assistant/test_verdict.py):
1. The clause of the deciding sentence that shares the rarest words with the question is read.
2. Its *cue* is the first of these that matches: not_required ("not be required to", "do not have to") >
   prohibited ("must not", "not permitted", "not acceptable", "will not be tolerated", imperative "do not") >
   discouraged ("advised not to", "should not", "refrain", "sparingly") > conditional ("only ... via/with/for",
   "unless", "with permission", "sanctioned by", "consider whether", "applies ... if") > conditional duty
   ("If/Where X, ... should": conditional for a *may I* question, required otherwise) > permissive
   ("feel able to", "may be used", "is permitted") > required ("must", "should", "ensure", "will consider",
   "will be mindful") > allowed ("may", "can").
3. An exception in the clause, or attached right after it ("not permitted, except that ... may"), turns a
   ban into a condition: "advised not to X unless Y" / "without due reason" is conditional, unless the
   question says the condition is not met ("never asked anyone": the ban stands) or is met (most of Y's
   words, one "or" alternative at a time, in a *may I* question with no negation: allowed). A condition
   rule ("must only ... via a school account", "sanctioned by the school") is allowed when the question
   says its condition is met, and prohibited when it says it is skipped ("without telling anyone").
   A duty limited to a situation ("should respond ... where a request has been made") is not required
   when the question says the situation does not hold ("nobody's asked for an answer").
   A permission limited in another clause ("may X, but must not Y") is conditional too. A *may I*
   question that leaves a duty undone ("without checking consent", "and not tell anyone") reads the duty
   as a ban ("must") or as advice against ("should"). An idle reason
   ("out of curiosity", "for fun") does not meet a "without due reason" exception.
4. A restriction to an approved channel ("must only ... via a school account", "used only for
   professional communications") read against a question about a personal or social alternative
   (Gmail, my own phone, Friday drinks, a non-work chat with a friend) is prohibited.
5. The question's kind decides how a cue reads: *must I / who do I tell* questions are answered
   `required` (or `allowed` when the policy says you are not required); *may I* questions whose cue is
   an obligation are `allowed` (the policy asks you to do exactly that); *should I* questions ask for
   advice: a ban or condition reads as for *may I*, but an obligation answers `required`. *What / which /
   how should I ...* asks what the policy has one do, a duty asked in the third person or as a
   responsibility (*does it have to ...? is it on me? who makes sure ...?*, but not whose approval is
   needed) asks for a duty too, and *does this apply to me / am I covered?* is answered by the duty to
   follow the policy: all read as *must I*. A question after a fact (a phone number, an address, a
   definition, the point of a section, when the policy changed, why it exists) is answered `allowed`:
   it asks for neither leave nor a duty.
6. A sentence from a table or record (a table of changes) states facts, not rules: `allowed`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Literal

from core.types import Verdict

Cue = Literal[
    "not_required", "prohibited", "discouraged", "conditional", "conditional_duty", "permissive", "required", "allowed"
]
QuestionKind = Literal["permission", "advice", "obligation", "fact", "information"]


def _any(*patterns: str) -> re.Pattern[str]:
    return re.compile("|".join(patterns), re.IGNORECASE)


# adjectives after "may be" / "can be" that make the modal epistemic (what is possible), a closed class
_MODAL_ADJECTIVES = (
    r"(?:necessary|able|unable|possible|impossible|useful|appropriate|inappropriate|helpful|relevant|sufficient|"
    r"available|difficult|likely|unlikely|needed|advisable|preferable|easier|harder|better|worse|worth)\b"
)
_CUES: tuple[tuple[Cue, re.Pattern[str]], ...] = (
    (
        "not_required",
        _any(
            r"\bnot (?:be )?required to\b",
            r"\bdo(?:es)? not (?:have|need) to\b",
            r"\bneed not\b",
            r"\bnot (?:be )?expected to\b",
            r"\bnot obliged to\b",
            r"\b(?:is|are) not (?:mandatory|compulsory|necessary)\b",
            r"\bno (?:need|requirement|obligation) to\b",
            r"\bnot (?:be )?necessary\b",
            r"\boptional\b",
        ),
    ),
    (
        "prohibited",
        _any(
            r"\bmust not\b",
            r"\bmustn'?t\b",
            r"\bmust never\b",
            # any negated modal of obligation or leave: "SHALL NOT", "will not", "may never", "are not to"
            r"\b(?:shall|will|must|may|can)\s+(?:not|never)\b(?!\s+(?:be\s+)?(?:required|obliged|expected|necessary)\b)",
            r"\bshan'?t\b",
            r"\b(?:is|are) not to\b",
            r"\bunder no circumstances?\b",
            r"\bin no (?:circumstances|case)\b",
            r"\bnot under any circumstances\b",
            r"\bno (?:\w+ ){0,3}(?:may|shall|must|is permitted|are permitted|is allowed|are allowed)\b",
            r"\bnot (?:be )?permitted\b",
            r"\bnot (?:be )?allowed\b",
            r"\bprohibited\b",
            r"\bforbidden\b",
            r"\bwill not be tolerated\b",
            r"\bnot (?:be )?acceptable\b",
            r"\bunacceptable\b",
            r"(?<!\bcan and )\bcannot\b",  # not "what they can and cannot do", a description
            r"(?:^|[,;:]\s*)do not\b",
            r"(?<!should )(?<!ought )\bnever\b",
            r"\bconstitutes? a (?:data )?breach\b",
            r"\bmay constitute a disciplinary\b",
        ),
    ),
    (
        "discouraged",
        _any(
            r"\badvised not to\b",
            r"\bshould not\b",
            r"\bshouldn'?t\b",
            r"\bnot recommended\b",
            r"\brefrain\b",
            r"\bavoid\b",
            r"\bdiscouraged\b",
            r"\bnot advisable\b",
            r"\bought not\b",
            r"\bsparingly\b",
            r"\bshould never\b",
            r"\bnot (?:be )?advised\b",
            r"\badvised against\b",
        ),
    ),
    (
        "conditional",
        _any(
            r"\b(?:must|should|may|can) only\b",
            r"\bonly (?:be )?(?:made |used |take place )?(?:with|via|through|for|if)\b",
            r"\bunless\b",
            r"\bwith (?:the )?(?:express |prior )?(?:permission|approval|consent)\b",
            r"\bpermission should be sought\b",
            r"\bprovided (?:that )?\b",
            r"\bas long as\b",
            r"\bsanctioned by\b",
            r"\bwithout due reason\b",
            r"\bconsider carefully\b",
            r"\bconsider whether\b",
            r"\bconsideration (?:should be )?given\b",
            r"\bused only for\b",
            r"\bonly (?:if|when|after|where|once)\b",
            r"\bsubject to\b",
            r"\bat the discretion of\b",
            r"\bwith (?:the )?(?:prior |written |express )*(?:approval|agreement|authori[sz]ation) of\b",
            r"\b(?:requires?|needs?) (?:prior |written |express )*(?:approval|authori[sz]ation|permission|consent)\b",
            r"\bappl(?:y|ies)\b[^.;]*\bif\b",  # "it applies ... off-duty if there is a detrimental effect"
        ),
    ),
    (
        # A duty that applies in a situation: "If/Where X, staff should Y". Asked "may I X?" it is a
        # condition on X; asked anything else, it says what one must do when X happens.
        "conditional_duty",
        _any(r"^(?:-\s*)?(?:if|where)\b[^,]*,.*\b(?:should|must)\b"),
    ),
    (
        "permissive",
        _any(
            r"\bfeel able to\b",
            r"\bmay be used\b",
            r"\bis permitted\b",
            r"\bare permitted\b",
            r"\bfree to\b",
            r"\bwelcome to\b",
            r"\ballowed to\b",
            r"\bentitled to\b",
        ),
    ),
    (
        "required",
        _any(
            r"\bmust\b",
            r"\bshould\b",
            r"\brequired to\b",
            r"\bneeds? to\b",
            r"\bhave to\b",
            r"\bexpected to\b",
            r"\bensure\b",
            r"\bis the responsibility of\b",
            r"\bshall\b",
            r"\bis required\b",
            r"\bare required\b",
            r"\bencouraged to\b",
            r"\b(?:has|have) a duty\b",
            r"\bobliged to\b",
            r"\bresponsible for\b",
            r"\b(?:is|are) (?:mandatory|compulsory)\b",
            r"\b(?:is|are) to be\b",
            r"\bought to\b",
            r"\bwill\b",
        ),
    ),
    # deontic "may"/"can" only: "may be necessary", "may be able to", "may have" say what is possible, not
    # what is allowed ("may be used", "may be worn" do allow)
    (
        "allowed",
        _any(
            r"\b(?:may|can)\b(?!\s+(?:also\s+)?(?:be\s+" + _MODAL_ADJECTIVES + r"|have\b|need\b|find\b|help\b))",
            r"\bare able to\b",
        ),
    ),
)
_REQUIRED_CUE = dict(_CUES)["required"]
_EXCEPTION = _any(r"\bunless\b", r"\bwithout due reason\b", r"\bexcept\b", r"\bwith (?:the )?(?:express )?permission\b")
# The question says it skips the condition ("without telling anyone", "never asked"): a conditional rule
# then prohibits, and a ban's exception does not apply.
_REFUSALS = (
    r"\bwithout (?:telling|asking|checking with|letting) (?:anyone|anybody|the head|school)\b",
    r"\bwithout (?:asking|permission|approval)\b",
    r"\b(?:never|not|haven'?t) asked\b",
    r"\bno(?:body|one|[- ]one)(?:'s| has)? asked\b",
    r"\bdidn'?t ask\b",
    r"\bno permission\b",
)
_CONDITION_REFUSED = _any(*_REFUSALS)
# A *may I* question that leaves a duty undone ("without checking consent", "not locked"): the duty
# answers it as a ban ("must") or as advice against ("should"). "Not sure" is doubt, not a refusal.
_DUTY_SKIPPED = _any(
    r"\bwithout\b",
    r"\b(?:skip|skipping|bypass|bypassing|ignore|ignoring)\b",
    r"\b(?:not|never|don'?t|didn'?t|won'?t|haven'?t|hasn'?t|nobody|no one|no-one)\b(?! (?:sure|certain)\b)",
)
_STRICT_DUTY = _any(r"\bmust\b", r"\bshall\b", r"\brequired\b", r"\b(?:have|has|need|needs) to\b")
# A reason that is no reason: "without due reason" / "for professional reasons" is not met by these.
_IDLE_REASONS = (
    r"\bout of (?:curiosity|interest|boredom)\b",
    r"\bcurious\b",
    r"\bfor (?:fun|a laugh)\b",
    r"\bno (?:particular|real|good) reason\b",
    r"\bnon-?(?:school|work)\b",
)
# For a ban's exception, a question that says nobody gave the go-ahead, or that the policy is silent on
# it, leaves the ban standing too.
_CONDITION_NOT_MET = _any(
    *_REFUSALS,
    r"\bno(?:body|one)? (?:gave|has given) ",
    r"\b(?:doesn'?t|don'?t|does not|do not) say\b",
    r"\bsays? nothing\b",
    *_IDLE_REASONS,
)
# "should respond ... where a request for a response has been made": a duty that holds only in a situation
_DUTY_IN_A_SITUATION = _any(r"\b(?:should|must)\b.*\b(?:where|if|when)\b")
_RESTRICTION = _any(r"\bmust only\b", r"\bmay only\b", r"\bused only for\b", r"\bonly (?:take place )?via\b")
# A question that steps outside a restriction to an approved channel or purpose: a personal or private
# alternative, or a purpose that is not work. General words only: no brand or scenario is named here.
_OUTSIDE_RESTRICTION = _any(
    r"\bpersonal\b",
    r"\bmy own\b",
    r"\bprivate\b",
    r"\bhome (?:email|account|computer|laptop|pc)\b",
    r"\bsocial(?:ise|ize|ising)?\b(?! media)",
    r"\bnon-?(?:work|school|professional)\b",
    r"\bnot (?:about |related to |to do with )?(?:work|school)\b",
    r"\bnothing to do with (?:work|school)\b",
    r"\b(?:my|a) (?:mate|friend|pal)\b",
    *_IDLE_REASONS,
)

_PERMISSION = _any(
    r"^\W*(?:so[,:]?\s+)?(?:can|may|could|might)\s+(?:i|we|staff|teachers|you|a teacher)\b",
    r"\b(?:am i|are we|are staff|is it|would it be|it's|it is)\s+(?:\w+\s+)?(?:allowed|ok|okay|alright|all right|"
    r"fine|acceptable|permitted|a problem|against the rules)\b",
    r"\bcan i\b",
    r"\bcan we\b",
    r"\bmay i\b",
    r"\bam i ok to\b",
    r"\bis that (?:ok|okay|allowed|fine|a problem)\b",
    r"\bam i (?:even )?allowed\b",
    r"\bwould i be allowed\b",
)
# "Should I X?" asks for advice: a ban or a condition answers it as for "may I", but a duty
# ("staff should X") is an answer of its own (`required`), not a permission.
_ADVICE = _any(
    r"\bshould (?:i|we)\b(?!.*\breport\b)",
    r"\bought (?:i|we)\b",
)
# "What's the helpline's number / the point of this policy?" asks for a fact, not for leave or a duty.
_FACT = _any(
    r"\b(?:what(?:'s| is| are)|is there) (?:the|its|their|our|this|a|an|any)\s+(?:[\w'-]+\s+){0,3}?"
    r"(?:(?:phone |telephone |contact )?number|e-?mail(?: address)?|address|website|web ?site|link|helpline|"
    r"definition|point|purpose|aim|reason|reasoning|history)s?(?=\s*(?:$|[?.!,;]|for\b|of\b|on\b|about\b|between\b|behind\b|"
    r"to ring\b|to call\b|that\b))",
    # the policy's history and reasons: "when was X added?", "what changes were made?", "why do we have it?"
    r"\bwhen (?:did|was|were)\b",
    r"\bwhat changes\b",
    r"\bhas anything (?:been )?changed\b",
    r"\b(?:was|were) [\w' ]{1,40} (?:added|changed|renamed|updated)\b",
    r"^\W*(?:[\w' ]+[:\-–]\s*)?why (?:is|are|do|does|did|has|have|was|were)\b"
    r"(?!.*\b(?:have to|has to|need to|needs to|expected|must|should)\b)",  # "why do we have to" asks of a duty
)
# A duty asked in the third person or as a responsibility ("does it have to be in a closed bag?", "is it
# on me?"); a question about whose approval is needed asks about a condition instead.
_DUTY_ASKED = _any(
    r"^(?!.*\b(?:approv\w*|permission|sanction\w*|sign(?:ed)? off|agree\w*|consent)\b)(?:.*?)(?:"
    r"\b(?:do|does)\b[^?.]{0,40}\b(?:have|has|need|needs) to\b"
    r"|\b(?:am i|are (?:staff|we|teachers|employees))\b[^?.]{0,20}"
    r"\b(?:responsible|expected|required|meant|supposed|obliged)\b"
    r"|\bis it (?:on me|my (?:job|responsibility))\b"
    r"|\bwho (?:makes sure|handles|oversees|needs to|has to|is responsible)\b)",
)
# "Does this policy apply to me / am I covered?": a policy that applies is one to follow (`required`).
_SCOPE = _any(
    r"\b(?:does|do|would|will|am|is|are)\b(?:(?!\b(?:which|what|who|how)\b)[^?.])*"
    r"\b(?:apply|applies|covers?(?!\s+(?:supervisor|teacher|staff|of|for)\b)|covered)\b",
)
_OBLIGATION = _any(
    r"\bdo i (?:have|need) to\b",
    r"\bdo we (?:have|need) to\b",
    r"\bmust i\b",
    r"\bmust we\b",
    r"\bam i (?:required|expected|supposed|meant)\b",
    r"\bhave i got to\b",
    r"\bwhat (?:should|must|do) (?:i|we) do\b",
    # "what/which/how should I ..." asks what the policy has one do; "what should I avoid" asks about bans
    r"\b(?:what|which|how)\b(?:\s+[\w']+){0,4}\s+(?:should|must) (?:i|we)\b(?!.*\b(?:avoid|never|not)\b)",
    r"\bwho (?:do|should) i (?:tell|report|contact|speak|ask|go)\b",
    r"\b(?:where|who|how)\b[^?.]{0,30}\b(?:refer|report|raise|escalate)\w*\b",  # asks for the route to take
    r"\bwhat am i (?:supposed|meant|expected)\b",
    r"\bhow (?:quickly|soon|fast)\b",
    r"\bwithin how\b",
    r"\bwhat (?:has|needs) to\b",
    r"\bshould i report\b",
    r"\bam i obliged\b",
    r"\bis there anything .* expects?\b",
    r"\bwhat .* (?:supposed|meant) to\b",
    r"\bdo i need to do\b",
    r"\bwhich .* (?:supposed|meant) to\b",
    r"\bhow long (?:can|may|should|do|must)\b",
    r"\banything (?:special )?(?:i|we) (?:should|must|need to|have to) do\b",
)


@dataclass(frozen=True)
class VerdictReading:
    verdict: Verdict
    cue: Cue | None
    clause: str
    # An explicit "not required to", or the question's own words settled it: a condition it says is met or
    # unmet, a restriction it steps outside, a duty it leaves undone or rules out. The verdict model never
    # moves such a reading.
    settled: bool = False


def question_kind(question: str) -> QuestionKind:
    if _OBLIGATION.search(question):
        return "obligation"
    if _ADVICE.search(question):
        return "advice"
    if _PERMISSION.search(question):
        return "permission"
    if _SCOPE.search(question) or _DUTY_ASKED.search(question):
        return "obligation"
    if _FACT.search(question):
        return "fact"
    return "information"


def sentence_cue(sentence: str) -> Cue | None:
    """The strongest cue in the text (rule 2), or None when it carries no modal wording; an instruction in
    the imperative ("Report any loss to IT.", "(A) Conduct an assessment") is a duty."""
    for cue, pattern in _CUES:
        if pattern.search(sentence):
            return cue
    if _IMPERATIVE.match(_LEADING_LABEL.sub("", sentence.strip())):
        return "required"
    return None


_LEADING_LABEL = re.compile(r"^(?:[-•*]\s+|\(?[0-9a-zA-Z]{1,4}[.)]\s+)+")
# A capitalised first word that is not a grammar word, not a plural noun ("Procedures for ..."), followed
# by a lower-case word that is not a verb (which would make the first word the subject: "Passwords are
# personal"; a capital would make it a name: "Child Exploitation and Online Protection").
_IMPERATIVE = re.compile(
    r"^(?!(?i:the|a|an|this|these|those|that|it|its|we|you|they|he|she|i|our|your|their|all|any|each|every|"
    r"some|no|if|when|where|while|as|for|in|on|at|by|with|to|of|from|there|here|such|other|most|many|"
    r"please|note|see|example|examples)\b)"
    r"[A-Z][a-z]*(?:[^s\W]|ss)\s+(?!(?i:is|are|was|were|will|may|must|should|can|could|would|has|have|had|do|"
    r"does|and|or)\b)[a-z]"
)


_CLAUSE_SPLIT = re.compile(
    r";|,\s*(?:however|but|although|whereas)\b,?|\bhowever,|\bbut\b|,\s*except (?:that|where|when)\b", re.I
)


def clauses(sentence: str) -> list[str]:
    parts = [part.strip(" ,") for part in _CLAUSE_SPLIT.split(sentence)]
    return [part for part in parts if len(part.split()) >= 3] or [sentence]


def cue_to_verdict(cue: Cue | None, kind: QuestionKind) -> Verdict:
    """Rule 5: how a cue answers this kind of question."""
    if kind == "fact":
        return "allowed"
    if cue == "not_required":
        return "allowed"
    if kind == "obligation":
        # a must-I question answered by a sentence that only permits, or states a fact: not a duty
        return "allowed" if cue in ("permissive", "allowed") else "required"
    if cue == "conditional_duty":
        return "conditional" if kind == "permission" else "required"
    if cue == "required" and kind == "advice":
        return "required"
    if cue in (None, "permissive", "allowed") or (cue == "required" and kind == "permission"):
        return "allowed"
    return cue  # type: ignore[return-value]


def read_verdict(
    question: str,
    sentence: str,
    weight: Callable[[str], float],
    factual: bool = False,
    kind: QuestionKind | None = None,
) -> VerdictReading:
    """Verdict for `question` from `sentence`; `weight(text)` scores how much a clause shares with it.
    `factual` marks a sentence from a table or record (e.g. a table of changes): it states facts, not rules.
    `kind` is the question's kind when the caller, reading several sentences for one question, has it."""
    kind = kind or question_kind(question)
    if factual:
        return VerdictReading(verdict="required" if kind == "obligation" else "allowed", cue=None, clause=sentence)
    best = max(clauses(sentence), key=lambda clause: weight(clause) + (0.01 if sentence_cue(clause) else 0.0))
    cue = sentence_cue(best) or sentence_cue(sentence)
    others = [sentence_cue(clause) for clause in clauses(sentence) if clause != best]
    scope = _with_exception(sentence, best)
    settled = True
    if cue in ("prohibited", "discouraged") and _EXCEPTION.search(scope):
        if not _CONDITION_NOT_MET.search(question):
            cue = "conditional"
            settled = kind in ("permission", "advice") and _condition_met(scope, question)
            cue = "allowed" if settled else cue
    elif cue == "conditional" and (
        _CONDITION_REFUSED.search(question) or (_RESTRICTION.search(best) and _OUTSIDE_RESTRICTION.search(question))
    ):
        cue = "prohibited"
    elif cue == "conditional" and kind in ("permission", "advice") and _condition_met(best, question):
        cue = "allowed"
    elif cue == "required" and _DUTY_IN_A_SITUATION.search(best) and _CONDITION_NOT_MET.search(question):
        cue = "not_required"
    elif cue == "required" and kind in ("permission", "advice") and _DUTY_SKIPPED.search(question):
        cue = "prohibited" if _STRICT_DUTY.search(best) else "discouraged"
    else:
        settled = False
        if cue in ("permissive", "allowed") and any(other in ("prohibited", "conditional") for other in others):
            cue = "conditional"
    settled = settled or cue == "not_required"
    verdict = cue_to_verdict(cue, kind)
    states_no_duty = not _REQUIRED_CUE.search(best) and not _SCOPE.search(question)
    if verdict == "required" and cue == "conditional" and states_no_duty:
        verdict = "conditional"  # a must-I question met by a condition that states no duty: "only when ..."
    return VerdictReading(verdict=verdict, cue=cue, clause=best, settled=settled)


def _with_exception(sentence: str, clause: str) -> str:
    """The clause plus an exception attached right after it ("not permitted, except that ... may"); an
    "unless" that belongs to another rule of the sentence (after a ";") is left out."""
    start = sentence.find(clause)
    if start < 0:
        return clause
    attached = re.match(r"\s*,?\s*(?:except|unless)\b[^;]*", sentence[start + len(clause) :], re.IGNORECASE)
    return clause + (attached.group(0) if attached else "")


_CONDITION = re.compile(
    r"\b(?:unless|except (?:that |where |when |for )?|"
    r"only (?:be )?(?:made |used |take place )?(?:with|via|through|for|if|from)|provided (?:that )?|"
    r"as long as|with (?:the )?(?:express |prior )?(?:permission|approval|consent) (?:of|from))\b(?P<condition>.*)",
    re.IGNORECASE,
)
CONDITION_MET_SHARE = 0.6


def _condition_met(clause: str, question: str) -> bool:
    """The question says the rule's condition holds ("the site says the images are copyright cleared",
    "through Google Classroom, our learning platform"): most of the condition's words are in it."""
    from assistant.lexical import lexical_tokens

    match = _CONDITION.search(clause)
    if match is None or _NEGATED.search(question):
        return False
    asked = set(lexical_tokens(question))
    for alternative in re.split(r"\bor\b", match.group("condition")):
        condition = set(lexical_tokens(alternative))
        if condition and len(condition & asked) / len(condition) >= CONDITION_MET_SHARE:
            return True
    return False


_NEGATED = re.compile(r"\b(?:not|no|never|without|isn'?t|aren'?t|don'?t|doesn'?t|didn'?t|won'?t|haven'?t)\b", re.I)


def guard_reading(reading: VerdictReading, sentence: str, kind: QuestionKind) -> VerdictReading:
    """Never say yes while quoting a ban: an `allowed` reading of a sentence that prohibits or advises
    against, with no exception in it, takes the ban's verdict (the clause read was the ban) or becomes
    conditional (the ban is another clause: "may X, but must not Y"). A fact question and an explicit
    "not required to" are left alone: neither answers yes or no."""
    if reading.verdict != "allowed" or kind == "fact" or reading.cue == "not_required":
        return reading
    if _EXCEPTION.search(sentence):
        return reading
    cues = [sentence_cue(clause) for clause in clauses(sentence)]
    bans = [cue for cue in cues if cue in ("prohibited", "discouraged")]
    if not bans:
        return reading
    own = sentence_cue(reading.clause)
    verdict: Verdict = own if own in ("prohibited", "discouraged") else "conditional"  # type: ignore[assignment]
    return VerdictReading(verdict=verdict, cue=own if own in bans else "conditional", clause=reading.clause)
