"""A parsed policy and its sentence and question-bank vectors as files (JSON and .npz), written whole and read
back; the index records each file's sha256 so damage is noticed before a file is used."""

from __future__ import annotations

import json
import zipfile
from collections.abc import Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any, BinaryIO

import numpy as np

from core.types import Contact, ExampleQuestion, Paragraph, ParsedPolicy
from ingest.durable import atomic_write, atomic_write_text, sha256_file

READ_ERRORS = (OSError, ValueError, KeyError, TypeError, IndexError, EOFError, zipfile.BadZipFile)
"""What reading a damaged file can raise (JSON or zip that is cut short, a missing key, a wrong type)."""


def file_problem(path: Path, checksum: str | None) -> str:
    """'' when `path` is there with the recorded sha256; else what is wrong, as words after the file's name."""
    if not path.is_file():
        return "is missing"
    if checksum is None:
        return ""
    try:
        actual = sha256_file(path)
    except OSError as exc:
        return f"cannot be read ({exc.strerror or exc})"
    return "" if actual == checksum else "is damaged (its checksum does not match the one recorded when it was written)"


def write_snapshot(path: Path, policy: ParsedPolicy) -> str:
    return atomic_write_text(path, json.dumps(policy_to_json(policy), ensure_ascii=False))


def read_snapshot(path: Path) -> ParsedPolicy:
    return policy_from_json(json.loads(path.read_text(encoding="utf-8")))


def write_sentence_vectors(path: Path, pairs: Sequence[tuple[str, str]], matrix: np.ndarray) -> str:
    return _write_npz(
        path,
        paragraph_ids=np.array([pid for pid, _ in pairs], dtype=str),
        sentences=np.array([text for _, text in pairs], dtype=str),
        vectors=matrix.astype(np.float32),
    )


def read_sentence_vectors(path: Path) -> tuple[list[tuple[str, str]], np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        pairs = list(zip(data["paragraph_ids"].tolist(), data["sentences"].tolist(), strict=True))
        return pairs, data["vectors"]


def write_bank_vectors(path: Path, examples: Sequence[ExampleQuestion], matrix: np.ndarray) -> str:
    return _write_npz(
        path,
        paragraph_ids=np.array([example.paragraph_id for example in examples], dtype=str),
        questions=np.array([example.question for example in examples], dtype=str),
        verdicts=np.array([example.verdict or "" for example in examples], dtype=str),
        vectors=matrix.astype(np.float32),
    )


def read_bank_vectors(path: Path) -> tuple[list[ExampleQuestion], np.ndarray]:
    with np.load(path, allow_pickle=False) as data:
        ids, questions = data["paragraph_ids"].tolist(), data["questions"].tolist()
        verdicts = data["verdicts"].tolist() if "verdicts" in data else [""] * len(ids)
        vectors = data["vectors"]
    examples = [
        ExampleQuestion(paragraph_id=pid, question=question, verdict=verdict or None)
        for pid, question, verdict in zip(ids, questions, verdicts, strict=True)
    ]
    return examples, vectors


def _write_npz(path: Path, **arrays: np.ndarray) -> str:
    def write(handle: BinaryIO) -> None:
        np.savez(handle, **arrays)  # type: ignore[arg-type]

    return atomic_write(path, write)


def policy_to_json(policy: ParsedPolicy) -> dict[str, Any]:
    return asdict(policy)


def policy_from_json(data: dict[str, Any]) -> ParsedPolicy:
    paragraphs = tuple(
        Paragraph(
            id=item["id"],
            heading_path=tuple(item["heading_path"]),
            text=item["text"],
            span=(int(item["span"][0]), int(item["span"][1])),
            page=item.get("page"),
        )
        for item in data["paragraphs"]
    )
    contacts = tuple(
        Contact(
            role=item["role"],
            detail=item.get("detail", ""),
            paragraph_ids=tuple(item.get("paragraph_ids", ())),
        )
        for item in data.get("contacts", ())
    )
    return ParsedPolicy(
        policy_id=data["policy_id"],
        title=data["title"],
        source_path=data["source_path"],
        content_hash=data["content_hash"],
        paragraphs=paragraphs,
        contacts=contacts,
    )
