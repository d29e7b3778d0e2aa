"""Dense search over Chroma: a store that stops answering is one sentence, a bug is still a bug."""

from __future__ import annotations

import httpx
import pytest

from assistant.dense import ChromaDenseSearch
from core.errors import IndexUnavailableError


class _Collection:
    def __init__(self, failure: BaseException | None) -> None:
        self.failure = failure

    def count(self) -> int:
        return 2

    def query(self, **_: object) -> dict[str, list[list[object]]]:
        if self.failure is not None:
            raise self.failure
        return {"metadatas": [[{"paragraph_id": "1.1"}, {"paragraph_id": "1.1"}]], "distances": [[0.2, 0.4]]}


def test_the_best_chunk_scores_its_paragraph() -> None:
    assert ChromaDenseSearch(_Collection(None)).search([0.0], limit=5) == {"1.1": pytest.approx(0.8)}


@pytest.mark.parametrize(
    "failure", [httpx.ConnectError("All connection attempts failed"), ConnectionRefusedError(111, "refused")]
)
def test_a_store_that_stops_answering_is_one_sentence(failure: BaseException) -> None:
    with pytest.raises(IndexUnavailableError, match=r"stopped answering .*POLICYQA_CHROMA_URL"):
        ChromaDenseSearch(_Collection(failure)).search([0.0], limit=5)


def test_a_bug_is_not_disguised_as_a_store_failure() -> None:
    with pytest.raises(TypeError):
        ChromaDenseSearch(_Collection(TypeError("bad argument"))).search([0.0], limit=5)
