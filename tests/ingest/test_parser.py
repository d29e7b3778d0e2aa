from __future__ import annotations

from core.types import SourceDocument
from ingest.parser import parse_policy
from ingest.readers import read_document
from tests.conftest import BUNDLED_POLICY, RIVERSIDE_POLICY

BUNDLED_IDS = [
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "1.5",
    "1.6",
    "2.1",
    "2.2",
    "3.1",
    "3.2",
    "3.3",
    "4.1",
    "4.2",
    "4.3",
    "4.4",
    "4.5",
    "5.1",
    "5.2",
    "5.3",
    "6.1",
    "6.2",
    "6.3",
    "6.4",
    "7.1",
    "7.2",
    "7.3",
    "7.4",
    "7.4.1",
    "7.4.2",
    "7.4.3",
    "7.4.4",
    "7.4.5",
    "7.4.6",
    "7.4.7",
    "7.4.8",
    "7.4.9",
    "7.5",
    "8.1",
    "8.2",
    "8.2.1",
    "8.3",
    "8.4",
    "8.5",
    "8.6",
    "9",
    "appendix-1",
]


def parse_text(text: str, policy_id: str = "test"):
    return parse_policy(SourceDocument(path="inline.txt", text=text), policy_id)


def bundled():
    return parse_policy(read_document(BUNDLED_POLICY, 10**7), "bundled")


def test_bundled_policy_yields_exactly_the_46_citable_ids_in_order() -> None:
    assert [p.id for p in bundled().paragraphs] == BUNDLED_IDS


def test_unnumbered_email_principles_belong_to_4_5() -> None:
    paragraph = bundled().paragraph("4.5")
    assert paragraph is not None
    assert "within 24 hours" in paragraph.text
    assert "evenings or at weekends" in paragraph.text
    assert '"All staff" emails should be used sparingly' in paragraph.text
    assert "Before sending an email consider" in paragraph.text


def test_contents_list_never_becomes_a_paragraph() -> None:
    policy = bundled()
    assert not any("Click on the headings" in p.text for p in policy.paragraphs)
    first = policy.paragraphs[0]
    assert first.text.startswith("This policy forms part of the Governing Board")
    assert policy.paragraph("1.1").heading_path == ("1 Introduction and scope",)  # type: ignore[union-attr]


def test_7_4_2_text_and_heading_path() -> None:
    paragraph = bundled().paragraph("7.4.2")
    assert paragraph is not None
    assert paragraph.text.startswith("Employees are advised not to communicate with pupils")
    assert paragraph.heading == "7 Social media > 7.4"


def test_bullets_stay_with_their_paragraph_and_section_9_is_prose() -> None:
    policy = bundled()
    assert "Headteachers are able to manage conduct effectively" in policy.paragraph("1.5").text  # type: ignore[union-attr]
    assert "Employees must not post illegal material" in policy.paragraph("5.2").text  # type: ignore[union-attr]
    assert policy.paragraph("9").text.startswith("Child Exploitation and Online Protection")  # type: ignore[union-attr]
    appendix = policy.paragraph("Appendix 1")
    assert appendix is not None and "Table of changes" in appendix.heading


def test_spans_point_at_the_paragraph_in_the_source_text() -> None:
    text = read_document(BUNDLED_POLICY, 10**7).text
    paragraph = bundled().paragraph("7.4.5")
    assert paragraph is not None
    start, end = paragraph.span
    assert "7.4.5 Employees must not place inappropriate photographs" in text[start:end]


def test_title_and_contacts_come_from_the_policy() -> None:
    policy = bundled()
    assert policy.title == "Social Media and Electronic Communications Policy"
    roles = {c.role: c for c in policy.contacts}
    assert "Headteacher" in roles and "Chair of Governors" in roles and "HR provider" in roles
    assert "designated senior professional" in roles
    assert "0344 3814772" in roles["Online Safety Helpline"].detail
    assert roles["designated senior professional"].paragraph_ids == ("8.6",)


def test_riverside_fixture_lettered_sections_and_lettered_appendices() -> None:
    policy = parse_policy(read_document(RIVERSIDE_POLICY, 10**7), "riverside")
    ids = [p.id for p in policy.paragraphs]
    assert ids[:4] == ["1(a)", "1(b)", "1(c)", "1(d)"]
    assert "9" in ids and ids[-2:] == ["appendix-a", "appendix-b"]
    assert len(ids) == 56
    assert policy.title.startswith("Riverside Academy Trust")
    roman = policy.paragraph("2(d)")
    assert roman is not None and "(i)" in roman.text and not any(p.id.endswith("(i)") for p in policy.paragraphs)


