"""The city profile as data: units with periods and reused codes, point lookup by date, roll-up to today's wards."""

import json
from datetime import date

import pytest

from ioc.core.models import AdministrativeUnit, Alert, City, Department
from ioc.core.services.geo import current_unit, current_units, unit_at, units_rolling_up_to
from ioc.core.services.profile import DEFAULT_PROFILE, ProfileError, load_profile
from tests.conftest import POINT_DOAN_KET, POINT_SAN_THANG


def test_default_profile_has_the_old_and_new_units(city, units):
    assert city.name == "Thành phố Lai Châu"
    assert "CC BY 3.0 IGO" in city.attribution
    old_names = {
        u.name for u in AdministrativeUnit.objects.filter(valid_to=date(2025, 6, 30), level__in=["ward", "commune"])
    }
    assert old_names == {
        "Phường Quyết Thắng",
        "Phường Quyết Tiến",
        "Phường Tân Phong",
        "Phường Đoàn Kết",
        "Phường Đông Phong",
        "Xã San Thàng",
        "Xã Sùng Phài",
    }
    assert [u.name for u in current_units(date(2026, 1, 1))] == ["Phường Tân Phong", "Phường Đoàn Kết"]
    assert all(u.approximate for u in current_units())
    assert Department.objects.filter(is_police=True, code="cong-an").exists()
    assert Department.objects.count() >= 8


def test_a_reused_code_means_different_units_on_different_dates(city):
    # 03403 was Nậm Loỏng until 2020 and Sùng Phài after; 03388 was Quyết Tiến and is today's Đoàn Kết.
    lat, lon = 22.368, 103.500
    assert unit_at(lat, lon, date(2019, 6, 1)).name == "Xã Nậm Loỏng"
    assert unit_at(lat, lon, date(2024, 1, 1)).name == "Xã Sùng Phài"
    assert unit_at(lat, lon, date(2026, 1, 1)).name == "Phường Đoàn Kết"
    assert {u.name for u in AdministrativeUnit.objects.filter(code="03388")} == {"Phường Quyết Tiến", "Phường Đoàn Kết"}


def test_old_units_roll_up_to_todays_wards(units):
    assert current_unit(units["old Nậm Loỏng"]) == units["Đoàn Kết"]
    assert current_unit(units["old San Thàng"]) == units["Tân Phong"]
    rolled = {AdministrativeUnit.objects.get(pk=pk).name for pk in units_rolling_up_to(units["Đoàn Kết"])}
    assert {"Phường Quyết Thắng", "Phường Quyết Tiến", "Xã Sùng Phài", "Xã Nậm Loỏng"} <= rolled
    assert "Xã San Thàng" not in rolled


def test_point_lookup(city):
    assert unit_at(*POINT_DOAN_KET, date(2026, 11, 25)).name == "Phường Đoàn Kết"
    assert unit_at(*POINT_SAN_THANG, date(2024, 1, 1)).name == "Xã San Thàng"
    assert unit_at(21.0285, 105.8542) is None  # Hà Nội is not in this city


def test_loading_twice_updates_instead_of_duplicating(city):
    before = AdministrativeUnit.objects.count()
    load_profile()
    assert AdministrativeUnit.objects.count() == before
    assert City.objects.count() == 1


def _profile_with(tmp_path, mutate):
    doc = json.loads(DEFAULT_PROFILE.read_text(encoding="utf-8"))
    mutate(doc)
    path = tmp_path / "p.geojson"
    path.write_text(json.dumps(doc), encoding="utf-8")
    return path


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("mutate", "message"),
    [
        (lambda d: d["features"][2]["properties"].pop("code"), "missing code"),
        (lambda d: d["features"][2]["properties"].update(level="hamlet"), "level must be one of"),
        (lambda d: d["features"][2]["properties"].update(valid_to="30/06/2025"), "is not a date"),
        (lambda d: d["features"][2]["properties"].update(parent_code="99999"), "no unit with code '99999'"),
        (lambda d: d.pop("city"), "needs a 'city' member"),
        (lambda d: d["routing"]["hotline"].update(fire="cuu-hoa"), "routing.hotline.fire: no department"),
        (lambda d: d.update(streets="Trần Phú"), "'streets' must be a list of names"),
        (lambda d: d["demo_accounts"].append({"username": "x", "role": "mayor"}), "needs a username and a role"),
        (
            lambda d: d.update(sensitive_places=[{"name": "Trường", "kind": "school", "lat": 48.85, "lon": 2.35}]),
            r"sensitive_places\[1\]: needs a name and lat, lon inside Vietnam",
        ),
        (
            lambda d: d["features"][2].update(
                geometry={"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
            ),
            "invalid geometry",
        ),
    ],
)
def test_a_bad_profile_is_refused_whole(tmp_path, mutate, message):
    with pytest.raises(ProfileError, match=message):
        load_profile(_profile_with(tmp_path, mutate))
    assert AdministrativeUnit.objects.count() == 0  # nothing half-written
    assert City.objects.count() == 0


@pytest.mark.django_db
def test_a_file_that_is_not_a_profile(tmp_path):
    path = tmp_path / "x.geojson"
    path.write_text("{not json")
    with pytest.raises(ProfileError, match="cannot read"):
        load_profile(path)
    path.write_text('{"type": "Feature"}')
    with pytest.raises(ProfileError, match="FeatureCollection"):
        load_profile(path)


@pytest.mark.django_db
def test_another_citys_profile_changes_streets_routing_and_demo_officers(tmp_path, django_capture_on_commit_callbacks):
    """Street names, camera places, routing and the demo's officers are the profile's, not the code's."""
    import random

    from ioc.core.selectors import demo_address
    from ioc.core.services.demo import ensure_demo_accounts
    from ioc.feedback.defaults import ensure_default_categories
    from ioc.feedback.models import Category
    from ioc.hotline.services import record_call

    def other_city(doc):
        doc["streets"] = ["Phố Thử Nghiệm"]
        doc["routing"]["hotline"]["fire"] = "cong-an"
        doc["routing"]["feedback"]["den-duong"] = "y-te"
        doc["demo_accounts"] = [{"username": "yte", "role": "department_officer", "department": "y-te"}]

    load_profile(_profile_with(tmp_path, other_city))
    ward = current_units()[0]
    assert demo_address(random.Random(1), ward).endswith(" Phố Thử Nghiệm")
    with django_capture_on_commit_callbacks(execute=True):
        record_call(channel="114", topic="fire", summary="Cháy nhà", lat=POINT_DOAN_KET[0], lon=POINT_DOAN_KET[1])
    assert Alert.objects.get(kind="hotline.fire").department.code == "cong-an"
    ensure_default_categories()
    assert Category.objects.get(code="den-duong").department.code == "y-te"
    usernames = {username for _role, username, _password in ensure_demo_accounts()}
    assert "yte" in usernames and "qldt" not in usernames
