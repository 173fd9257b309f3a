"""Demo reports: citizens across Lai Châu's units, officers working them through the real services.

Photos are drawn with Pillow (no downloads). On first run a few weeks of history is backfilled through the
same services, then the past timestamps are set, so statistics and trends have something to show.
"""

from __future__ import annotations

import io
import logging
import random
from datetime import timedelta
from threading import Event as StopEvent

from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import close_old_connections
from django.utils import timezone
from PIL import Image, ImageDraw

from ioc.core.models import Role
from ioc.core.selectors import demo_address
from ioc.core.services.geo import current_units
from ioc.feedback import services
from ioc.feedback.models import Category, Event, Report

log = logging.getLogger(__name__)

TEXTS = {
    "den-duong": ["Cả dãy đèn đường tắt từ tối qua", "Đèn nhấp nháy liên tục gần ngã ba", "Cột đèn bị nghiêng"],
    "duong-hu-hong": ["Ổ gà lớn giữa đường, xe máy dễ ngã", "Nắp cống bị vỡ", "Mặt đường lún sau mưa"],
    "lan-chiem": ["Hàng quán bày tràn ra vỉa hè", "Ô tô đỗ chắn lối đi bộ", "Vật liệu xây dựng đổ ra lòng đường"],
    "rac-thai": ["Rác tồn đọng nhiều ngày bốc mùi", "Đổ trộm phế thải xây dựng", "Thùng rác đầy không ai thu gom"],
    "sat-lo": ["Đất đá sạt xuống taluy dương", "Vết nứt lớn trên sườn đồi sau mưa"],
    "an-ninh": ["Nhóm thanh niên tụ tập gây ồn ào đêm khuya", "Nghi có trộm cắp xe máy"],
    "cay-xanh": ["Cây gãy cành lớn sát đường", "Cây nghiêng có nguy cơ đổ"],
    "nuoc": ["Vỡ ống nước, nước chảy lênh láng", "Ngập sâu khi mưa do cống tắc"],
    "khac": ["Biển báo giao thông bị mất", "Tiếng ồn từ công trình ban đêm"],
}
REPLIES = [
    "Đã cử tổ công tác kiểm tra và khắc phục.",
    "Đã sửa chữa xong, mời bà con kiểm tra.",
    "Đã thu gom và vệ sinh khu vực.",
    "Đã xử lý vi phạm và yêu cầu cam kết không tái phạm.",
]


def photo(rng: random.Random, name: str = "anh.jpg") -> SimpleUploadedFile:
    """A small drawn 'photo' (sky, road, an object) as a JPEG upload."""
    image = Image.new("RGB", (480, 360), (rng.randint(90, 140), rng.randint(140, 180), rng.randint(190, 230)))
    draw = ImageDraw.Draw(image)
    draw.rectangle((0, 220, 480, 360), fill=(80, 80, 85))
    x = rng.randint(60, 380)
    draw.ellipse((x, 160, x + rng.randint(40, 90), 160 + rng.randint(40, 90)), fill=(rng.randint(0, 255), 90, 40))
    out = io.BytesIO()
    image.save(out, "JPEG", quality=80)
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/jpeg")


def _point(rng, units):
    from ioc.core.services.geo import random_point_in

    unit = rng.choice(units)
    return unit, *random_point_in(unit.geometry, rng)


def submit_one(rng: random.Random, units, categories, at=None) -> Report | None:
    category = rng.choice(categories)
    unit, lat, lon = _point(rng, units)
    answers = {}
    for attr in category.attributes.all():
        if attr.datatype in ("singlevaluelist", "multivaluelist") and attr.values:
            key = rng.choice(attr.values)["key"]
            answers[attr.code] = [key] if attr.datatype == "multivaluelist" else key
        elif attr.required:
            answers[attr.code] = "1"
    anonymous = rng.random() < 0.4
    return services.submit_report(
        category=category,
        description=rng.choice(TEXTS.get(category.code, TEXTS["khac"])),
        lat=lat,
        lon=lon,
        address=demo_address(rng, unit),
        attributes=answers,
        photos=[photo(rng)],
        reporter_name=""
        if anonymous
        else rng.choice(["Lò Văn Hùng", "Nguyễn Thị Mai", "Giàng A Páo", "Trần Văn Long"]),
        reporter_phone="" if anonymous else "09" + "".join(str(rng.randint(0, 9)) for _ in range(8)),
        source="web",
        at=at,
    )


def work_one(rng: random.Random, report: Report, operator, finish: bool = False) -> None:
    """What the city does with a report: assign, start, resolve with a photo; the citizen rates.

    Recent reports may still be in progress; older ones (`finish`) have been dealt with, bar a few.
    """
    services.transition(report, operator, "assign", department=report.department)
    if rng.random() < (0.02 if finish else 0.1):
        return
    services.transition(report, operator, "start")
    if rng.random() < (0.03 if finish else 0.2):
        return
    services.transition(report, operator, "resolve", text=rng.choice(REPLIES), photos=[photo(rng, "ket-qua.jpg")])
    if rng.random() < 0.7:
        services.rate(report, rng.random() < 0.8)


def _operator():
    return get_user_model().objects.filter(is_active=True, profile__role=Role.OPERATOR).first()


def backfill(rng: random.Random, units, categories, days: int = 45, per_day: float = 5.0) -> int:
    operator = _operator()
    now = timezone.now()
    made = 0
    for day in range(days, 0, -1):
        for _ in range(max(1, round(rng.gauss(per_day, 1.5)))):
            at = now - timedelta(days=day, hours=rng.uniform(-8, 8))
            report = submit_one(rng, units, categories, at=at)
            if operator and day > 2:
                work_one(rng, report, operator, finish=day > 7)
                done = at + timedelta(hours=rng.uniform(4, 24 * report.category.deadline_days * 1.6))
                report.refresh_from_db()
                Report.objects.filter(pk=report.pk).update(
                    updated_at=done,
                    resolved_at=done if report.resolved_at else None,
                    rated_at=done if report.rated_at else None,
                )
                Event.objects.filter(report=report).exclude(action="submitted").update(at=done)
                Event.objects.filter(report=report, action="submitted").update(at=at)
            made += 1
    return made


# The modeled rate: a citizen report every four minutes on average (15 an hour), a busy daytime hour for a city of
# about 40,000 people on web, app and Zalo. Only urgent ones (and later the overdue ones) reach the operator's feed.
MEAN_SECONDS_BETWEEN_REPORTS = 240.0


def run(stop: StopEvent, *, seed: int | None = None, mean_seconds: float = MEAN_SECONDS_BETWEEN_REPORTS) -> None:
    rng = random.Random(seed)
    units = [u for u in current_units() if u.geometry]
    categories = list(Category.objects.filter(active=True).prefetch_related("attributes"))
    if not units or not categories:
        log.warning("no units or categories: load a profile and run the domain setup first")
        return
    if not Report.objects.exists():
        log.info("backfilled %s past reports", backfill(rng, units, categories))
    while not stop.wait(rng.expovariate(1 / mean_seconds)):
        try:
            report = submit_one(rng, units, categories)
            log.info("report %s: %s", report.tracking_code, report.description)
            # Now and then an operator picks up an older report.
            waiting = Report.objects.filter(status="submitted").order_by("submitted_at").first()
            operator = _operator()
            if waiting and operator and rng.random() < 0.5:
                services.transition(waiting, operator, "assign", department=waiting.department)
        finally:
            close_old_connections()