def test_section_word_and_parenthesis_styles() -> None:
    policy = parse_text(
        "Staff Handbook\n\nSection 1: Scope\nThis applies to all staff.\n\nSection 2 Conduct\n"
        "a) Be polite to visitors.\nb) Wear your badge.\n\n3) Reporting\n(a) Report incidents the same day.\n"
    )
    assert [p.id for p in policy.paragraphs] == ["1", "2(a)", "2(b)", "3(a)"]
    assert policy.paragraph("2(b)").heading == "2 Conduct"  # type: ignore[union-attr]


def test_roman_numeral_sections_and_appendix() -> None:
    policy = parse_text(
        "I. Purpose\nWhy we have this policy.\n\nII. Rules\n(a) Staff must lock screens.\n(b) Staff may use Teams.\n"
        "(c) Staff should report losses.\n(d) one\n(e) two\n(f) three\n(g) four\n(h) five\n(i) six\n\n"
        "Appendix 2 - Forms\nThe form is on the intranet.\n"
    )
    ids = [p.id for p in policy.paragraphs]
    assert ids[:2] == ["I", "II(a)"]
    assert "II(i)" in ids, "after (h), (i) is the ninth letter, not a roman numeral"
    assert ids[-1] == "appendix-2"


def test_numbered_sections_with_long_text_are_paragraphs() -> None:
    policy = parse_text(
        "1. Staff must report any data breach to the Data Protection Officer within one day.\n"
        "2. Staff must not share passwords with anyone, including colleagues and family.\n"
    )
    assert [p.id for p in policy.paragraphs] == ["1", "2"]
    assert policy.paragraph("2").text.startswith("Staff must not share passwords")  # type: ignore[union-attr]


def test_headings_only_document_uses_heading_slugs() -> None:
    policy = parse_text(
        "# Remote Working Guide\n\n## Equipment\nUse the laptop.\n\n### Broken kit\nCall IT.\n\n"
        "## Hours\nCore hours are 10 to 3.\n"
    )
    assert [p.id for p in policy.paragraphs] == ["equipment", "equipment/broken-kit", "hours"]
    assert policy.paragraph("equipment/broken-kit").heading == "Equipment > Broken kit"  # type: ignore[union-attr]
    assert policy.title == "Remote Working Guide"


def test_dot_leader_contents_lines_are_skipped() -> None:
    policy = parse_text(
        "Contents\n1. Scope ........ 2\n2. Rules ........ 3\n\n1. Scope\n1.1 All staff.\n\n2. Rules\n2.1 Be kind.\n"
    )
    assert [p.id for p in policy.paragraphs] == ["1.1", "2.1"]


def test_fixture_contacts_fold_short_forms_and_drop_leading_verbs() -> None:
    policy = parse_policy(read_document(RIVERSIDE_POLICY, 10**7), "riverside")
    roles = {c.role: c for c in policy.contacts}
    assert "Service Desk" not in roles and "01632 960456" in roles["IT Service Desk"].detail
    assert not any(role.lower().startswith("contact ") for role in roles)
    assert "dpo@riverside-trust.example" in roles["Data Protection Officer"].detail
    assert "Designated Safeguarding Lead" in roles


def test_bundled_policy_keeps_its_text() -> None:
    report = bundled().report
    assert report is not None and report.coverage >= 0.97


def test_opening_paragraph_before_the_first_number_is_the_preamble() -> None:
    policy = parse_text(
        "Everyone must read this code before starting work. It applies to volunteers too.\n\n"
        "1. Dress\nWear smart clothes.\n\n2. Phones\nKeep phones away in lessons.\n"
    )
    assert [p.id for p in policy.paragraphs] == ["preamble", "1", "2"]
    assert "volunteers" in policy.paragraphs[0].text


def test_plain_policy_is_cited_by_paragraph_position() -> None:
    policy = parse_text(
        "Staff should arrive by 8.30 each morning and sign in at reception.\n\n"
        "Visitors must wear a badge at all times while on site.\n\nPhones are not used in classrooms.\n"
    )
    assert [p.id for p in policy.paragraphs] == ["p1", "p2", "p3"]
    assert policy.report is not None and policy.report.numbering == "paragraphs"
    assert any("No numbering" in warning for warning in policy.report.warnings)


def test_contents_with_page_numbers_sections_without_dots_and_restarting_letters() -> None:
    policy = parse_text(
        "E-Safety Policy\n\nContents\n1 Scope of the Policy 3\n2 Roles and Responsibilities 4\n\n"
        "1 Scope of the Policy\nThis policy applies to all members of the school community.\n\n"
        "2 Roles and Responsibilities\n(a) Governors\nGovernors approve the policy.\n(b) Headteacher\n"
        "The head is responsible for safety.\n\n3 Education\n(a) Pupils\nPupils are taught to stay safe.\n"
    )
    assert [p.id for p in policy.paragraphs] == ["1", "2(a)", "2(b)", "3(a)"]
    assert policy.report is not None
    assert [item.kind for item in policy.report.set_aside].count("contents") == 3


