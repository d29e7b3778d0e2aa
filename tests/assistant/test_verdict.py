from __future__ import annotations

import pytest

from assistant.lexical import lexical_tokens
from assistant.verdict import cue_to_verdict, question_kind, read_verdict, sentence_cue


def overlap_with(question: str):
    words = set(lexical_tokens(question))
    return lambda text: float(len(set(lexical_tokens(text)) & words))


@pytest.mark.parametrize(
    ("sentence", "cue"),
    [
        ("Employees must not post illegal material in any work based WhatsApp groups.", "prohibited"),
        ("Cyberbullying of staff is not acceptable.", "prohibited"),
        ("If the email concerns an individual, do not name them in the 'subject field'.", "prohibited"),
        ("Employees are advised not to run social media spaces for pupil use on a personal basis.", "discouraged"),
        ("Refrain from speaking about other employees in a negative manner.", "discouraged"),
        ("Employee to pupil email communication must only take place via a school email account.", "conditional"),
        ("Official blogs must be password protected and overseen and sanctioned by the school.", "conditional"),
        ("They should respond to emails within 24 hours during their working week.", "required"),
        ("Employees should remain aware of their data protection obligations.", "required"),
        ("WhatsApp is an instant messaging application which may be used by employees.", "permissive"),
        ("Employees should feel able to send emails when their working pattern suits them.", "permissive"),
        ("They should not be required to read or respond to emails in the evenings.", "not_required"),
        ("Child Exploitation and Online Protection (CEOP) website.", None),
        ("Employees cannot use school equipment for personal business.", "prohibited"),
        ("Employees have clear guidelines on what they can and cannot do to keep themselves safe.", "allowed"),
        ("It applies to all employees at work but also off-duty if there is a detrimental effect.", "conditional"),
        ("It applies to all employees. Staff may ask if unsure.", "allowed"),
        ("The Headteacher will be mindful of the obligation to protect the wellbeing of staff.", "required"),
    ],
)
def test_sentence_cues(sentence: str, cue: str | None) -> None:
    assert sentence_cue(sentence) == cue


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Can I add a parent on Facebook?", "permission"),
        ("is it ok if I don't reply at the weekend", "permission"),
        ("Am I even allowed my own Instagram?", "permission"),
        ("Do I have to reply to parents within a day?", "obligation"),
        ("Who do I tell if a colleague posts about pupils?", "obligation"),
        ("What does the policy say about blogs?", "information"),
        ("I'm part-time, should I set an out of office on my non-working days?", "advice"),
        ("What tone should I use in Teams messages?", "obligation"),
        ("Which address should I give a pupil who asks for my email?", "obligation"),
        ("What should I avoid putting in emails?", "advice"),
        ("Should I report it to the head?", "obligation"),
        ("Does this policy apply to me at the weekend?", "obligation"),
        ("I'm a lunchtime supervisor - am I covered by this?", "obligation"),
        ("Is it ok to give my password to the cover supervisor?", "permission"),
        ("What's the phone number for the Online Safety Helpline?", "fact"),
        ("what's the point of the social media section?", "fact"),
        ("What's the right way to email a parent?", "information"),
        ("When did they add the bit about staff mental health?", "fact"),
        ("Why do we have a separate social media policy?", "fact"),
        ("Why do staff have to set an example online?", "obligation"),
        ("If I take pupil files home, does it have to be in a closed bag?", "obligation"),
        ("Is it on me to make sure nobody can see my screen at home?", "obligation"),
        ("Who makes sure legal requirements are followed when misuse happens?", "obligation"),
        ("Does the head have to approve a class blog?", "information"),
        ("am I going to lose my job over one silly email", "information"),
        ("concern about a teacher and pupil messaging online, where do I refer it?", "obligation"),
    ],
)
def test_question_kinds(question: str, kind: str) -> None:
    assert question_kind(question) == kind


def test_not_required_reads_as_allowed_for_a_must_i_question() -> None:
    question = "Do I have to answer emails at the weekend?"
    sentence = (
        "Employees should feel able to send emails when their working pattern suits them, however, "
        "they should not be required to read or respond to emails in the evenings or at weekends."
    )
    reading = read_verdict(question, sentence, overlap_with(question))
    assert reading.verdict == "allowed" and reading.cue == "not_required"
    assert reading.settled  # an explicit "not required to": the verdict model never moves it
    assert "weekends" in reading.clause


