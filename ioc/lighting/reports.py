"""The monthly lighting report (PDF and XLSX): energy, baseline, savings and cost by unit and circuit, and faults."""

from __future__ import annotations

import io

from openpyxl import Workbook

from ioc.core.pdf import new_pdf, title
from ioc.lighting import energy, selectors

HEADERS = ["Tên", "kWh", "kWh nền (toàn công suất)", "Tiết kiệm", "Chi phí (VNĐ)", "Tiết kiệm (VNĐ)"]


def _pct(value) -> str:
    return "—" if value is None else f"{value * 100:.1f}%".replace(".", ",")


def _vnd(value) -> str:
    return f"{value:,.0f}".replace(",", ".")


def monthly_pdf(year: int, month: int) -> bytes:
    data = energy.month(year, month)
    pdf = new_pdf()
    title(pdf, f"Báo cáo chiếu sáng công cộng tháng {month:02d}/{year}", align="L")
    total = data["total"]
    pdf.multi_cell(
        0,
        6,
        f"Điện năng: {total['kwh']:.1f} kWh; nếu sáng toàn công suất từ hoàng hôn đến bình minh: "
        f"{total['baseline_kwh']:.1f} kWh; tiết kiệm {_pct(total['saving'])} ({_vnd(total['saved_vnd'])} VNĐ). "
        f"Chi phí: {_vnd(total['cost_vnd'])} VNĐ theo giá {_vnd(data['tariff'])} VNĐ/kWh.",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    for heading, rows in (("Theo phường/xã", data["units"]), ("Theo tuyến", data["circuits"])):
        pdf.ln(3)
        pdf.set_font("DejaVu", "B", 11)
        pdf.cell(0, 7, heading, new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("DejaVu", size=8)
        with pdf.table(col_widths=(60, 20, 30, 20, 30, 30)) as table:
            table.row(HEADERS)
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
        pdf.cell(0, 7, "Đèn đang có lỗi", new_x="LMARGIN", new_y="NEXT")
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
        ("Tổng", [data["total"]]),
        ("Phường xã", data["units"]),
        ("Tuyến", data["circuits"]),
        ("Theo đêm", data["nights"]),
    ):
        sheet = book.create_sheet(sheet_name)
        sheet.append(HEADERS)
        for row in rows:
            sheet.append(
                [row["name"], row["kwh"], row["baseline_kwh"], row["saving"], row["cost_vnd"], row["saved_vnd"]]
            )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
