from __future__ import annotations

from pathlib import Path

import pytest

from core.errors import InputError, UnsupportedFormatError
from ingest.parser import parse_policy
from ingest.readers import read_document
from tests.conftest import BUNDLED_POLICY

POLICY_LINES = ["1. Scope", "1.1 This policy applies to all staff.", "2. Email", "2.1 Staff must use school email."]


def _ids(path: Path) -> list[str]:
    return [p.id for p in parse_policy(read_document(path, 10**7), "x").paragraphs]


def test_txt_and_md(tmp_path: Path) -> None:
    (tmp_path / "p.txt").write_text("\n".join(POLICY_LINES), encoding="utf-8")
    (tmp_path / "p.md").write_text("## 1 Scope\n1.1 This policy applies.\n## 2 Email\n2.1 Use school email.\n")
    assert _ids(tmp_path / "p.txt") == ["1.1", "2.1"]
    assert _ids(tmp_path / "p.md") == ["1.1", "2.1"]


def test_docx_headings_and_lists(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.add_heading("1. Scope", level=1)
    document.add_paragraph("1.1 This policy applies to all staff.")
    document.add_paragraph("covers laptops", style="List Bullet")
    document.add_heading("2. Email", level=1)
    document.add_paragraph("2.1 Staff must use school email.")
    path = tmp_path / "p.docx"
    document.save(str(path))
    source = read_document(path, 10**7)
    assert "# 1. Scope" in source.text and "- covers laptops" in source.text
    assert _ids(path) == ["1.1", "2.1"]


def _pdf(path: Path, lines: list[str], encrypt: bool = False) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=11)
    for line in lines:
        pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
    if encrypt:
        pdf.set_encryption(owner_password="owner", user_password="secret")
    pdf.output(str(path))


def test_pdf_text_and_pages(tmp_path: Path) -> None:
    path = tmp_path / "p.pdf"
    _pdf(path, POLICY_LINES)
    source = read_document(path, 10**7)
    assert source.page_starts == (0,)
    policy = parse_policy(source, "x")
    assert [p.id for p in policy.paragraphs] == ["1.1", "2.1"]
    assert policy.paragraphs[0].page == 1


def test_html(tmp_path: Path) -> None:
    path = tmp_path / "p.html"
    path.write_text(
        "<html><head><style>x{}</style></head><body><h2>1. Scope</h2><p>1.1 Applies to all.</p>"
        "<ul><li>laptops</li></ul><h2>2. Email</h2><p>2.1 Use school email.</p>"
        "<script>alert(1)</script></body></html>"
    )
    source = read_document(path, 10**7)
    assert "alert" not in source.text and "- laptops" in source.text
    assert _ids(path) == ["1.1", "2.1"]