def test_the_clause_that_matches_the_question_decides() -> None:
    question = "Am I allowed to send emails late in the evening when it suits me?"
    sentence = (
        "Employees should feel able to send emails when their working pattern suits them, however, "
        "they should not be required to read or respond to emails in the evenings or at weekends."
    )
    assert read_verdict(question, sentence, overlap_with(question)).verdict == "allowed"


def test_advised_not_unless_permission_is_conditional_until_the_condition_is_missing() -> None:
    sentence = (
        "Employees are advised not to use school equipment to access the internet for private purposes "
        "unless they have express permission from the Headteacher."
    )
    q1 = "Can I do my online shopping on the school laptop?"
    q2 = "I check my banking on the school PC and never asked anyone, is that ok?"
    assert read_verdict(q1, sentence, overlap_with(q1)).verdict == "conditional"
    assert read_verdict(q2, sentence, overlap_with(q2)).verdict == "discouraged"


def test_restriction_read_against_a_personal_channel_is_prohibited() -> None:
    sentence = "Employee to pupil email communication must only take place via a school email account."
    q1 = "Can I email pupils from my personal email?"
    q2 = "Can I email pupils about homework?"
    assert read_verdict(q1, sentence, overlap_with(q1)).verdict == "prohibited"
    assert read_verdict(q2, sentence, overlap_with(q2)).verdict == "conditional"


def test_must_not_is_prohibited_and_advised_not_is_discouraged() -> None:
    q = "Can I put photos from the staff party on my Facebook?"
    s1 = "Employees must not place inappropriate photographs on any social media space."
    s2 = "Employees are advised not to communicate with pupils or parents on social media sites."
    assert read_verdict(q, s1, overlap_with(q)).verdict == "prohibited"
    assert read_verdict(q, s2, overlap_with(q)).verdict == "discouraged"


def test_obligation_questions_read_as_required_and_tables_as_facts() -> None:
    q = "What should I do if a colleague breaches the policy?"
    s = "Employees are encouraged to raise this with the Headteacher."
    assert read_verdict(q, s, overlap_with(q)).verdict == "required"
    assert cue_to_verdict("required", "permission") == "allowed"
    table_row = "16/09/2020 | All | Updated at 6.5 to state that all posts should be made in accordance with policy"
    q2 = "When was the social media groups section updated?"
    assert read_verdict(q2, table_row, overlap_with(q2), factual=True).verdict == "allowed"


def test_anything_i_should_do_is_an_obligation_question() -> None:
    assert question_kind("If I print the SEN register, is there anything I should do?") == "obligation"


def test_a_duty_in_a_situation_is_a_condition_when_asked_may_i_and_a_duty_otherwise() -> None:
    sentence = "If social media is used for supporting pupils with coursework, professional spaces should be created."
    assert sentence_cue(sentence) == "conditional_duty"
    may_i = "Are we allowed to use social media to support Year 11s with coursework?"
    assert read_verdict(may_i, sentence, overlap_with(may_i)).verdict == "conditional"
    info = "Does the policy care what coursework groups on social media look like?"
    assert read_verdict(info, sentence, overlap_with(info)).verdict == "required"


def test_a_condition_the_question_says_is_met_allows_and_one_it_says_is_not_met_prohibits() -> None:
    copyright_rule = (
        "Employees should not copy and paste any images, unless the other site specifically says that the "
        "images have been copyright cleared for use in that purpose."
    )
    met = "The site says the images are copyright cleared for use in schools. Can I use them?"
    settled = read_verdict(met, copyright_rule, overlap_with(met))
    assert settled.verdict == "allowed" and settled.settled  # the verdict model leaves it be
    unknown = "Can I copy images from a random website for my worksheet?"
    open_reading = read_verdict(unknown, copyright_rule, overlap_with(unknown))
    assert open_reading.verdict == "conditional" and not open_reading.settled

    channel_rule = (
        "Email to pupils must only take place via a school email account or from within the learning platform."
    )
    via_platform = "Can I message a pupil through Google Classroom? That's our learning platform."
    assert read_verdict(via_platform, channel_rule, overlap_with(via_platform)).verdict == "allowed"
    other_app = "Can I message a pupil about homework on Snapchat?"
    assert read_verdict(other_app, channel_rule, overlap_with(other_app)).verdict == "conditional"

    blog_rule = "Official blogs must be password protected and overseen and sanctioned by the school."
    secret = "Can I set up a class blog myself without telling anyone?"
    refused = read_verdict(secret, blog_rule, overlap_with(secret))
    assert refused.verdict == "prohibited" and refused.settled