def test_legal_sections_cite_two_levels_and_keep_roman_sub_items() -> None:
    policy = parse_text(
        "§ 12.345 Use of equipment.\n(a) Caption. Staff shall protect equipment.\n"
        "(1) Staff shall not lend it.\n(i) Not to family.\n(ii) Not to friends.\n(2) Staff shall report loss.\n"
        "(b)(1) Managers shall keep a register.\n(2) Managers shall review it.\n"
    )
    ids = [p.id for p in policy.paragraphs]
    assert ids == ["12.345(a)", "12.345(a)(1)", "12.345(a)(2)", "12.345(b)(1)", "12.345(b)(2)"]
    assert "Not to friends" in policy.paragraph("12.345(a)(1)").text  # type: ignore[union-attr]


def test_rule_codes_are_ids_and_markdown_marks_stay_out_of_quotes(tmp_path) -> None:
    path = tmp_path / "aup.md"
    path.write_text(
        "# Acceptable use\n\n## Passwords\n\n`ABC.DEF.011`: All Users **SHALL** use a password manager.\n\n"
        "`ABC.DEF.012`: All Users **SHALL NOT** share or disclose any passwords.\n",
        encoding="utf-8",
    )
    policy = parse_policy(read_document(path, 10**7), "aup")
    assert [p.id for p in policy.paragraphs] == ["ABC.DEF.011", "ABC.DEF.012"]
    assert policy.paragraph("ABC.DEF.012").text == "All Users SHALL NOT share or disclose any passwords."  # type: ignore[union-attr]


def test_utf16_text_file_is_read(tmp_path) -> None:
    path = tmp_path / "policy.txt"
    path.write_bytes("1. Scope\n1.1 This applies to all staff.\n".encode("utf-16"))
    assert [p.id for p in parse_policy(read_document(path, 10**7), "x").paragraphs] == ["1.1"]


def test_a_numbered_list_run_into_its_lead_in_line_is_read_as_items() -> None:
    policy = parse_text(
        "## I. Principles\n(1) Research data is shared openly.\n"
        "## II. Legal framework\n(1) Binding rules stay in force.\n"
        "(2) Examples of rules are: 1. Rules for good practice, 2. the ethics procedure, 3. data protection law\n"
        "4. intellectual property law.\n(3) Contracts may add further rules.\n"
    )
    ids = [p.id for p in policy.paragraphs]
    assert ids == ["I(1)", "II(1)", "II(2)", "II(2)(1)", "II(2)(2)", "II(2)(3)", "II(2)(4)", "II(3)"]


def test_a_short_label_line_opens_a_block_of_the_unit_above_not_new_items() -> None:
    policy = parse_text(
        "## I. Scope\nThis applies to all staff.\n## II. Contacts\nSend all reports to the security team.\n"
        "Attachment:\n1. Plan of action template\n"
    )
    assert [p.id for p in policy.paragraphs] == ["I", "II"]
    assert "Plan of action template" in policy.paragraphs[1].text


def test_appendix_numbers_its_own_sections_and_takes_its_title_from_the_next_line() -> None:
    policy = parse_text(
        "1. Members\n1.1 The trust has three classes of members.\n\nAppendix 1\nPLATINUM MEMBER POLICY\n"
        "1. Platinum Members. Platinum members must be approved by the board.\n"
        "2. Termination of Members.\n(a) A member may resign on notice.\n(b) The board may end a membership.\n"
    )
    ids = [p.id for p in policy.paragraphs]
    assert ids == ["1.1", "appendix-1/1", "appendix-1/2(a)", "appendix-1/2(b)"]
    assert policy.paragraph("appendix-1/1").heading_path[0].startswith("Appendix 1")  # type: ignore[union-attr]


def test_terms_known_by_their_initials_are_not_contacts_but_bodies_are() -> None:
    from core.types import Paragraph
    from ingest.contacts import extract_contacts

    text = (
        "Use the Virtual Private Network (VPN) and Sender Policy Framework (SPF) records. "
        "Report a breach to the Information Commissioner's Office (ICO) or the National Cyber Security Centre (NCSC). "
        "Each Silver Class Director and your team may ask the Data Protection Officer."
    )
    roles = [c.role for c in extract_contacts([Paragraph("1", ("1 Scope",), text, (0, len(text)))])]
    assert "Information Commissioner's Office (ICO)" in roles and "National Cyber Security Centre (NCSC)" in roles
    assert "Data Protection Officer" in roles and "Silver Class Director" in roles
    assert not [r for r in roles if "VPN" in r or "SPF" in r or r.lower().startswith(("each", "your"))]
