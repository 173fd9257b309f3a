"""The portal's timeliness rule and the 766 indicators on a hand-computed February 2026 (with Tết 16–20/02)."""

from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest

from ioc.publicservice import indicators
from ioc.publicservice.importer import import_files
from ioc.publicservice.models import ServiceFile
from ioc.publicservice.timeliness import judge
from tests.publicservice.conftest import export, row

VN = ZoneInfo("Asia/Ho_Chi_Minh")
FEB = (date(2026, 2, 1), date(2026, 2, 28))


@pytest.fixture
def february(catalogue):
    """Files of 'Xác nhận tình trạng hôn nhân' (3 working days, fee, fully online, online payment)."""
    rows = [
        # A: finished two days early, online, paid online, e-result, digitised, satisfied → early
        row(
            "A",
            received="02/02/2026 08:00",
            due="05/02/2026 17:00",
            finished="04/02/2026 10:00",
            status=10,
            KenhThucHien=2,
            DaThanhToanTrucTuyen=1,
            CoKetQuaDienTu="x",
            DaSoHoa="có",
            DanhGia="hài lòng",
        ),
        # B: finished on the due day → on time; not satisfied
        row(
            "B",
            received="03/02/2026 08:00",
            due="06/02/2026 17:00",
            finished="06/02/2026 15:00",
            status=10,
            CoKetQuaDienTu="x",
            DaSoHoa="có",
            DanhGia="không hài lòng",
        ),
        # C: received Thursday 12/02, appointment computed across Tết → 24/02; finished 25/02 → late
        row("C", received="12/02/2026 09:00", due="", finished="25/02/2026 09:00", status=10),
        # D: due 10/02 but 3 days waiting for the citizen → counts to 13/02; finished 12/02 → early
        row(
            "D",
            received="05/02/2026 08:00",
            due="10/02/2026 17:00",
            finished="12/02/2026 08:00",
            status=10,
            KenhThucHien=2,
            SoLanBoSung=1,
            ThoiGianBoSung=3,
            DaSoHoa="có",
        ),
        # E: finished in time but after two supplement requests → late
        row(
            "E",
            received="06/02/2026 08:00",
            due="11/02/2026 17:00",
            finished="09/02/2026 08:00",
            status=10,
            SoLanBoSung=2,
        ),
        # F: unfinished, due 27/02 → late at the end of February
        row("F", received="24/02/2026 08:00", due="27/02/2026 17:00", status=4),
        # G: unfinished, due 02/03 → not late at the end of February (left out of 2.1)
        row("G", received="25/02/2026 08:00", due="02/03/2026 17:00", status=4),
        # H: not received (status 3) → not judged
        row("H", received="26/02/2026 08:00", due="03/03/2026 17:00", status=3),
        # I: January: outside the period
        row("I", received="15/01/2026 08:00", due="20/01/2026 17:00", finished="16/01/2026 08:00", status=10),
    ]
    run = import_files(export(rows), "feb.csv")
    assert not run.refused, run.refused
    return {f.code: f for f in ServiceFile.objects.all()}


def test_each_files_outcome(february):
    outcomes = {code: f.outcome for code, f in february.items()}
    assert outcomes == {
        "A": "early",
        "B": "on_time",
        "C": "late",
        "D": "early",
        "E": "late",
        "F": "",
        "G": "",
        "H": "",
        "I": "early",
    }
    assert february["C"].due_at == datetime(2026, 2, 24, 17, 0, tzinfo=VN) and february["C"].due_computed
    end_of_feb = datetime(2026, 2, 28, 23, 59, tzinfo=VN)
    assert judge(february["F"], end_of_feb) == "late"
    # G is due Monday 02/03: one working day left on Saturday 28/02 (due soon), two on Thursday 26/02.
    assert judge(february["G"], end_of_feb) == "due_soon"
    assert judge(february["G"], datetime(2026, 2, 26, 12, 0, tzinfo=VN)) == "not_due"
    assert judge(february["H"], end_of_feb) == ""


def test_progress_indicators(february):
    result = indicators.compute(*FEB)
    by_key = {i["key"]: i for i in result["indicators"]}
    # 2.1: early A, D + on time B = 3, over decided A, B, C, D, E, F = 6 → 50% → 10 of 20 points.
    assert (by_key["2.1"]["numerator"], by_key["2.1"]["denominator"]) == (3, 6)
    assert by_key["2.1"]["rate"] == 0.5 and by_key["2.1"]["points"] == 10.0
    # 2.2: handling days of A, B, C, D, E = 2.083 + 3.292 + 13 + 7 + 3 = 28.375 / 5.
    assert by_key["2.2"]["numerator"] == pytest.approx(5.675, abs=0.01)


def test_online_digitisation_satisfaction_and_transparency(february):
    by_key = {i["key"]: i for i in indicators.compute(*FEB)["indicators"]}

    def frac(key):
        return by_key[key]["numerator"], by_key[key]["denominator"]

    assert frac("1.2") == (7, 8) and by_key["1.2"]["points"] == 8.75  # C's appointment was computed
    assert frac("3.3") == (2, 8) and by_key["3.3"]["points"] == 1.5  # 25% of a 50% target × 3
    assert frac("3.6") == (1, 8) and by_key["3.6"]["points"] == 1.25
    assert frac("4.1") == (2, 5) and by_key["4.1"]["points"] == pytest.approx(3.56, abs=0.01)
    assert frac("4.2") == (3, 8) and by_key["4.2"]["points"] == 3.75
    assert frac("4.3") == (2, 5) and by_key["4.3"]["points"] == 3.0
    assert frac("5.4") == (4, 5) and by_key["5.4"]["points"] == 4.8
    # From the catalogue: 12 procedures, 11 online, 6 fully online, 6 of the 7 fee-bearing ones paid online.
    assert frac("3.1") == (11, 12) and frac("3.2") == (6, 12) and frac("3.5") == (6, 7)


def test_columns_add_up_to_the_portals_hundred(february):
    result = indicators.compute(*FEB)
    maxima = {c["key"]: c["max_points"] for c in result["columns"]}
    assert maxima == {
        "transparency": 18,
        "progress": 20,
        "online": 12,
        "digitisation": 22,
        "payment": 10,
        "satisfaction": 18,
    }
    assert result["max_total"] == 100
    progress = next(c for c in result["columns"] if c["key"] == "progress")
    assert progress["points"] == 10.0
    assert result["total"] == pytest.approx(sum(c["points"] or 0 for c in result["columns"]))


def test_editing_a_rule_changes_the_score(february):
    from ioc.publicservice.models import IndicatorRule

    IndicatorRule.objects.filter(key="2.1").update(full_at=0.5)  # full points from 50%
    by_key = {i["key"]: i for i in indicators.compute(*FEB)["indicators"]}
    assert by_key["2.1"]["points"] == 20.0


def test_filters_by_unit_agency_and_field(february, units):
    assert indicators.counts(*FEB, unit=units["Tân Phong"])["received"] == 0
    assert indicators.counts(*FEB, unit=units["Đoàn Kết"])["received"] == 8
    assert indicators.counts(*FEB, agency="UBND Phường Đoàn Kết")["received"] == 8
    assert indicators.counts(*FEB, field="Đất đai")["received"] == 0
