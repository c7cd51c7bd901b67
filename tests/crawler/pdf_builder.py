"""A tiny PDF writer for tests: text lines at given sizes and positions, Helvetica only."""

from __future__ import annotations


def make_pdf(pages: list[list[tuple[float, float, str]]], *, title: str | None = None,
             bold: frozenset[str] = frozenset()) -> bytes:
    """Build a valid PDF; each page is a list of ``(font_size, y, text)`` lines; lines
    whose text is in ``bold`` use Helvetica-Bold."""
    objs: list[str] = []

    def add(body: str) -> int:
        objs.append(body)
        return len(objs)

    font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica "
               "/Encoding /WinAnsiEncoding >>")
    bold_font = add("<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica-Bold "
                    "/Encoding /WinAnsiEncoding >>")
    pages_id = add("")
    page_ids = []
    for lines in pages:
        ops = []
        for size, y, text in lines:
            esc = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
            face = "F2" if text in bold else "F1"
            ops.append(f"BT /{face} {size} Tf 72 {y} Td ({esc}) Tj ET")
        stream = "\n".join(ops)
        content = add(f"<< /Length {len(stream.encode('latin-1'))} >>\n"
                      f"stream\n{stream}\nendstream")
        page_ids.append(add(f"<< /Type /Page /Parent {pages_id} 0 R /MediaBox [0 0 612 792] "
                            f"/Resources << /Font << /F1 {font} 0 R /F2 {bold_font} 0 R >> >> "
                            f"/Contents {content} 0 R >>"))
    kids = " ".join(f"{p} 0 R" for p in page_ids)
    objs[pages_id - 1] = f"<< /Type /Pages /Kids [{kids}] /Count {len(page_ids)} >>"
    catalog = add(f"<< /Type /Catalog /Pages {pages_id} 0 R >>")
    info = add(f"<< /Title ({title}) >>") if title else None
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objs, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objs) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    trailer = f"<< /Size {len(objs) + 1} /Root {catalog} 0 R"
    trailer += f" /Info {info} 0 R >>" if info else " >>"
    out += f"trailer\n{trailer}\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)
