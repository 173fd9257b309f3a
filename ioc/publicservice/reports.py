"""Reports as files: the leaders' daily report (PDF and XLSX, any period) and the apology-and-new-appointment
letter (phiếu xin lỗi và hẹn lại) for a late file. PDFs use DejaVu Sans, shipped in ioc/core/fonts (Vietnamese)."""

from __future__ import annotations

import io
from datetime import date, datetime

from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ioc.core.models import City
from ioc.core.pdf import new_pdf, title
from ioc.core.tabular import append_safe
from ioc.publicservice import indicators, selectors


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def report_data(start: date, end: date) -> dict:
    return {
        "indicators": indicators.compute(start, end),
        "ranking": selectors.agency_ranking(start, end),
        "late": list(selectors.late_files(limit=50)),
    }


def daily_pdf(start: date, end: date) -> bytes:
    """The leaders' report for a period: the 766 columns and indicators, agencies ranked, the late files."""
    data = report_data(start, end)
    city = City.objects.first()
    pdf = new_pdf()
    title(pdf, _("REPORT ON ADMINISTRATIVE PROCEDURES") + f"\n{city.name if city else ''}")
    pdf.cell(
        0,
        6,
        _("Period: %(start)s – %(end)s. Made at %(now)s.")
        % {"start": f"{start:%d/%m/%Y}", "end": f"{end:%d/%m/%Y}", "now": f"{timezone.localtime():%H:%M %d/%m/%Y}"},
        new_x="LMARGIN",
        new_y="NEXT",
        align="C",
    )
    c = data["indicators"]["counts"]
    pdf.ln(3)
    pdf.multi_cell(
        0,
        6,
        _(
            "Received %(received)s files; finished %(finished)s; early %(early)s, on time %(on_time)s, "
            "late %(late)s; online %(online)s."
        )
        % {**c, "late": c["late_finished"] + c["late_open"]},
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    total = f"{data['indicators']['total']:.2f}/{data['indicators']['max_total']:.0f}"
    title(pdf, _("Decision 766/QĐ-TTg indicators: %(total)s points") % {"total": total}, 11)
    with pdf.table(col_widths=(12, 90, 25, 25, 20), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row([_("Code"), _("Indicator"), _("Numerator/denominator"), _("Rate"), _("Points")])
        for i in data["indicators"]["indicators"]:
            if i["key"] == "2.2":  # an average, not a rate
                frac, rate = (
                    "—",
                    "—"
                    if i["numerator"] is None
                    else _("%(days)s days") % {"days": f"{i['numerator']:.2f}".replace(".", ",")},
                )
            else:
                frac = "—" if not i["denominator"] else f"{i['numerator']:g}/{i['denominator']:g}"
                rate = _pct(i["rate"])
            points = "—" if i["points"] is None else f"{i['points']:.2f}/{i['max_points']:g}".replace(".", ",")
            table.row([i["key"], i["name"], frac, rate, points])
    pdf.ln(3)
    title(pdf, _("Agencies ranked (share early or on time, lowest first)"), 11)
    with pdf.table(col_widths=(90, 25, 25, 25), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row([_("Agency"), _("Received"), _("Late"), _("On time %")])
        for r in data["ranking"][:20]:
            table.row(
                [
                    r["agency"],
                    str(r["received"]),
                    str(r["late"]),
                    "—" if r["rate"] is None else f"{r['rate']:.1f}".replace(".", ","),
                ]
            )
    pdf.ln(3)
    title(pdf, _("Late files (the first %(n)s)") % {"n": len(data["late"])}, 11)
    with pdf.table(col_widths=(35, 70, 45, 25), text_align=("LEFT", "LEFT", "LEFT", "RIGHT")) as table:
        table.row([_("File no."), _("Procedure"), _("Agency"), _("Due")])
        for f in data["late"]:
            table.row([f.code, f.procedure.name[:80], f.agency, f"{f.effective_due_date:%d/%m/%Y}"])
    return bytes(pdf.output())


def daily_xlsx(start: date, end: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = report_data(start, end)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Indicators 766")
    append_safe(
        sheet,
        [_("Code"), _("Group"), _("Indicator"), _("Numerator"), _("Denominator"), _("Rate"), _("Points"), _("Max")],
    )
    for i in data["indicators"]["indicators"]:
        append_safe(
            sheet,
            [
                i["key"],
                str(indicators.COLUMNS.get(i["column"], i["column"])),
                i["name"],
                i["numerator"],
                i["denominator"],
                i["rate"],
                i["points"],
                i["max_points"],
            ],
        )
    append_safe(sheet, [])
    append_safe(sheet, ["", _("Total"), "", "", "", "", data["indicators"]["total"], data["indicators"]["max_total"]])
    ranking = book.create_sheet(_("Agencies ranked"))
    append_safe(ranking, [_("Agency"), _("Received"), _("Late"), _("Early or on time %")])
    for r in data["ranking"]:
        append_safe(ranking, [r["agency"], r["received"], r["late"], r["rate"]])
    late = book.create_sheet(_("Late files"))
    append_safe(
        late,
        [_("File no."), _("Procedure code"), _("Procedure"), _("Agency"), _("Received"), _("Due (after supplements)")],
    )
    for f in data["late"]:
        append_safe(late, [f.code, f.procedure.code, f.procedure.name, f.agency, f.received_date, f.effective_due_date])
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def apology_letter(file, new_appointment: datetime, reason: str) -> bytes:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả, for a late file (the form used by one-stop desks). An official
    Vietnamese form: always written in Vietnamese, whatever language the officer's page is in."""
    with translation.override("vi"):
        return _apology_letter(file, new_appointment, reason)


def _apology_letter(file, new_appointment: datetime, reason: str) -> bytes:
    city = City.objects.first()
    today = timezone.localdate()

    def at(moment) -> str:
        return _("%(time)s on %(date)s") % {
            "time": f"{timezone.localtime(moment):%H:%M}",
            "date": f"{timezone.localtime(moment):%d/%m/%Y}",
        }

    pdf = new_pdf()
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(95, 5, (file.agency or "").upper()[:60])
    pdf.cell(0, 5, _("SOCIALIST REPUBLIC OF VIETNAM"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(95, 5, "")
    pdf.cell(0, 5, _("Independence - Freedom - Happiness"), align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    pdf.cell(
        0,
        8,
        _("%(place)s, day %(d)s month %(m)s year %(y)s")
        % {"place": city.name if city else "", "d": f"{today:%d}", "m": f"{today:%m}", "y": f"{today:%Y}"},
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    title(pdf, _("APOLOGY AND NEW APPOINTMENT FOR THE RESULT"))
    pdf.ln(2)
    lines = [
        _("File: %(code)s") % {"code": file.code},
        _("Procedure: %(name)s (%(code)s)") % {"name": file.procedure.name, "code": file.procedure.code},
        _("Received: %(at)s") % {"at": at(file.received_at)},
        _("Result due: %(at)s") % {"at": at(file.due_at)},
        "",
        _("As of today, %(agency)s has not yet returned the result for this file.") % {"agency": file.agency},
        _("Reason: %(reason)s") % {"reason": reason},
        "",
        _("We sincerely apologise for the delay and will return the result at %(at)s.") % {"at": at(new_appointment)},
        "",
        _("We hope for your understanding."),
    ]
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, _("HEAD OF THE AGENCY"), align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
