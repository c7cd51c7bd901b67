"""PDF to seed-style markdown with pypdf: headings from font size, paragraphs from gaps."""

from __future__ import annotations

import io
import logging
import re
from collections import Counter
from dataclasses import dataclass, field

from pypdf import PdfReader
from pypdf.errors import PdfReadError, PyPdfError

from crawler.errors import ExtractionError

BULLET = re.compile(r"^(?:[•·▪‣◦●○■□–-]|\(?[a-z0-9]{1,3}[.)])\s+", re.I)
WS = re.compile(r"[ \t\r\f\v]+")
HEADING_RATIO = 1.15
MAX_HEADING_CHARS = 160
MAX_BOLD_HEADING = 100
GAP_RATIO = 1.6


@dataclass
class Line:
    """One text line of a page: vertical position, font size, boldness, text."""

    y: float
    size: float
    bold: bool
    parts: list[str] = field(default_factory=list)

    @property
    def text(self) -> str:
        return WS.sub(" ", "".join(self.parts)).strip()


def pdf_to_markdown(body: bytes, *, url: str | None = None) -> tuple[str, str]:
    """Return ``(title, markdown body)`` of a PDF; raise ExtractionError when unreadable."""
    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = PdfReader(io.BytesIO(body), strict=False)
        if reader.is_encrypted and not reader.decrypt(""):
            raise ExtractionError("PDF is encrypted", reason="encrypted-pdf", url=url)
        lines: list[Line] = []
        for page in reader.pages:
            lines.extend(_page_lines(page))
        meta_title = ""
        if reader.metadata is not None and reader.metadata.title:
            meta_title = WS.sub(" ", str(reader.metadata.title)).strip()
    except ExtractionError:
        raise
    except (PdfReadError, PyPdfError, ValueError, KeyError, TypeError, AttributeError,
            IndexError, OSError) as exc:
        raise ExtractionError(f"PDF cannot be read: {exc}", reason="bad-pdf",
                              url=url) from exc
    lines = [line for line in lines if line.text]
    if not lines:
        return meta_title, ""
    return _layout(lines, meta_title)


def _page_lines(page) -> list[Line]:  # type: ignore[no-untyped-def]
    lines: list[Line] = []

    def visit(text: str, cm: list[float], tm: list[float], font: dict | None,
              size: float) -> None:
        if not text:
            return
        scale = abs(tm[3] * cm[3]) or 1.0
        y = tm[5] * cm[3] + cm[5]
        eff = round(size * scale, 1)
        name = str((font or {}).get("/BaseFont", "")).lower()
        bold = "bold" in name or "black" in name or "heavy" in name
        pieces = text.split("\n")
        for i, piece in enumerate(pieces):
            if i > 0 and lines:
                lines.append(Line(y=y, size=eff, bold=bold))
            if not lines or abs(lines[-1].y - y) > max(eff, 1.0) * 0.5 and piece.strip():
                lines.append(Line(y=y, size=eff, bold=bold))
            line = lines[-1]
            if piece.strip():
                if not line.text:
                    line.y, line.size, line.bold = y, eff, bold
                line.size = max(line.size, eff)
                line.bold = line.bold and bold if line.text else bold
            line.parts.append(piece)

    page.extract_text(visitor_text=visit)
    return lines


def _layout(lines: list[Line], meta_title: str) -> tuple[str, str]:
    weights: Counter[float] = Counter()
    for line in lines:
        weights[line.size] += len(line.text)
    body_size = weights.most_common(1)[0][0]
    heading_sizes = sorted({ln.size for ln in lines
                            if ln.size >= body_size * HEADING_RATIO
                            and len(ln.text) <= MAX_HEADING_CHARS}, reverse=True)
    first = lines[0]
    if not meta_title and heading_sizes and first.size == heading_sizes[0] and \
            sum(ln.size == first.size for ln in lines) == 1:
        heading_sizes = heading_sizes[1:]       # the title's size is not a section level
    levels = {size: min(2 + i, 6) for i, size in enumerate(heading_sizes)}
    # Bold lines at body size are headings one level below the sized ones.
    bold_level = min(2 + len(heading_sizes), 6)
    gaps = [round(a.y - b.y, 1) for a, b in zip(lines, lines[1:])
            if a.size == body_size and b.size == body_size and 0 < a.y - b.y < body_size * 3]
    line_gap = Counter(gaps).most_common(1)[0][0] if gaps else body_size * 1.2

    title = meta_title
    blocks: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            blocks.append(" ".join(paragraph))
            paragraph.clear()

    prev: Line | None = None
    for line in lines:
        text = line.text
        if not title and not blocks and not paragraph and line is first and \
                line.size >= body_size * HEADING_RATIO:
            title = text
            prev = line
            continue
        # A short bold line at body size opens a section, unless it continues a bold
        # paragraph right above it.
        continues_bold = prev is not None and prev.bold and prev.size == line.size and \
            0 < prev.y - line.y < line_gap * GAP_RATIO
        bold_heading = line.bold and line.size == body_size and not continues_bold and \
            len(text) <= MAX_BOLD_HEADING and not text.endswith((".", ",", ";", ":")) and \
            not BULLET.match(text)
        if bold_heading:
            flush()
            blocks.append(f"{'#' * bold_level} {text}")
            prev = line
            continue
        if line.size in levels and len(text) <= MAX_HEADING_CHARS:
            flush()
            if not title and not blocks:
                title = text
                prev = line
                continue
            if blocks and blocks[-1].startswith("#") and prev is not None and \
                    prev.size == line.size and abs(prev.y - line.y) < line.size * 1.6:
                blocks[-1] += " " + text          # heading wrapped over two lines
            else:
                blocks.append(f"{'#' * levels[line.size]} {text}")
            prev = line
            continue
        new_para = prev is None or (prev.size in levels) or \
            abs(prev.y - line.y) > line_gap * GAP_RATIO or prev.y < line.y
        bullet = BULLET.match(text)
        if bullet or new_para:
            flush()
        if bullet:
            blocks.append(f"  * {text[bullet.end():]}")
        elif not paragraph and blocks and blocks[-1].startswith("  * ") and not new_para:
            blocks[-1] += " " + text
        else:
            paragraph.append(text)
        prev = line
    flush()
    out = ""
    for i, block in enumerate(blocks):
        if i:
            both_items = block.startswith("  * ") and blocks[i - 1].startswith("  * ")
            out += "\n" if both_items else "\n\n"
        out += block
    return title, out
