"""Write SOURCES.md from each document's `sources/<doc>.meta.json` (run by hand after adding a document)."""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).resolve().parent
MADE = {
    "html": "a web page with site header, navigation and footer; ordered lists kept as <ol>",
    "docx": "python-docx with real Word automatic numbering: the printed labels removed from the text and "
    "rebuilt by numbering definitions",
}
HEAD = """# Corpus sources

Real published documents that staff or members must follow, used to measure the parser
(`policyqa parse --check data/corpus`) and, with the gold sets in `gold/`, the answers
(`policyqa eval --corpus data/corpus`). Each is redistributable under the licence given (UK Open Government
Licence, CC0 / CC-BY / CC-BY-SA, MIT / Apache, or a US federal government work in the public domain);
`sources/<doc>.meta.json` records where the licence is stated. `sources/` holds each document as it was
obtained; `documents/` holds the file the parser reads (the same file, or for five documents a Word or HTML
rendering made by `make_formats.py`, said in the last column); `expected/` holds the structure written by
reading (`CONVENTIONS.md`), never by running the parser. For three documents whose first reader flagged a
case the conventions left open, a second, independent reader wrote the structure again from the clarified
conventions; `expected/` holds the second reading and `first-reading/` the first. Full text came from
public GitHub repositories (path and commit below); none from the ministryofjustice organisation, Title 5
CFR or Park Community School.

"""
COLUMNS = (
    "doc",
    "organisation",
    "title",
    "year",
    "kind",
    "where found (repository, path, commit)",
    "licence",
    "published as",
    "corpus file",
    "numbering",
    "how the text was obtained",
)


def row(meta: dict[str, object], corpus_file: str) -> str:
    where = f"{meta.get('repository', '')} `{meta.get('path', '')}`"
    if meta.get("commit"):
        where += f" @ {str(meta['commit'])[:12]}"
    how = str(meta.get("how_obtained", "")).replace("|", "/").replace("\n", " ")
    suffix = Path(corpus_file).suffix.lstrip(".")
    if suffix in MADE and str(meta.get("published_format")) != suffix:
        how += f" The corpus file was made from it by `make_formats.py` ({MADE[suffix]})."
    styles = ", ".join(str(style) for style in meta.get("numbering_styles", []))  # type: ignore[attr-defined]
    cells = [
        meta.get("doc_id"),
        meta.get("organisation"),
        meta.get("title"),
        meta.get("year"),
        meta.get("kind"),
        where,
        meta.get("licence"),
        meta.get("published_format"),
        corpus_file,
        styles,
        how,
    ]
    return "| " + " | ".join(str(cell).replace("|", "/") for cell in cells) + " |"


def main() -> None:
    rows = []
    for meta_path in sorted((HERE / "sources").glob("*.meta.json")):
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        documents = sorted((HERE / "documents").glob(f"{meta['doc_id']}.*"))
        if documents:
            rows.append(row(meta, documents[0].name))
    header = "| " + " | ".join(COLUMNS) + " |\n|" + "---|" * len(COLUMNS) + "\n"
    (HERE / "SOURCES.md").write_text(HEAD + header + "\n".join(rows) + "\n", encoding="utf-8")
    print(f"{len(rows)} documents")


if __name__ == "__main__":
    main()