@pytest.mark.parametrize(
    ("name", "content", "error", "words"),
    [
        ("policy.xlsx", b"PK\x03\x04", UnsupportedFormatError, "not a format"),
        ("empty.txt", b"", InputError, "is empty"),
        ("junk.txt", bytes(range(256)) * 20, UnsupportedFormatError, "binary"),
        ("fake.pdf", b"%PDF-1.4 this is not really a pdf", UnsupportedFormatError, "not a readable PDF"),
        ("fake.docx", b"not a zip at all", UnsupportedFormatError, "not a valid Word document"),
    ],
)
def test_bad_files_are_refused_with_one_sentence(
    tmp_path: Path, name: str, content: bytes, error: type, words: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(error) as caught:
        read_document(path, 10**7)
    message = str(caught.value)
    assert words in message and message.count("\n") == 0 and message.endswith(".")


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "locked.pdf"
    _pdf(path, POLICY_LINES, encrypt=True)
    with pytest.raises(InputError, match="password-protected"):
        read_document(path, 10**7)


def test_scanned_pdf_without_text_layer_is_refused(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(10, 10, 100, 100, style="F")
    path = tmp_path / "scan.pdf"
    pdf.output(str(path))
    with pytest.raises(InputError, match="no text layer"):
        read_document(path, 10**7)


def test_file_over_the_size_limit_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "big.txt"
    path.write_text("1.1 words " * 2000)
    with pytest.raises(InputError, match="over the"):
        read_document(path, max_bytes=1000)


def test_missing_file_and_folder(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="No file"):
        read_document(tmp_path / "nope.txt", 10**7)
    with pytest.raises(InputError, match="folder"):
        read_document(tmp_path, 10**7)


def _numbered_docx(path: Path, lines: list[tuple[int | None, str]]) -> None:
    """A Word file whose numbers exist only in numbering.xml (levels `%1.`, `%1.%2`, `%1.%2.%3`)."""
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    def element(tag: str, **attrs: str):  # type: ignore[no-untyped-def]
        node = OxmlElement(tag)
        for key, value in attrs.items():
            node.set(qn(f"w:{key}"), value)
        return node

    document = docx.Document()
    numbering = document.part.numbering_part.element
    abstract = element("w:abstractNum", abstractNumId="77")
    for level, text in enumerate(("%1.", "%1.%2", "%1.%2.%3")):
        lvl = element("w:lvl", ilvl=str(level))
        for tag, value in (("w:start", "1"), ("w:numFmt", "decimal"), ("w:lvlText", text)):
            lvl.append(element(tag, val=value))
        abstract.append(lvl)
    numbering.insert(0, abstract)
    num = element("w:num", numId="77")
    num.append(element("w:abstractNumId", val="77"))
    numbering.append(num)
    for level, text in lines:
        paragraph = document.add_paragraph(text)
        if level is not None:
            num_pr = element("w:numPr")
            num_pr.append(element("w:ilvl", val=str(level)))
            num_pr.append(element("w:numId", val="77"))
            paragraph._p.get_or_add_pPr().append(num_pr)
    document.save(str(path))


def test_bundled_policy_saved_as_word_with_automatic_numbering_keeps_its_46_ids(tmp_path: Path) -> None:
    import re

    from tests.ingest.test_parser import BUNDLED_IDS

    text = BUNDLED_POLICY.read_text(encoding="utf-8")
    body_starts = text.index("\n1. Introduction and scope") + 1
    lines: list[tuple[int | None, str]] = [(None, line) for line in text[:body_starts].splitlines() if line.strip()]
    for line in text[body_starts:].splitlines():
        match = re.match(r"^(?:- )?(\d+(?:\.\d+)*)\.?\s+(\S.*)$", line.strip())
        if match and not line.startswith("\t"):
            lines.append((match.group(1).count("."), match.group(2)))
        elif line.strip():
            lines.append((None, line.strip()))
    path = tmp_path / "bundled.docx"
    _numbered_docx(path, lines)
    source = read_document(path, 10**7)
    assert "1.1 This policy forms part" in source.text  # the number is printed back, not in the XML text
    assert _ids(path) == BUNDLED_IDS


def test_pdf_page_furniture_is_set_aside_and_hyphenation_joined(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("helvetica", size=11)
    body = [
        ("1. Scope", "1.1 This policy applies to every member of staff and every volunteer working in the"),
        ("", "school, including supply staff, students on placement and visiting contrac-"),
        ("", "tors who use school equipment."),
    ]
    for page in range(1, 4):
        pdf.add_page()
        pdf.cell(0, 8, "Acme Academy Trust - Staff Code of Conduct", new_x="LMARGIN", new_y="NEXT")
        for heading, line in body if page == 1 else [(f"{page}. Part {page}", f"{page}.1 Staff must sign in.")]:
            if heading:
                pdf.cell(0, 8, heading, new_x="LMARGIN", new_y="NEXT")
            pdf.cell(0, 8, line, new_x="LMARGIN", new_y="NEXT")
        pdf.set_y(-20)
        pdf.cell(0, 8, f"Page {page} of 3", new_x="LMARGIN", new_y="NEXT")
    path = tmp_path / "code.pdf"
    pdf.output(str(path))
    source = read_document(path, 10**7)
    kinds = {item.kind for item in source.set_aside}
    assert {"running header or footer", "page number"} <= kinds
    assert "Acme Academy Trust" not in source.text and "Page 2 of 3" not in source.text
    policy = parse_policy(source, "code")
    assert [p.id for p in policy.paragraphs] == ["1.1", "2.1", "3.1"]
    assert "visiting contractors who use school equipment" in policy.paragraphs[0].text
