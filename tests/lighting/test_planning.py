"""The night plan: astronomical times from astral, profiles, special days, weather, overrides, overlaps refused,
and the plan API."""

from datetime import date, timedelta

import pytest
from astral import Observer
from astral.sun import sunrise, sunset
from django.core.exceptions import ValidationError

from ioc.lighting import planning
from ioc.lighting.models import ScheduleRule
from ioc.lighting.services import save_rule, set_override
from tests.lighting.conftest import LAT, LON, local


def astral_times(night):
    observer = Observer(latitude=LAT, longitude=LON)
    dusk = sunset(observer, night, tzinfo=planning.TZ).replace(second=0, microsecond=0)
    dawn = sunrise(observer, night + timedelta(days=1), tzinfo=planning.TZ).replace(second=0, microsecond=0)
    return dusk, dawn


def lit(segments):
    return [(s.start, s.end, s.level, s.rule) for s in segments if s.rule != "daylight"]


@pytest.mark.parametrize("night", [date(2026, 6, 21), date(2026, 12, 21), date(2027, 3, 20)])
def test_the_astronomical_clock_follows_astral_with_offsets(network, night):
    dusk, dawn = astral_times(night)
    plan = planning.plans(night)[network["circuits"]["main"].pk]
    assert lit(plan) == [(dusk + timedelta(minutes=10), dawn - timedelta(minutes=10), 100, "Thiên văn")]


