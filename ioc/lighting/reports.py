"""The monthly lighting report (PDF and XLSX): energy, baseline, savings and cost by unit and circuit, and faults."""

from __future__ import annotations

import io

from django.utils.translation import gettext as _
from openpyxl import Workbook

from ioc.core.pdf import new_pdf, title
from ioc.core.tabular import append_safe
from ioc.lighting import energy, selectors


def _headers() -> list[str]:
    return [_("Name"), "kWh", _("Baseline kWh (full power)"), _("Saving"), _("Cost (VND)"), _("Saved (VND)")]


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _vnd(value) -> str:
    return f"{value:,.0f}".replace(",", ".")


def monthly_pdf(year: int, month: int) -> bytes:
    data = energy.month(year, month)
    pdf = new_pdf()
    title(pdf, _("Public lighting report, %(month)s") % {"month": f"{month:02d}/{year}"}, align="L")
    total = data["total"]
    pdf.multi_cell(
        0,
        6,
        _(
            "Energy: %(kwh)s kWh; at full power from dusk to dawn: %(baseline)s kWh; saving %(saving)s "
            "(%(saved)s VND). Cost: %(cost)s VND at %(tariff)s VND/kWh."
        )
        % {
            "kwh": f"{total['kwh']:.1f}",
            "baseline": f"{total['baseline_kwh']:.1f}",
            "saving": _pct(total["saving"]),
            "saved": _vnd(total["saved_vnd"]),
            "cost": _vnd(total["cost_vnd"]),
            "tariff": _vnd(data["tariff"]),
        },
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for heading, rows in ((_("By ward/commune"), data["units"]), (_("By circuit"), data["circuits"])):
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=8)
        with pdf.table(col_widths=(60, 20, 30, 20, 30, 30)) as table:
            table.row(_headers())
            for row in rows:
                table.row(
                    [
                        row["name"],
                        f"{row['kwh']:.1f}",
                        f"{row['baseline_kwh']:.1f}",
                        _pct(row["saving"]),
                        _vnd(row["cost_vnd"]),
                        _vnd(row["saved_vnd"]),
                    ]
                )
    faults = selectors.faults_by_unit()
    if faults:
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, _("Lamps with a fault now"), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=9)
        for row in faults:
            pdf.cell(
                0,
                5,
                f"{row['circuit__cabinet__unit__name'] or '—'}: {row['fault']} — {row['n']}",
                new_x="LMARGIN",
                new_y="NEXT",
            )
    return bytes(pdf.output())


def monthly_xlsx(year: int, month: int) -> bytes:
    data = energy.month(year, month)
    book = Workbook()
    book.remove(book.active)
    for sheet_name, rows in (
        (_("Total"), [data["total"]]),
        (_("Wards and communes"), data["units"]),
        (_("Circuits"), data["circuits"]),
        (_("By night"), data["nights"]),
    ):
        sheet = book.create_sheet(sheet_name)
        append_safe(sheet, _headers())
        for row in rows:
            append_safe(
                sheet, [row["name"], row["kwh"], row["baseline_kwh"], row["saving"], row["cost_vnd"], row["saved_vnd"]]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
