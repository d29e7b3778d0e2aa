from __future__ import annotations

from ui.highlight import anchor_id, escape_markdown, highlight_html, link_markers, split_quote


def test_quoted_sentences_are_marked_whatever_the_spacing() -> None:
    text = "Staff must lock devices.\nStaff  may use <Teams> for $5 chats."
    out = highlight_html(text, ["Staff may use <Teams>"])
    assert out == "Staff must lock devices.<br><mark>Staff  may use &lt;Teams&gt;</mark> for &#36;5 chats."


def test_overlapping_phrases_make_one_mark() -> None:
    assert highlight_html("abc def ghi", ["abc def", "def ghi"]) == "<mark>abc def ghi</mark>"
    assert highlight_html("abc", []) == "abc"


def test_split_quote_on_ellipsis() -> None:
    assert split_quote("First sentence. … Second one.") == ["First sentence.", "Second one."]


def test_anchor_ids_are_stable_html_ids() -> None:
    assert anchor_id("7.4.2") == "p-7-4-2"
    assert anchor_id("Appendix 1") == anchor_id("appendix-1") == "p-appendix1"
    assert anchor_id("1(a)") == "p-1-a"


def test_markers_become_links_and_the_rest_is_escaped() -> None:
    known = {"7.4.2"}
    out = link_markers("Use *care* [7.4.2] not [9.9]\nnext", lambda pid: f"policy?p={pid}" if pid in known else None)
    assert out == "Use \\*care\\* [\\[7.4.2\\]](policy?p=7.4.2) not \\[9.9\\]  \nnext"
    assert escape_markdown("a_b $x$ <i>") == "a\\_b \\$x\\$ \\<i\\>"


def test_markers_of_every_id_form_become_links() -> None:
    known = {"2(e)", "164.308(a)(1)", "appendix-1/3(a)", "OSPS-AC-01.01", "4.2 (2)"}
    text = "See [2(e)], [164.308(a)(1)], [appendix-1/3(a)], [OSPS-AC-01.01] and [4.2 (2)]."
    out = link_markers(text, lambda pid: f"policy?p={pid}" if pid in known else None)
    assert all(f"policy?p={pid})" in out for pid in known)