USB_RULE = (
    "USB memory sticks are not permitted for trust data, except that an encrypted USB device may be used "
    "with the approval of the IT Service Desk."
)


def test_an_exception_after_the_ban_in_the_same_sentence_makes_it_a_condition() -> None:
    question = "Can I use the encrypted USB stick IT gave me for coursework?"
    assert read_verdict(question, USB_RULE, overlap_with(question)).verdict == "conditional"


def test_an_unless_belonging_to_another_rule_of_the_sentence_does_not_soften_a_ban() -> None:
    sentence = "Staff must not post photos of pupils; staff may share school news unless it names a pupil."
    question = "Can I post photos of pupils on my Instagram?"
    assert read_verdict(question, sentence, overlap_with(question)).verdict == "prohibited"


def test_an_attached_exception_the_question_meets_allows() -> None:
    question = "Can I keep trust data on a USB memory stick? Mine is encrypted, with approval from the IT Service Desk."
    assert read_verdict(question, USB_RULE, overlap_with(question)).verdict == "allowed"


def test_a_question_saying_the_policy_is_silent_does_not_refuse_a_condition() -> None:
    sentence = "Email to pupils must only take place via a school email account or from within the learning platform."
    question = "The policy doesn't say anything about Teams - can I use school Teams chat to message pupils?"
    assert read_verdict(question, sentence, overlap_with(question)).verdict == "conditional"


def test_i_didnt_ask_refuses_a_condition() -> None:
    blog_rule = "Official blogs must be password protected and overseen and sanctioned by the school."
    question = "I didn't ask anyone - can I run my own class blog?"
    assert read_verdict(question, blog_rule, overlap_with(question)).verdict == "prohibited"


@pytest.mark.parametrize(
    "question",
    [
        "The site I took the pictures from doesn't say they're cleared - can I use them in the newsletter?",
        "The websites don't say anything about copyright, so can I paste their images into our blog?",
    ],
)
def test_a_question_saying_the_exception_is_not_given_leaves_the_ban_standing(question: str) -> None:
    sentence = (
        "Employees should not copy and paste any images or text from other sites on the internet, unless the "
        "other site specifically says that the images have been copyright cleared."
    )
    assert read_verdict(question, sentence, overlap_with(question)).verdict == "discouraged"


def test_a_duty_limited_to_a_situation_the_question_rules_out_is_not_required() -> None:
    sentence = (
        "They should respond to emails within 24 hours during their working week where a request for a "
        "response has been made."
    )
    ruled_out = "Do I have to reply within 24 hours to every email, even FYI ones where nobody's asked for an answer?"
    plain = "Do I have to reply to emails within 24 hours?"
    assert read_verdict(ruled_out, sentence, overlap_with(ruled_out)).verdict == "allowed"
    assert read_verdict(plain, sentence, overlap_with(plain)).verdict == "required"


_OUT_OF_OFFICE = "Part-time employees should use out of office automatic replies when they are not working."
_DUE_REASON = "Employees are advised not to access the social media sites of pupils, without due reason."
_CHECK_AI = "Staff must check AI-generated content for accuracy before they use it."
_SECURE_PRINT = "Staff should use the secure follow-me print function when printing personal data."
_WORK_ONLY = "Employees must ensure that Teams is used only for professional communications relating to work."


