"""Remember each policy version the app has seen, so HR can see which paragraphs changed on re-ingest.

A version is `{paragraph id: hash of its text}` stored once per content hash under
`<POLICYQA_HOME>/ui/versions/<policy id>/<content hash>.json`.
"""

from __future__ import annotations

import hashlib
import json
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from core.types import ParsedPolicy

ChangeKind = Literal["changed", "added", "removed"]


@dataclass(frozen=True)
class Version:
    policy_id: str
    content_hash: str
    seen_at: float
    paragraphs: dict[str, str]


@dataclass(frozen=True)
class ParagraphChange:
    paragraph_id: str
    kind: ChangeKind


def paragraph_hashes(policy: ParsedPolicy) -> dict[str, str]:
    return {p.id: hashlib.sha256(" ".join(p.text.split()).encode("utf-8")).hexdigest()[:16] for p in policy.paragraphs}


def diff(old: dict[str, str], new: dict[str, str]) -> list[ParagraphChange]:
    """Paragraphs whose text changed, then ones added, then ones removed, each in policy order."""
    changed = [ParagraphChange(pid, "changed") for pid in new if pid in old and old[pid] != new[pid]]
    added = [ParagraphChange(pid, "added") for pid in new if pid not in old]
    removed = [ParagraphChange(pid, "removed") for pid in old if pid not in new]
    return changed + added + removed


def versions_dir(home: Path, policy_id: str) -> Path:
    return home / "ui" / "versions" / policy_id


def record(home: Path, policy: ParsedPolicy, now: float | None = None) -> bool:
    """Store this version if it is new; True when it was."""
    path = versions_dir(home, policy.policy_id) / f"{policy.content_hash}.json"
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "policy_id": policy.policy_id,
        "content_hash": policy.content_hash,
        "seen_at": time.time() if now is None else now,
        "paragraphs": paragraph_hashes(policy),
    }
    temporary = path.with_suffix(".tmp")
    temporary.write_text(json.dumps(data, indent=1), encoding="utf-8")
    temporary.replace(path)
    return True


def seen(home: Path, policy_id: str) -> list[Version]:
    """Every version seen, oldest first."""
    folder = versions_dir(home, policy_id)
    if not folder.is_dir():
        return []
    versions = []
    for path in folder.glob("*.json"):
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            versions.append(Version(data["policy_id"], data["content_hash"], data["seen_at"], data["paragraphs"]))
        except (OSError, ValueError, KeyError):
            continue
    return sorted(versions, key=lambda version: version.seen_at)


def changes_since_previous(home: Path, policy: ParsedPolicy) -> tuple[Version | None, list[ParagraphChange]]:
    """The version seen before the current one and what changed since; (None, []) for a first version."""
    earlier = [v for v in seen(home, policy.policy_id) if v.content_hash != policy.content_hash]
    if not earlier:
        return None, []
    previous = earlier[-1]
    return previous, diff(previous.paragraphs, paragraph_hashes(policy))
