"""The leaders' daily report at 07:00: yesterday and the year so far, as PDF and XLSX, announced to leaders."""

from datetime import date, timedelta

from django.conf import settings
from django.utils import timezone

from ioc.core.models import Role
from ioc.core.services.notify import notify, users_with_roles
from ioc.publicservice import reports


def daily_report(day: date | None = None) -> list[str]:
    day = day or timezone.localdate() - timedelta(days=1)
    folder = settings.MEDIA_ROOT / "reports" / "publicservice"
    folder.mkdir(parents=True, exist_ok=True)
    start = date(day.year, 1, 1)
    written = []
    for ext, build in (("pdf", reports.daily_pdf), ("xlsx", reports.daily_xlsx)):
        path = folder / f"bao-cao-tthc-{day:%Y%m%d}.{ext}"
        path.write_bytes(build(start, day))
        written.append(str(path))
    notify(
        users_with_roles(Role.LEADER),
        f"Báo cáo TTHC ngày {day:%d/%m/%Y}",
        "Báo cáo giải quyết thủ tục hành chính từ đầu năm đến hết ngày hôm qua (PDF, XLSX).",
        f"/dashboard/publicservice/report.pdf?from={start:%Y-%m-%d}&to={day:%Y-%m-%d}",
        severity=2,
    )
    return written
