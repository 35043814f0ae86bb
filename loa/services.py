"""The service directory's record: one per team or service the documents describe.

Built at ingest from the section structure (ingest/services.py), stored with each
index build, and read by the bot to find which service a question is about and
which of its sections answer it. Shared here because both sides need the shape.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field

# the kinds of section a service page has; headings map to them in ingest/data/services.toml
SECTION_KINDS = (
    "overview",
    "offers",
    "who_for",
    "request",
    "contact",
    "where_when",
    "about",
    "duties",
    "views",
    "other",
)


@dataclass
class Service:
    key: str  # stable: the name folded to lower case without 'team'/'service'
    name: str  # as the heading gives it, tidied: 'Deaf and Hearing Impaired Team'
    names: list[str] = field(default_factory=list)  # every name and acronym the documents use for it
    parent: str = ""  # the service it belongs to: 'Learning Inclusion Service'
    docs: list[str] = field(default_factory=list)
    # kind -> section labels ('Learning Inclusion Service › Portage › Contact Details'), in document order
    sections: dict[str, list[str]] = field(default_factory=dict)
    contacts: list[str] = field(default_factory=list)  # email and phone lines exactly as written
    ages: list[str] = field(default_factory=list)  # sentences that say which ages it serves
    description: str = ""  # its opening sentences: what the dense match reads

    def to_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> Service:
        data = json.loads(text)
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def section_labels(self) -> set[str]:
        return {label for labels in self.sections.values() for label in labels}

    def kind_of(self, section: str) -> str | None:
        return next((kind for kind, labels in self.sections.items() if section in labels), None)

    def describe(self) -> str:
        """The record as staff read it (`python -m ingest --services`)."""
        lines = [f"{self.name}" + (f"  (part of {self.parent})" if self.parent else "")]
        others = [n for n in self.names if n != self.name]
        if others:
            lines.append(f"  also called: {', '.join(others)}")
        lines.append(f"  documents: {', '.join(self.docs)}")
        for kind in SECTION_KINDS:
            for label in self.sections.get(kind, []):
                lines.append(f"  {kind:<10} {label}")
        lines += [f"  reach      {c}" for c in self.contacts] or ["  reach      (the documents give no email or phone)"]
        lines += [f"  ages       {a}" for a in self.ages]
        return "\n".join(lines)
