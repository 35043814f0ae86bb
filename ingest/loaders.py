"""Read a corpus file into text. HTML and Markdown headings become '#' lines.

Every failure is a :class:`LoadError` naming the file, so one bad file is
reported and skipped while the rest of the corpus still ingests.
"""

from __future__ import annotations

from html.parser import HTMLParser
from pathlib import Path

SUFFIXES = (".txt", ".md", ".html", ".htm")
MAX_BYTES = 20_000_000


class LoadError(ValueError):
    """This file cannot be ingested; the message says why."""


def read_text(path: Path) -> str:
    """The file's text, with HTML turned into the same plain layout as the others."""
    if path.suffix.lower() not in SUFFIXES:
        raise LoadError(f"{path.name}: unknown file type {path.suffix or '(none)'}; use {', '.join(SUFFIXES)}")
    try:
        raw = path.read_bytes()
    except OSError as err:
        raise LoadError(f"{path.name}: cannot be read ({err.strerror or err})") from None
    if len(raw) > MAX_BYTES:
        raise LoadError(f"{path.name}: too large ({len(raw):,} bytes; the limit is {MAX_BYTES:,})")
    if b"\x00" in raw:
        raise LoadError(f"{path.name}: looks like a binary file, not text")
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as err:
        raise LoadError(
            f"{path.name}: is not UTF-8 text (bad byte at position {err.start}); save it as UTF-8"
        ) from None
    if path.suffix.lower() in (".html", ".htm"):
        text = html_to_text(text)
    if not text.strip():
        raise LoadError(f"{path.name}: is empty")
    return text


class _HTMLText(HTMLParser):
    BLOCKS = {"p", "div", "section", "article", "br", "tr", "table", "ul", "ol", "header", "footer"}
    SKIP = {"script", "style", "nav", "noscript", "template"}

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in self.SKIP:
            self.skipping += 1
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6"):
            self.out.append("\n\n" + "#" * int(tag[1]) + " ")
        elif tag == "li":
            self.out.append("\n  • ")
        elif tag in ("td", "th"):
            self.out.append("\t")
        elif tag in self.BLOCKS:
            self.out.append("\n\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in self.SKIP:
            self.skipping = max(0, self.skipping - 1)
        elif tag in ("h1", "h2", "h3", "h4", "h5", "h6") or tag in self.BLOCKS:
            self.out.append("\n\n")

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(" ".join(data.split(" ")) if data.strip() else data.replace("\n", " "))


def html_to_text(html: str) -> str:
    parser = _HTMLText()
    parser.feed(html)
    parser.close()
    lines = [
        " ".join(line.split()) if not line.startswith("  •") else line.rstrip()
        for line in "".join(parser.out).split("\n")
    ]
    return "\n".join(lines)
