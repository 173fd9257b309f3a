"""The leaders' briefing PDF on a city's data (issue #14: the daily one in < 5 s), with its pages rendered to PNG.

    IOC_DATA_DIR=<a demo's data dir> python benchmarks/briefing.py [--out DIR]

Prints, per period, the seconds to build the briefing and to write its PDF, the PDF's size and pages, and where the
rendered pages are (pdftoppm from poppler-utils) for a person to look at.
"""

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--out", default=None, help="where the PDFs and page images go (default: a new temp dir)")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "ioc.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.utils import translation

    from ioc.core.models import City, Role
    from ioc.dashboard import briefing

    translation.activate("vi")
    leader = get_user_model().objects.filter(profile__role=Role.LEADER).first()
    city = City.objects.first()
    out = Path(args.out or tempfile.mkdtemp(prefix="ioc-briefing-"))
    out.mkdir(parents=True, exist_ok=True)
    for period in briefing.PERIODS:
        started = time.perf_counter()
        report = briefing.build(leader, period)
        built = time.perf_counter()
        data = briefing.pdf_bytes(report, city.name if city else "")
        written = time.perf_counter()
        pdf = out / f"{period}.pdf"
        pdf.write_bytes(data)
        subprocess.run(["pdftoppm", "-png", "-r", "60", str(pdf), str(out / period)], check=True)
        pages = sorted(out.glob(f"{period}-*.png"))
        names = ", ".join(p.name for p in pages)
        print(
            f"{period:6s} build {built - started:5.2f} s   pdf {written - built:5.2f} s"
            f"   total {written - started:5.2f} s   {len(data) / 1024:6.1f} KiB, {len(pages)} page(s) in {out}: {names}"
        )


if __name__ == "__main__":
    main()