@pytest.mark.parametrize(
    ("sentence", "question", "verdict"),
    [
        # "should I" asks for advice: a duty answers it required, a ban still bans, "may I" stays a permission
        (_OUT_OF_OFFICE, "I'm part-time, should I set an out of office on my non-working days?", "required"),
        (
            "Employees are advised not to accept pupils as friends on social media sites.",
            "A pupil added me on Instagram, should I accept?",
            "discouraged",
        ),
        (_OUT_OF_OFFICE, "Can I set an out of office on my non-working days?", "allowed"),
        # an idle reason does not meet a "without due reason" exception
        (_DUE_REASON, "Is it ok to browse pupils' TikToks out of curiosity?", "discouraged"),
        (_DUE_REASON, "Can I look at a pupil's TikTok?", "conditional"),
        # a personal purpose breaks a professional-only restriction
        (_WORK_ONLY, "Can I use Teams to message my friend about non-work things?", "prohibited"),
        (_WORK_ONLY, "Can I use Teams to message colleagues about the timetable?", "conditional"),
        # "what/which should I ..." asks what the policy has one do: a condition to meet is a duty
        (_WORK_ONLY, "What should I keep in mind when I use Teams?", "required"),
        # "does it apply to me?" is answered by the duty to follow it, whatever the rule's own wording
        (_DUE_REASON, "Does the rule about pupils' social media apply to my nephew in my class?", "required"),
        # a fact (a number, a definition, the point of a section) is information, not leave or a duty
        (_WORK_ONLY, "What's the point of the rule on Teams?", "allowed"),
        # a may-I question that leaves a duty undone: "must" bans it, "should" advises against it
        (_CHECK_AI, "Can I hand out an AI-generated worksheet without reading it first?", "prohibited"),
        (_SECURE_PRINT, "Can I print the class list on the corridor printer and not use follow-me?", "discouraged"),
        (_CHECK_AI, "Can I use AI for quizzes if I'm not sure how?", "allowed"),
        (_CHECK_AI, "Can I skip checking the AI quiz answers?", "prohibited"),
    ],
    ids=[
        "advice-duty",
        "advice-ban",
        "may-i-duty",
        "idle-reason",
        "no-reason-given",
        "personal-purpose",
        "work",
        "what-should-i",
        "scope",
        "fact",
        "must-skipped",
        "should-skipped",
        "not-sure-is-no-refusal",
        "skip",
    ],
)
def test_advice_questions_idle_reasons_and_personal_purposes(sentence: str, question: str, verdict: str) -> None:
    assert read_verdict(question, sentence, overlap_with(question)).verdict == verdict


def test_a_webmail_brand_reaches_the_restriction_through_the_vocabulary_file() -> None:
    from assistant.vocabulary import load_vocabulary

    sentence = "Employee to pupil email communication must only take place via a school email account."
    asked = load_vocabulary().with_canonical_terms("Can I email pupils from my Gmail?")
    assert "personal email" in asked
    assert read_verdict(asked, sentence, overlap_with(asked)).verdict == "prohibited"


@pytest.mark.parametrize(
    ("sentence", "verdict"),
    [
        ("All Users SHALL NOT share or disclose any passwords with any other person.", "prohibited"),
        ("Staff will not store pupil data on USB sticks.", "prohibited"),
        ("Under no circumstances are passwords to be shared.", "prohibited"),
        ("No member of staff may take pupils off site alone.", "prohibited"),
        ("Staff are not to use personal phones in class.", "prohibited"),
        ("Staff should never leave a laptop unlocked.", "discouraged"),
        ("Equipment may be taken home subject to the approval of the bursar.", "conditional"),
        ("Visits are arranged at the discretion of the headteacher.", "conditional"),
        ("Staff are entitled to request flexible working.", "allowed"),
    ],
)
def test_modal_grammar_reads_any_policy(sentence: str, verdict: str) -> None:
    question = "Can I do this?"
    assert read_verdict(question, sentence, overlap_with(question)).verdict == verdict


def test_a_must_i_question_answered_by_a_permission_is_not_a_duty_and_an_instruction_is() -> None:
    question = "Do I have to report it?"
    assert read_verdict(question, "Staff may report concerns to the DSL.", overlap_with(question)).verdict == "allowed"
    assert read_verdict(question, "Report any loss to the IT lead.", overlap_with(question)).verdict == "required"


def test_never_yes_while_quoting_a_ban() -> None:
    from assistant.verdict import VerdictReading, guard_reading

    ban = "Private data shall not be stored on personal phones or removable media."
    allowed = VerdictReading(verdict="allowed", cue="allowed", clause=ban)
    assert guard_reading(allowed, ban, "permission").verdict == "prohibited"
    mixed = "Staff may use the minibus, but must not carry more than eight pupils."
    clause = VerdictReading(verdict="allowed", cue="allowed", clause="Staff may use the minibus")
    assert guard_reading(clause, mixed, "permission").verdict == "conditional"
    fact = VerdictReading(verdict="allowed", cue=None, clause=ban)
    assert guard_reading(fact, ban, "fact").verdict == "allowed"
