"""Demo calls: a realistic trickle of hotline and emergency calls across Lai Châu's units."""

from __future__ import annotations

import logging
import random
from threading import Event

from django.db import close_old_connections

from ioc.core.selectors import demo_address
from ioc.core.services.geo import current_units, random_point_in
from ioc.hotline.models import Call
from ioc.hotline.services import record_call

log = logging.getLogger(__name__)

SCENARIOS = [
    (
        Call.Topic.INFRASTRUCTURE,
        "1022",
        24,
        [
            "Đèn đường không sáng cả đoạn",
            "Vỡ ống nước sạch, nước tràn mặt đường",
            "Ổ gà lớn giữa đường, nguy hiểm cho xe máy",
            "Cây đổ chắn một làn đường",
        ],
    ),
    (
        Call.Topic.ENVIRONMENT,
        "1022",
        16,
        ["Rác thải tồn đọng nhiều ngày", "Khói đốt rác gây ô nhiễm khu dân cư", "Nước thải chảy ra suối"],
    ),
    (
        Call.Topic.PUBLIC_ORDER,
        "113",
        14,
        ["Tụ tập gây mất trật tự", "Lấn chiếm vỉa hè bán hàng", "Đánh nhau trước quán"],
    ),
    (
        Call.Topic.ACCIDENT,
        "113",
        12,
        ["Va chạm giữa xe máy và ô tô", "Xe máy tự ngã, có người bị thương", "Xe tải mất phanh trên dốc"],
    ),
    (
        Call.Topic.FLOODING,
        "1022",
        8,
        ["Nước ngập sâu qua đường sau mưa lớn", "Cống thoát nước bị tắc, ngập cục bộ"],
    ),
    (Call.Topic.LANDSLIDE, "114", 5, ["Sạt lở taluy dương chắn đường", "Đất đá trôi xuống khu dân cư"]),
    (Call.Topic.MEDICAL, "115", 11, ["Người già ngất xỉu cần cấp cứu", "Tai nạn lao động tại công trình"]),
    (Call.Topic.FIRE, "114", 4, ["Cháy nhà dân, khói lớn", "Cháy kho chứa hàng", "Chập điện cháy tủ điện"]),
]
FAMILY = ["Nguyễn", "Trần", "Lò", "Lường", "Hoàng", "Vàng", "Tòng", "Phạm", "Giàng", "Lê"]
GIVEN = ["Văn Minh", "Thị Hoa", "Văn Thắng", "Thị Lan", "A Sử", "Thị Mai", "Văn Dũng", "Thị Hương"]


def make_call(rng: random.Random, units, received_at=None) -> Call:
    topic, channel, _, texts = rng.choices(SCENARIOS, weights=[s[2] for s in SCENARIOS])[0]
    # Urban wards are small but busy: weight the draw towards the centre.
    unit = rng.choice(units)
    lat, lon = random_point_in(unit.geometry, rng)
    return record_call(
        channel=channel,
        topic=topic,
        summary=rng.choice(texts),
        lat=lat,
        lon=lon,
        address=demo_address(rng, unit),
        caller_name=f"{rng.choice(FAMILY)} {rng.choice(GIVEN)}",
        caller_phone="09" + "".join(str(rng.randint(0, 9)) for _ in range(8)),
        received_at=received_at,
    )


def backfill(rng: random.Random, units, days: int = 30, per_day: float = 6.0) -> int:
    """A month of past calls, so the demo's trends have history; alerts older than a day are closed as handled."""
    from datetime import timedelta

    from django.utils import timezone

    from ioc.core.models import Alert

    now = timezone.now()
    made = 0
    for day in range(days, 0, -1):
        for _ in range(max(1, round(rng.gauss(per_day, 2)))):
            moment = now - timedelta(days=day, hours=rng.uniform(-10, 10))
            make_call(rng, units, received_at=moment)
            made += 1
    Alert.objects.filter(first_seen_at__lt=now - timedelta(days=1)).exclude(status=Alert.Status.CLOSED).update(
        status=Alert.Status.CLOSED, closed_at=now
    )
    return made


# The modeled rate: one call every five minutes on average (about 12 an hour) — a lively daytime hour for the
# city's hotlines (1022, 113, 114, 115) for a city of about 40,000 people; each call is an alert, and calls about
# one place fold into one, so this is the larger share of the operator's roughly one new item a minute.
MEAN_SECONDS_BETWEEN_CALLS = 300.0


def run(stop: Event, *, seed: int | None = None, mean_seconds: float = MEAN_SECONDS_BETWEEN_CALLS) -> None:
    """Record a call every ~`mean_seconds` (exponential gaps) until stopped."""
    rng = random.Random(seed)
    units = [u for u in current_units() if u.geometry]
    if not units:
        log.warning("no units with boundaries: load a profile first")
        return
    if not Call.objects.exists():
        log.info("backfilled %s past calls", backfill(rng, units))
    for _ in range(3):  # a few calls right away, so the demo map is not empty
        make_call(rng, units)
    while not stop.wait(rng.expovariate(1 / mean_seconds)):
        try:
            call = make_call(rng, units)
            log.info("call %s: %s", call.pk, call.summary)
        finally:
            close_old_connections()
