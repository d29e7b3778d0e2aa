"""Policy-like paragraphs made from a small vocabulary of roles, activities, modals and conditions.

Deterministic (a `random.Random` seeded with a string), so two runs time the same corpus. The scale runs
need 100,000 chunk vectors, which the real model would take about half an hour to embed on 2 cores: each
vocabulary phrase is embedded once instead, and a sentence's vector is the unit-length weighted sum of its
phrases' vectors plus a little seeded noise (`PhraseVectors`). Queries are embedded for real, so they land
near the paragraphs that share their activity, as a real question would.
"""

from __future__ import annotations

import hashlib
import random
from dataclasses import dataclass

import numpy as np
from langchain_core.embeddings import Embeddings

from core.types import Chunk, Paragraph, ParsedPolicy

ROLES = (
    "staff",
    "teachers",
    "teaching assistants",
    "support staff",
    "supply teachers",
    "volunteers",
    "governors",
    "trainee teachers",
    "contractors",
    "visiting coaches",
    "the headteacher",
    "the designated safeguarding lead",
)
MODALS = (
    "must",
    "must not",
    "should",
    "should not",
    "may",
    "are not permitted to",
    "are required to",
    "are encouraged to",
    "are expected to",
    "may only",
)
ACTIVITIES = (
    "use personal mobile phones in classrooms",
    "take photographs of pupils",
    "share pupils' personal data by email",
    "post about the school on social media",
    "accept friend requests from parents",
    "message pupils on personal accounts",
    "store pupil records on personal devices",
    "give pupils a lift in their own car",
    "accept gifts from families",
    "administer medication to pupils",
    "leave pupils unsupervised in the playground",
    "wear jewellery during physical education",
    "bring visitors into the building",
    "discuss pupils with other parents",
    "use school laptops for personal shopping",
    "install software on school computers",
    "record lessons on video",
    "print confidential documents at home",
    "work from home during term time",
    "park in the staff car park",
    "smoke or vape on the school site",
    "drink alcohol at school events",
    "take pupils off site for a trip",
    "restrain a pupil who is at risk of harm",
    "search a pupil's bag",
    "confiscate a pupil's phone",
    "set homework through the online platform",
    "reply to parent emails in the evening",
    "use generative artificial intelligence to write reports",
    "keep first aid supplies in the classroom",
    "report a concern about a colleague",
    "attend training on safeguarding",
    "tutor pupils privately for payment",
    "sell goods to colleagues at work",
    "lend school equipment to families",
    "use a personal email address for school business",
    "display pupils' names in public areas",
    "share passwords with colleagues",
    "keep a dog in the classroom",
    "bring food containing nuts into school",
)
CONDITIONS = (
    "",
    "",
    "",
    " unless the headteacher has given written approval",
    " during lesson time",
    " outside school hours",
    " while on a school trip",
    " when a parent asks them to",
    " in an emergency",
    " after completing the required training",
    " without telling the office first",
)
TOPICS = (
    "Use of technology",
    "Safeguarding",
    "Data protection",
    "Conduct",
    "Health and safety",
    "Visitors and volunteers",
    "Communication with parents",
    "Trips and visits",
    "Behaviour",
    "Working hours",
)
QUESTION_OPENINGS = ("Can I", "Am I allowed to", "Do I have to", "Should I", "Is it OK to")


@dataclass(frozen=True)
class SyntheticSentence:
    """One generated sentence and the vocabulary positions it was built from (for its vector)."""

    text: str
    role: int
    modal: int
    activity: int
    condition: int


@dataclass(frozen=True)
class SyntheticParagraph:
    id: str
    topic: int
    sentences: tuple[SyntheticSentence, ...]

    @property
    def text(self) -> str:
        return " ".join(sentence.text for sentence in self.sentences)


def _sentence(rng: random.Random) -> SyntheticSentence:
    role, modal = rng.randrange(len(ROLES)), rng.randrange(len(MODALS))
    activity, condition = rng.randrange(len(ACTIVITIES)), rng.randrange(len(CONDITIONS))
    subject = ROLES[role][0].upper() + ROLES[role][1:]
    verb = MODALS[modal]
    if ROLES[role].startswith("the ") and verb.startswith("are "):  # singular roles: "is required to"
        verb = "is " + verb[4:]
    text = f"{subject} {verb} {ACTIVITIES[activity]}{CONDITIONS[condition]}."
    return SyntheticSentence(text, role, modal, activity, condition)


def synthetic_paragraphs(count: int, seed: str = "policyqa-bench") -> list[SyntheticParagraph]:
    """`count` numbered paragraphs of 2-4 sentences, ten to a section ("3.7"); the same for the same seed."""
    rng = random.Random(seed)
    paragraphs = []
    for number in range(count):
        section, item = divmod(number, 10)
        sentences = tuple(_sentence(rng) for _ in range(rng.randint(2, 4)))
        paragraphs.append(SyntheticParagraph(f"{section + 1}.{item + 1}", section % len(TOPICS), sentences))
    return paragraphs


