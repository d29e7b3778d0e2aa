"""An uploaded policy file: checked like a file on disk, parsed for review, kept under POLICYQA_HOME once ingested."""

from __future__ import annotations

import re
from pathlib import Path

from assistant.library import SUPPORTED_SUFFIXES, read_upload_bytes
from core.errors import InputError
from core.types import SourceDocument

UPLOAD_TYPES = [suffix.lstrip(".") for suffix in SUPPORTED_SUFFIXES]
_POLICY_ID = re.compile(r"^[a-z0-9][a-z0-9-]{0,80}$")
_MIN_TEXT_CHARS = 20


def read_upload(data: bytes, name: str, max_bytes: int) -> SourceDocument:
    """The uploaded bytes as a SourceDocument; raises InputError/UnsupportedFormatError with one sentence."""
    if not data:
        raise InputError(f"{name} is empty: choose the file that holds the policy text.")
    if len(data) > max_bytes:
        raise InputError(
            f"{name} is {len(data) / 1_048_576:.1f} MB, over the {max_bytes / 1_048_576:.0f} MB limit: "
            "split the file or raise POLICYQA_MAX_FILE_MB."
        )
    document = read_upload_bytes(data, name)
    if len(document.text.strip()) < _MIN_TEXT_CHARS:
        raise InputError(f"{name} holds no readable text: check it is the policy, not a blank page.")
    return document


def check_policy_id(policy_id: str) -> str:
    policy_id = policy_id.strip()
    if not _POLICY_ID.match(policy_id):
        raise InputError(
            f"{policy_id!r} cannot be a policy id: use lower-case letters, digits and hyphens, e.g. `staff-code`."
        )
    return policy_id


def save_upload(home: Path, policy_id: str, name: str, data: bytes) -> Path:
    """Keep the original file (the eval's naive baseline reads it again) as `<home>/ui/uploads/<id><suffix>`."""
    path = home / "ui" / "uploads" / f"{policy_id}{Path(name).suffix.lower()}"
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(path.name + ".tmp")
    temporary.write_bytes(data)
    temporary.replace(path)
    return path
