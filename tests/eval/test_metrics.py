from __future__ import annotations

import pytest

from eval import metrics as m


def test_ids_compare_after_normalisation() -> None:
    assert m.hit_at(["Appendix 1", "7.4.2"], ["appendix-1"], 1) == 1.0
    assert m.hit_at(["7.4.1", "7.4.2"], ["7.4.2"], 1) == 0.0
    assert m.hit_at(["7.4.1", "7.4.1", "7.4.2"], ["7.4.2"], 2) == 1.0, "k counts distinct paragraphs"


def test_ranking_metrics() -> None:
    ranked = ["a", "b", "c", "d", "e", "f"]
    assert m.recall_at(ranked, ["b", "z"], 5) == 0.5
    assert m.mrr_at(ranked, ["c"], 10) == pytest.approx(1 / 3)
    assert m.mrr_at(ranked, ["z"], 10) == 0.0
    assert m.ndcg_at(["x", "a"], ["a"], [], 5) == pytest.approx(1 / 1.5849625, rel=1e-4)
    assert m.ndcg_at(["a", "b"], ["a"], ["b"], 5) == pytest.approx(1.0)


def test_citation_metrics() -> None:
    assert m.citation_precision(["7.4.2", "1.1"], ["7.4.2"], []) == 0.5
    assert m.citation_precision(["7.4"], ["7.4.2"], ["7.4"]) == 1.0
    assert m.citation_recall(["7.4.2"], ["7.4.2", "7.4.7"]) == 0.5


def test_key_fact_recall_uses_content_words() -> None:
    answer = "Emails from parents should be responded to within 24 hours during the working week [4.5]"
    assert m.key_fact_recall(answer, ["within 24 hours", "working week"]) == 1.0
    assert m.key_fact_recall(answer, ["Headteacher approval"]) == 0.0


def test_verdict_and_abstention_metrics() -> None:
    gold = ["allowed", "not_covered", "not_covered", "prohibited"]
    predicted = ["allowed", "not_covered", "prohibited", "prohibited"]
    precision, recall, f1 = m.abstention_scores(gold, predicted)
    assert (precision, recall) == (1.0, 0.5) and f1 == pytest.approx(2 / 3)
    matrix = m.confusion(gold, predicted)
    assert matrix["not_covered"]["prohibited"] == 1 and matrix["allowed"]["allowed"] == 1
    assert 0 < m.macro_f1(gold, predicted) < 1


def test_percentile() -> None:
    assert m.percentile([1, 2, 3, 4, 5], 0.5) == 3
    assert m.percentile([10, 20], 0.95) == pytest.approx(19.5)


def test_floor_calibration_picks_the_best_f1_with_fewest_answerable_refused() -> None:
    from eval.calibrate import best_floor, score_floors

    scores = [-0.2, -0.1, 0.05, 0.2, 0.3]
    answerable = [False, False, True, True, True]
    results = score_floors(scores, answerable, [-0.15, 0.0, 0.1])
    assert [r.f1 for r in results] == [0.667, 1.0, 0.8]
    assert best_floor(results).floor == 0.0