def synthetic_questions(count: int, seed: str = "policyqa-bench-questions") -> list[str]:
    """Staff questions about the generator's activities ("Can I take photographs of pupils on a trip?")."""
    rng = random.Random(seed)
    questions = []
    for _ in range(count):
        condition = CONDITIONS[rng.randrange(len(CONDITIONS))].replace(" them ", " me ")
        activity = ACTIVITIES[rng.randrange(len(ACTIVITIES))]
        questions.append(f"{rng.choice(QUESTION_OPENINGS)} {activity}{condition}?")
    return questions


def policy_text(title: str, paragraphs: list[SyntheticParagraph]) -> str:
    """The paragraphs as a numbered plain-text policy, for the real parser and ingest."""
    lines = [title, ""]
    section = None
    for paragraph in paragraphs:
        major = paragraph.id.split(".")[0]
        if major != section:
            section = major
            lines += [f"{major}. {TOPICS[paragraph.topic]}", ""]
        lines += [f"{paragraph.id} {paragraph.text}", ""]
    return "\n".join(lines)


def parsed_policy(policy_id: str, paragraphs: list[SyntheticParagraph]) -> ParsedPolicy:
    """The paragraphs as the parser would hand them over, without parsing (the scale runs skip it)."""
    items, offset = [], 0
    for paragraph in paragraphs:
        section = paragraph.id.split(".")[0]
        text = paragraph.text
        heading = (f"{section} {TOPICS[paragraph.topic]}",)
        items.append(Paragraph(id=paragraph.id, heading_path=heading, text=text, span=(offset, offset + len(text))))
        offset += len(text) + 2
    digest = hashlib.sha256("\n".join(p.text for p in items).encode()).hexdigest()
    return ParsedPolicy(
        policy_id=policy_id,
        title=f"Synthetic policy {policy_id}",
        source_path=f"synthetic/{policy_id}.txt",
        content_hash=digest,
        paragraphs=tuple(items),
    )


def chunks_for(policy: ParsedPolicy) -> list[Chunk]:
    """One chunk a paragraph (generated paragraphs are far below the chunker's 240 word pieces)."""
    return [
        Chunk(
            id=f"{policy.policy_id}:{p.id}:0",
            policy_id=policy.policy_id,
            paragraph_id=p.id,
            window=0,
            text=p.text,
            embed_text=f"{p.heading}\n{p.text}",
        )
        for p in policy.paragraphs
    ]


class PhraseVectors:
    """Vectors for generated sentences from one embedding of each vocabulary phrase (see the module)."""

    WEIGHTS = (0.4, 0.5, 1.0, 0.3)  # role, modal, activity, condition: the activity carries the meaning
    NOISE = 0.01

    def __init__(self, embeddings: Embeddings) -> None:
        groups = (ROLES, MODALS, ACTIVITIES, tuple(c.strip() or "always" for c in CONDITIONS))
        self._tables = [np.asarray(embeddings.embed_documents(list(group)), dtype=np.float32) for group in groups]
        self.dimension = int(self._tables[0].shape[1])

    def sentences(self, sentences: list[SyntheticSentence], seed: str) -> np.ndarray:
        fields = ("role", "modal", "activity", "condition")
        matrix = np.zeros((len(sentences), self.dimension), dtype=np.float32)
        for table, name, weight in zip(self._tables, fields, self.WEIGHTS, strict=True):
            matrix += weight * table[[getattr(s, name) for s in sentences]]
        noise_seed = int.from_bytes(hashlib.sha256(seed.encode()).digest()[:8], "little")
        matrix += np.random.default_rng(noise_seed).normal(0.0, self.NOISE, matrix.shape).astype(np.float32)
        return _unit_rows(matrix)

    def paragraphs(self, paragraphs: list[SyntheticParagraph], seed: str) -> tuple[np.ndarray, np.ndarray]:
        """(one vector a paragraph: the unit mean of its sentences, one vector a sentence)."""
        flat = [sentence for paragraph in paragraphs for sentence in paragraph.sentences]
        sentence_vectors = self.sentences(flat, seed)
        owners = np.repeat(np.arange(len(paragraphs)), [len(p.sentences) for p in paragraphs])
        summed = np.zeros((len(paragraphs), self.dimension), dtype=np.float32)
        np.add.at(summed, owners, sentence_vectors)
        return _unit_rows(summed), sentence_vectors


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return (matrix / np.where(norms == 0, 1.0, norms)).astype(np.float32)
