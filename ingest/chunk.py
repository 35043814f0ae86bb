"""Cut each section into retrieval chunks that know their document and section.

Chunks never cross a section, so each carries its team. Sizes are counted in
the embedding model's own word pieces (it reads at most 256); the default size
was chosen on the eval set (see eval/README.md).
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache

from ingest.clean import Block, render, to_blocks
from ingest.kinds import comment_paragraphs, comment_positions
from ingest.manifest import DocInfo
from ingest.sections import SEPARATOR, split_headings, split_sections
from loa.embedding import count_word_pieces


@dataclass(frozen=True)
class Chunk:
    id: str
    doc: str
    text: str
    section: str  # "Title › Team › Sub-heading"
    team: str
    start: int  # character offsets into the cleaned document text
    end: int
    order: int  # position in the document
    comments: tuple[int, ...] = ()  # units (loa/units.py) that are families' comments, never stated as fact

    def metadata(self, info: DocInfo) -> dict[str, str | int]:
        return {
            "doc": self.doc,
            "title": info.title,
            "status": info.status,
            "status_label": info.status_label,
            "date": info.date,
            "section": self.section,
            "team": self.team,
            "start": self.start,
            "end": self.end,
            "order": self.order,
            "comments": ",".join(map(str, self.comments)),
        }


@dataclass(frozen=True)
class CleanDocument:
    info: DocInfo
    text: str
    chunks: list[Chunk]


def chunk_id(doc: str, section: str, text: str, occurrence: int = 0) -> str:
    """Stable: the same document, section and words always give the same id.

    A PDF can repeat the same words under the same heading; the occurrence number
    keeps those chunks apart.
    """
    repeat = f"\x00{occurrence}" if occurrence else ""
    digest = hashlib.sha256(f"{doc}\x00{section}\x00{text}{repeat}".encode()).hexdigest()
    return f"{doc.rsplit('.', 1)[0][:40]}-{digest[:16]}"


@lru_cache(maxsize=8)
def _splitter(chunk_tokens: int, overlap: int):  # noqa: ANN202 - llama-index type
    from llama_index.core.node_parser import SentenceSplitter

    return SentenceSplitter(
        chunk_size=chunk_tokens,
        chunk_overlap=min(overlap, chunk_tokens // 2),
        tokenizer=count_word_pieces,
        paragraph_separator="\n\n",
    )


def _spans(blocks: list[Block]) -> dict[int, tuple[int, int]]:
    spans: dict[int, tuple[int, int]] = {}
    pos = 0
    for block in blocks:
        spans[id(block)] = (pos, pos + len(block.text))
        pos += len(block.text) + 2
    return spans


def clean_document(info: DocInfo, raw_text: str, chunk_tokens: int, overlap: int) -> CleanDocument:
    """Clean, find sections and chunk one document."""
    blocks = split_headings(to_blocks(raw_text))
    text = render(blocks)
    spans = _spans(blocks)
    comments = comment_paragraphs(blocks)
    chunks: list[Chunk] = []
    seen: dict[tuple[str, str], int] = {}
    for section in split_sections(blocks, info.title):
        start = spans[id(section.blocks[0])][0]
        end = spans[id(section.blocks[-1])][1]
        body = text[start:end]
        label = SEPARATOR.join((info.title, *section.path))
        pos = 0
        for piece in _splitter(chunk_tokens, overlap).split_text(body):
            found = body.find(piece, pos)
            if found < 0:
                found = body.find(piece)
            pos = max(found, 0) + 1
            occurrence = seen.get((label, piece), 0)
            seen[(label, piece)] = occurrence + 1
            chunks.append(
                Chunk(
                    id=chunk_id(info.file, label, piece, occurrence),
                    doc=info.file,
                    text=piece,
                    section=label,
                    team=section.team,
                    start=start + max(found, 0),
                    end=start + max(found, 0) + len(piece),
                    order=len(chunks),
                    comments=tuple(comment_positions(piece, comments)),
                )
            )
    return CleanDocument(info, text, chunks)
