"""A learned check on the rule-read verdict, for policies with a labelled question bank.

The rules (assistant/verdict.py) read one sentence; on questions they were not written against they agree
with an annotator about 6 times in 10 (the banks, held out five-fold). This model weighs what else is known
— how the next best rules of the top paragraphs read, how far down they rank, and the verdicts of the
closest labelled bank questions — and may move the verdict to another *rule's* reading, never to a
verdict no quoted sentence gives. Features are policy-agnostic, so one model serves every banked policy;
it is trained on the banks (`python -m training.verdict_model`), never on a gold set. Pure: numpy only.

One of its signals is a question-form classifier: a softmax regression from the question's embedding to
the verdict, fitted on the labelled banks' questions. The regexes of the rules know a few dozen question
forms; the classifier has seen thousands of phrasings ("pretty sure that's fine, right?", "is it on me?").
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from core.types import Verdict, VerdictEvidence

ANSWER_VERDICTS: tuple[Verdict, ...] = ("allowed", "conditional", "discouraged", "prohibited", "required")
KINDS = ("permission", "advice", "obligation", "information")
RULE_DEPTH = 6  # rule sentences of the top paragraphs the model may choose among
FEATURES = (
    "rule_verdict",
    "first_rule",
    "second_rule",
    "third_rule",
    "later_rule",
    "no_rule",
    "score_gap",
    "rule_share",
    "top_paragraph_neighbours",
    "neighbours",
    "paragraph_prior",
    "question_form",
    *(f"{kind}:{verdict}" for kind in KINDS for verdict in ANSWER_VERDICTS),
    *(f"bias:{verdict}" for verdict in ANSWER_VERDICTS),
)
MODEL_PATH = Path(__file__).parent / "data" / "verdict_model.json"


def _shares(votes: Mapping[str, float]) -> np.ndarray:
    values = np.asarray([max(0.0, float(votes.get(verdict, 0.0))) for verdict in ANSWER_VERDICTS])
    return values / max(float(values.sum()), 1e-9)


def features(evidence: VerdictEvidence) -> np.ndarray:
    """One row of features per candidate verdict (5 x len(FEATURES)): a conditional-logit design."""
    readings = evidence.readings[:RULE_DEPTH]
    best_score = readings[0][1] if readings else 0.0
    top_votes, votes, prior, form = (
        _shares(evidence.top_paragraph_votes),
        _shares(evidence.votes),
        _shares(evidence.paragraph_prior),
        _shares(evidence.question_form),
    )
    rows = []
    for index, verdict in enumerate(ANSWER_VERDICTS):
        ranks = [rank for rank, (read, _) in enumerate(readings) if read == verdict]
        first = ranks[0] if ranks else None
        gap = min(2.0, best_score - readings[first][1]) if first is not None else 2.0
        row = [
            float(evidence.rule_verdict == verdict),
            float(first == 0),
            float(first == 1),
            float(first == 2),
            float(first is not None and first >= 3),
            float(first is None),
            gap,
            len(ranks) / RULE_DEPTH,
            float(top_votes[index]),
            float(votes[index]),
            float(prior[index]),
            float(form[index]),
            *(float(evidence.kind == kind and verdict == other) for kind in KINDS for other in ANSWER_VERDICTS),
            *(float(verdict == other) for other in ANSWER_VERDICTS),
        ]
        rows.append(row)
    return np.asarray(rows, dtype=np.float64)


def fit(examples: Sequence[tuple[VerdictEvidence, Verdict]], l2: float = 1.0, steps: int = 2000) -> np.ndarray:
    """Weights of a conditional-logit model by gradient descent on the L2-penalised log loss."""
    design = np.stack([features(evidence) for evidence, _ in examples])
    targets = np.eye(len(ANSWER_VERDICTS))[[ANSWER_VERDICTS.index(label) for _, label in examples]]
    weights = np.zeros(design.shape[2])
    for _ in range(steps):
        probabilities = _softmax(np.einsum("nvf,f->nv", design, weights))
        gradient = np.einsum("nvf,nv->f", design, probabilities - targets) + l2 * weights
        weights -= 0.3 * gradient / len(examples)
    return weights


def _softmax(scores: np.ndarray) -> np.ndarray:
    exp = np.exp(scores - scores.max(axis=-1, keepdims=True))
    return exp / exp.sum(axis=-1, keepdims=True)


def fit_question_form(vectors: np.ndarray, labels: Sequence[Verdict], l2: float = 0.3, steps: int = 500) -> np.ndarray:
    """Softmax-regression weights ((dimension + 1) x 5, the last row the bias) from question embeddings to
    the verdict: full-batch gradient descent with momentum on the L2-penalised log loss."""
    design = np.hstack([vectors, np.ones((len(vectors), 1))])
    targets = np.eye(len(ANSWER_VERDICTS))[[ANSWER_VERDICTS.index(label) for label in labels]]
    weights = np.zeros((design.shape[1], len(ANSWER_VERDICTS)))
    velocity = np.zeros_like(weights)
    for _ in range(steps):
        gradient = (design.T @ (_softmax(design @ weights) - targets) + l2 * weights) / len(design)
        velocity = 0.9 * velocity - 2.0 * gradient
        weights += velocity
    return weights


def question_form_probabilities(weights: np.ndarray, vectors: np.ndarray) -> np.ndarray:
    """Per question (row of `vectors`), the probability of each verdict in ANSWER_VERDICTS order."""
    vectors = np.atleast_2d(vectors)
    return _softmax(np.hstack([vectors, np.ones((len(vectors), 1))]) @ weights)


@dataclass(frozen=True)
class VerdictModel:
    weights: np.ndarray
    margin: float  # the model's pick must beat the rules' verdict by this much probability
    form_weights: np.ndarray | None = None  # the question-form classifier (fit_question_form)
    form_embedding_model: str | None = None  # the embedding model whose vectors it was fitted on

    def question_form(self, query_vector: np.ndarray, embedding_model: str) -> dict[str, float]:
        """The question-form classifier's verdict probabilities for this question; empty without one, or
        for a vector from another embedding model (its space means nothing to the classifier)."""
        if (
            self.form_weights is None
            or embedding_model != self.form_embedding_model
            or len(query_vector) + 1 != self.form_weights.shape[0]
        ):
            return {}
        probabilities = question_form_probabilities(self.form_weights, np.asarray(query_vector, dtype=np.float64))
        return dict(zip(ANSWER_VERDICTS, (float(p) for p in probabilities[0]), strict=True))

    def probabilities(self, evidence: VerdictEvidence) -> dict[Verdict, float]:
        scores = np.einsum("vf,f->v", features(evidence), self.weights)
        return dict(zip(ANSWER_VERDICTS, (float(p) for p in _softmax(scores)), strict=True))

    def decide(self, evidence: VerdictEvidence) -> Verdict:
        """The rules' verdict, unless another verdict that one of the top rules reads is more probable by
        the margin; an explicit "not required to", or a reading the question's own words settled, stands."""
        if evidence.rule_verdict not in ANSWER_VERDICTS or evidence.settled:
            return evidence.rule_verdict
        probabilities = self.probabilities(evidence)
        readable = {verdict for verdict, _ in evidence.readings[:RULE_DEPTH]}
        best = max(readable or {evidence.rule_verdict}, key=lambda verdict: probabilities[verdict])
        if probabilities[best] - probabilities[evidence.rule_verdict] > self.margin:
            return best
        return evidence.rule_verdict

    def to_json(self, provenance: Mapping[str, object]) -> str:
        text = json.dumps(
            {
                "features": list(FEATURES),
                "weights": [round(float(w), 6) for w in self.weights],
                "margin": self.margin,
                "question_form_embedding_model": self.form_embedding_model,
                "question_form_weights": (
                    None if self.form_weights is None else np.round(self.form_weights, 5).tolist()
                ),
                "provenance": dict(provenance),
            },
            indent=1,
        )
        # the classifier's rows (one per embedding dimension) one to a line, not one number to a line
        return re.sub(r"\[\n   ([^\[\]{}]*?)\n  \]", lambda row: "[" + " ".join(row.group(1).split()) + "]", text)


def load_verdict_model(path: Path = MODEL_PATH) -> VerdictModel | None:
    """The trained model, or None when there is none or it was trained on other features (then the rules
    decide alone)."""
    if not path.exists():
        return None
    data = json.loads(path.read_text(encoding="utf-8"))
    if tuple(data.get("features", ())) != FEATURES:
        return None
    form = data.get("question_form_weights")
    return VerdictModel(
        weights=np.asarray(data["weights"], dtype=np.float64),
        margin=float(data["margin"]),
        form_weights=None if form is None else np.asarray(form, dtype=np.float64),
        form_embedding_model=data.get("question_form_embedding_model"),
    )
