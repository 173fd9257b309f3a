"""Reports as files: the leaders' daily report (PDF and XLSX, any period) and the apology-and-new-appointment
letter (phiếu xin lỗi và hẹn lại) for a late file. PDFs use DejaVu Sans, shipped in ioc/core/fonts (Vietnamese)."""

from __future__ import annotations

import io
from datetime import date, datetime

from django.utils import timezone

from ioc.core.models import City
from ioc.core.pdf import new_pdf, title
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
    title(pdf, f"BÁO CÁO GIẢI QUYẾT THỦ TỤC HÀNH CHÍNH\n{city.name if city else ''}")
    pdf.cell(
        0,
        6,
        f"Kỳ báo cáo: {start:%d/%m/%Y} – {end:%d/%m/%Y}. Lập lúc {timezone.localtime():%H:%M %d/%m/%Y}.",
        new_x="LMARGIN",
        new_y="NEXT",
        align="C",
    )
    c = data["indicators"]["counts"]
    pdf.ln(3)
    pdf.multi_cell(
        0,
        6,
        f"Tiếp nhận {c['received']} hồ sơ; đã giải quyết {c['finished']}; trước hạn {c['early']}, "
        f"đúng hạn {c['on_time']}, quá hạn {c['late_finished'] + c['late_open']}; trực tuyến "
        f"{c['online']}.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(2)
    title(pdf, f"Chỉ số 766/QĐ-TTg: {data['indicators']['total']:.2f}/{data['indicators']['max_total']:.0f} điểm", 11)
    with pdf.table(col_widths=(12, 90, 25, 25, 20), text_align=("LEFT", "LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row(["Mã", "Chỉ số", "Tử số/Mẫu số", "Tỷ lệ", "Điểm"])
        for i in data["indicators"]["indicators"]:
            if i["key"] == "2.2":  # an average, not a rate
                frac, rate = "—", "—" if i["numerator"] is None else f"{i['numerator']:.2f} ngày".replace(".", ",")
            else:
                frac = "—" if not i["denominator"] else f"{i['numerator']:g}/{i['denominator']:g}"
                rate = _pct(i["rate"])
            points = "—" if i["points"] is None else f"{i['points']:.2f}/{i['max_points']:g}".replace(".", ",")
            table.row([i["key"], i["name"], frac, rate, points])
    pdf.ln(3)
    title(pdf, "Xếp hạng cơ quan (tỷ lệ trước hạn và đúng hạn, thấp nhất trước)", 11)
    with pdf.table(col_widths=(90, 25, 25, 25), text_align=("LEFT", "RIGHT", "RIGHT", "RIGHT")) as table:
        table.row(["Cơ quan", "Tiếp nhận", "Quá hạn", "Đúng hạn %"])
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
    title(pdf, f"Hồ sơ quá hạn ({len(data['late'])} hồ sơ đầu)", 11)
    with pdf.table(col_widths=(35, 70, 45, 25), text_align=("LEFT", "LEFT", "LEFT", "RIGHT")) as table:
        table.row(["Mã hồ sơ", "Thủ tục", "Cơ quan", "Hạn"])
        for f in data["late"]:
            table.row([f.code, f.procedure.name[:80], f.agency, f"{f.effective_due_date:%d/%m/%Y}"])
    return bytes(pdf.output())


def daily_xlsx(start: date, end: date) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = report_data(start, end)
    book = Workbook()
    sheet = book.active
    sheet.title = "Chỉ số 766"
    sheet.append(["Mã", "Nhóm", "Chỉ số", "Tử số", "Mẫu số", "Tỷ lệ", "Điểm", "Điểm tối đa"])
    for i in data["indicators"]["indicators"]:
        sheet.append(
            [
                i["key"],
                indicators.COLUMNS.get(i["column"], i["column"]),
                i["name"],
                i["numerator"],
                i["denominator"],
                i["rate"],
                i["points"],
                i["max_points"],
            ]
        )
    sheet.append([])
    sheet.append(["", "Tổng", "", "", "", "", data["indicators"]["total"], data["indicators"]["max_total"]])
    ranking = book.create_sheet("Xếp hạng cơ quan")
    ranking.append(["Cơ quan", "Tiếp nhận", "Quá hạn", "Trước hạn và đúng hạn %"])
    for r in data["ranking"]:
        ranking.append([r["agency"], r["received"], r["late"], r["rate"]])
    late = book.create_sheet("Hồ sơ quá hạn")
    late.append(["Mã hồ sơ", "Mã TTHC", "Thủ tục", "Cơ quan", "Ngày tiếp nhận", "Hạn (đã tính bổ sung)"])
    for f in data["late"]:
        late.append([f.code, f.procedure.code, f.procedure.name, f.agency, f.received_date, f.effective_due_date])
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def apology_letter(file, new_appointment: datetime, reason: str) -> bytes:
    """Phiếu xin lỗi và hẹn lại ngày trả kết quả, for a late file (the form used by one-stop desks)."""
    city = City.objects.first()
    pdf = new_pdf()
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(95, 5, (file.agency or "").upper()[:60])
    pdf.cell(0, 5, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(95, 5, "")
    pdf.cell(0, 5, "Độc lập - Tự do - Hạnh phúc", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", size=10)
    pdf.cell(
        0,
        8,
        f"{city.name if city else ''}, ngày {timezone.localdate():%d} tháng {timezone.localdate():%m} năm "
        f"{timezone.localdate():%Y}",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(4)
    title(pdf, "PHIẾU XIN LỖI VÀ HẸN LẠI NGÀY TRẢ KẾT QUẢ")
    pdf.ln(2)
    lines = [
        f"Mã hồ sơ: {file.code}",
        f"Thủ tục: {file.procedure.name} ({file.procedure.code})",
        f"Ngày tiếp nhận: {timezone.localtime(file.received_at):%H:%M ngày %d/%m/%Y}",
        f"Ngày hẹn trả kết quả: {timezone.localtime(file.due_at):%H:%M ngày %d/%m/%Y}",
        "",
        f"Đến nay, {file.agency} chưa trả được kết quả giải quyết hồ sơ nêu trên.",
        f"Lý do: {reason}",
        "",
        "Cơ quan chúng tôi thành thật xin lỗi Ông/Bà vì sự chậm trễ này và hẹn trả kết quả vào "
        f"{timezone.localtime(new_appointment):%H:%M ngày %d/%m/%Y}.",
        "",
        "Rất mong nhận được sự thông cảm của Ông/Bà.",
    ]
    for line in lines:
        pdf.multi_cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
    pdf.ln(10)
    pdf.set_font("DejaVu", "B", 10)
    pdf.cell(0, 6, "THỦ TRƯỞNG CƠ QUAN", align="R", new_x="LMARGIN", new_y="NEXT")
    return bytes(pdf.output())
