"""PDF documents for every domain's reports: A4 with DejaVu Sans (shipped in ioc/core/fonts, full Vietnamese)."""

from __future__ import annotations

from pathlib import Path

from fpdf import FPDF

FONTS = Path(__file__).resolve().parent / "fonts"


def new_pdf() -> FPDF:
    """An A4 document with a first page and the regular font set."""
    pdf = FPDF(format="A4")
    pdf.add_font("DejaVu", "", str(FONTS / "DejaVuSans.ttf"))
    pdf.add_font("DejaVu", "B", str(FONTS / "DejaVuSans-Bold.ttf"))
    pdf.set_auto_page_break(True, margin=15)
    pdf.add_page()
    pdf.set_font("DejaVu", size=10)
    return pdf


def title(pdf: FPDF, text: str, size: int = 14, align: str = "C") -> None:
    pdf.set_font("DejaVu", "B", size)
    pdf.multi_cell(0, 8, text, align=align, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