def test_known_sun_times_in_lai_chau():
    # Lai Châu (22.4° N, 103.46° E, UTC+7): solar noon near 12:05; days of 13 h 30 min in June, 10 h 46 min in
    # December: sunsets near 18:53 and 17:27.
    june = planning.sun_times(date(2026, 6, 21), 22.405, 103.455)[0]
    december = planning.sun_times(date(2026, 12, 21), 22.405, 103.455)[0]
    assert (june.hour, june.minute // 10) == (18, 5)
    assert (december.hour, december.minute // 10) == (17, 2)


def test_a_profile_dims_minor_roads_after_23h(network):
    night = date(2026, 11, 25)
    dusk, dawn = astral_times(night)
    plan = planning.plans(night)[network["circuits"]["minor"].pk]
    assert lit(plan) == [
        (dusk + timedelta(minutes=10), local(2026, 11, 25, 23, 0), 100, "Thiên văn"),
        (local(2026, 11, 25, 23, 0), local(2026, 11, 26, 5, 0), 50, "Ngõ 50%"),
        (local(2026, 11, 26, 5, 0), dawn - timedelta(minutes=10), 100, "Thiên văn"),
    ]


def test_special_days_win_over_profiles_on_their_nights_only(network):
    save_rule(
        ScheduleRule(
            name="Tết sáng cả đêm",
            kind="special",
            days=["tet"],
            intervals=[{"from": "17:00", "to": "07:00", "level": 100}],
        )
    )
    minor = network["circuits"]["minor"].pk
    tet = planning.plans(date(2027, 2, 6))[minor]  # Lunar New Year's day, 2027
    assert {s.level for s in tet if s.rule != "daylight"} == {100}
    assert "Tết sáng cả đêm" in {s.rule for s in tet}
    ordinary = planning.plans(date(2027, 2, 16))[minor]
    assert "Tết sáng cả đêm" not in {s.rule for s in ordinary} and 50 in {s.level for s in ordinary}


def test_fog_raises_the_level_from_when_it_comes(network):
    save_rule(ScheduleRule(name="Sương mù", kind="weather", condition="fog", threshold=200, level=100))
    night = date(2026, 11, 25)
    minor = network["circuits"]["minor"]
    fog = {"visibility": 120, "since": local(2026, 11, 26, 1, 0)}
    plan = planning.plans(night, [minor], fog)[minor.pk]
    assert planning.level_at(plan, local(2026, 11, 26, 0, 30)) == (50, "Ngõ 50%")
    assert planning.level_at(plan, local(2026, 11, 26, 1, 30)) == (100, "Sương mù")
    clear = planning.plans(night, [minor], {"visibility": 5000, "since": local(2026, 11, 26, 1, 0)})[minor.pk]
    assert planning.level_at(clear, local(2026, 11, 26, 1, 30)) == (50, "Ngõ 50%")


def test_an_override_wins_until_it_expires(network, users):
    main = network["circuits"]["main"]
    override = set_override(main, 30, 45, users["operator"], "sự kiện")

    def level_at(moment):
        # Each moment is read from its own night's plan: the override may straddle noon, where nights change.
        plan = planning.plans(planning.night_of(moment), [main])[main.pk]
        return planning.level_at(plan, moment)

    assert level_at(override.starts_at + timedelta(minutes=1)) == (30, "override: sự kiện")
    after = level_at(override.expires_at + timedelta(minutes=1))
    assert after[1] != "override: sự kiện"
    assert main.lamps.count() == sum(1 for lamp in main.lamps.all() if lamp.commands.filter(level=30).exists())


def test_overlapping_schedules_are_refused(network):
    with pytest.raises(ValidationError, match="overlap"):
        save_rule(
            ScheduleRule(
                name="Hai khoảng chồng nhau",
                kind="profile",
                intervals=[
                    {"from": "22:00", "to": "02:00", "level": 60},
                    {"from": "01:00", "to": "03:00", "level": 40},
                ],
            )
        )
    with pytest.raises(ValidationError, match="Ngõ 50%"):
        save_rule(ScheduleRule.dimming("Ngõ 30%", "minor", "02:00", "04:00", 30))
    with pytest.raises(ValidationError, match="0 to 100"):
        save_rule(
            ScheduleRule(name="Quá sáng", kind="profile", intervals=[{"from": "22:00", "to": "23:00", "level": 130}])
        )
    assert not ScheduleRule.objects.filter(name__in=["Hai khoảng chồng nhau", "Ngõ 30%", "Quá sáng"]).exists()
    # A higher priority may overlap on purpose, and wins.
    save_rule(ScheduleRule.dimming("Ngõ 30% (ưu tiên)", "minor", "02:00", "04:00", 30, priority=1))
    plan = planning.plans(date(2026, 11, 25))[network["circuits"]["minor"].pk]
    assert planning.level_at(plan, local(2026, 11, 26, 3, 0)) == (30, "Ngõ 30% (ưu tiên)")
    assert planning.level_at(plan, local(2026, 11, 26, 1, 0)) == (50, "Ngõ 50%")


def test_plan_api(network, users, client_for):
    client = client_for(users["leader"])
    minor = network["circuits"]["minor"]
    body = client.get(f"/api/lighting/plan?date=2026-11-25&circuit={minor.pk}").json()
    (circuit,) = body["circuits"]
    assert circuit["code"] == "TD01-2"
    lit_intervals = [i for i in circuit["intervals"] if i["rule"] != "daylight"]
    assert [(i["level"], i["rule"]) for i in lit_intervals] == [(100, "Thiên văn"), (50, "Ngõ 50%"), (100, "Thiên văn")]
    assert lit_intervals[1]["start"] == "2026-11-25T23:00:00+07:00"
    assert len(client.get("/api/lighting/plan?date=2026-11-25").json()["circuits"]) == 2
    assert client.get("/api/lighting/plan?date=25/11/2026").status_code in (400, 422)
    assert client.get("/api/lighting/plan?date=2026-11-25&circuit=999").status_code == 404
    assert client_for(users["citizen"]).get("/api/lighting/plan?date=2026-11-25").status_code == 403


def test_the_admin_refuses_an_overlapping_rule(network, users, client_for):
    admin = client_for(users["admin"])
    form = {
        "name": "Ngõ 30%",
        "kind": "profile",
        "priority": 0,
        "road_class": "minor",
        "on_offset_min": 0,
        "off_offset_min": 0,
        "intervals": '[{"from": "02:00", "to": "04:00", "level": 30}]',
        "days": "[]",
        "condition": "",
        "level": 100,
        "active": "on",
    }
    refused = admin.post("/admin/lighting/schedulerule/add/", form)
    assert refused.status_code == 200 and "Ngõ 50%" in refused.content.decode()
    assert not ScheduleRule.objects.filter(name="Ngõ 30%").exists()
    accepted = admin.post("/admin/lighting/schedulerule/add/", {**form, "priority": 1})
    assert accepted.status_code == 302 and ScheduleRule.objects.filter(name="Ngõ 30%", priority=1).exists()


def test_the_rules_page(network, users, client_for):
    operator = client_for(users["operator"])
    page = operator.get("/dashboard/lighting/rules/").content.decode()
    assert "Thiên văn" in page and "23:00–05:00 50%" in page
    form = {
        "name": "Đường chính 60%",
        "kind": "profile",
        "priority": 0,
        "road_class": "main",
        "on_offset_min": 0,
        "off_offset_min": 0,
        "condition": "",
        "level": 100,
        "intervals_text": "1:00-4:00=60",
        "days_text": "",
    }
    assert operator.post("/dashboard/lighting/rules/", form).status_code == 302
    rule = ScheduleRule.objects.get(name="Đường chính 60%")
    assert rule.intervals == [{"from": "01:00", "to": "04:00", "level": 60}]
    clash = operator.post("/dashboard/lighting/rules/", {**form, "name": "Trùng", "intervals_text": "03:00-05:00=40"})
    assert clash.status_code == 200 and "Đường chính 60%" in clash.content.decode()
    garbled = operator.post("/dashboard/lighting/rules/", {**form, "name": "Sai", "intervals_text": "tối nay"})
    assert "HH:MM-HH:MM" in garbled.content.decode() or "HH:MM" in garbled.content.decode()
    assert not ScheduleRule.objects.filter(name__in=["Trùng", "Sai"]).exists()
    operator.post(f"/dashboard/lighting/rules/{rule.pk}/toggle/")
    rule.refresh_from_db()
    assert not rule.active
    plan = planning.plans(date(2026, 11, 25))[network["circuits"]["main"].pk]
    assert "Đường chính 60%" not in {s.rule for s in plan}
    operator.post(f"/dashboard/lighting/rules/{rule.pk}/delete/")
    assert not ScheduleRule.objects.filter(pk=rule.pk).exists()
    leader = client_for(users["leader"])
    assert "Thiên văn" in leader.get("/dashboard/lighting/rules/").content.decode()
    assert leader.post("/dashboard/lighting/rules/", form).status_code == 403
