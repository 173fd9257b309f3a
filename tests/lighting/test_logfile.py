"""A gateway's night log (CSV, plain or gzip) imported through the live telemetry checks, and from the CLI."""

import gzip

import pytest

from ioc.lighting.logfile import LogError, import_log
from ioc.lighting.models import Lamp, NightEnergy

HEADER = "lamp,at,on,level,power_w,voltage,current_a,energy_kwh,burning_hours\n"


def log(tmp_path, lines, name="dem.csv", compress=False):
    text = HEADER + "".join(line + "\n" for line in lines)
    path = tmp_path / name
    path.write_bytes(gzip.compress(text.encode()) if compress else text.encode())
    return path


@pytest.mark.parametrize("compress", [False, True])
def test_a_night_log_is_imported_with_its_problems_listed(network, tmp_path, compress):
    lines = []
    for minute in range(3):
        stamp = f"2026-11-25T21:{minute:02d}:00+07:00"
        lines += [
            f"TD01-1-{n},{stamp},1,100,{98 + n},229.5,0.44,{1 + minute * 0.1:.1f},{10 + minute / 60:.4f}"
            for n in range(1, 6)
        ]
    lines += [
        "TD01-1-1,2026-11-25T21:03:00+07:00,1,250,100,230,0.4,1.3,10.05",  # level out of range
        "TD09-9-9,2026-11-25T21:03:00+07:00,1,100,100,230,0.4,1.3,10.05",  # unknown lamp
        "TD01-1-2,25/11/2026 21:03,1,100,100,230,0.4,1.3,10.05",  # not ISO 8601
        "TD01-1-3,2026-11-25T21:03:00+07:00,1,100,abc,230,0.4,1.3,10.05",  # not a number
        "TD01-1-4,2026-11-25T21:03:00+07:00",  # cut short
    ]
    result = import_log(log(tmp_path, lines, compress=compress))
    assert result["records"] == 20 and result["refused"] == 5
    reasons = dict(result["examples"])
    assert "level" in reasons[17] and "unknown lamp" in reasons[18] and "ISO 8601" in reasons[19]
    assert "not a number" in reasons[20] and "missing" in reasons[21]
    lamp = Lamp.objects.get(code="TD01-1-2")
    assert lamp.power_w == 100 and lamp.energy_kwh == pytest.approx(1.2) and lamp.is_on
    assert NightEnergy.objects.get(lamp=lamp).energy_kwh == pytest.approx(0.2)


def test_bad_files_are_refused(network, tmp_path):
    with pytest.raises(LogError, match="no such file"):
        import_log(tmp_path / "none.csv")
    wrong = tmp_path / "wrong.csv"
    wrong.write_text("den,luc\nTD01-1-1,21:00\n")
    with pytest.raises(LogError, match="first line"):
        import_log(wrong)


def test_cli(tmp_path):
    """A fresh data dir knows no lamps: the reading is refused, the reason is printed, the exit code says so."""
    from tests.core.test_cli import run_ioc

    path = log(tmp_path, ["TD01-1-1,2026-11-25T21:00:00+07:00,1,100,99,230,0.43,5.0,3.0"])
    done = run_ioc("lighting", "import-telemetry", str(path), data_dir=tmp_path / "data")
    assert done.returncode == 1 and "1 readings, 1 refused" in done.stdout
    assert "line 2: unknown lamp TD01-1-1" in done.stderr
    missing = run_ioc("lighting", "import-telemetry", str(tmp_path / "none.csv"), data_dir=tmp_path / "data")
    assert missing.returncode == 2 and "no such file" in missing.stderr and "Traceback" not in missing.stderr
