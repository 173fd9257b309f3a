"""The media report for a day, a week or a month (PDF and XLSX): per keyword set the stories, articles, tone and
harmful posts; the sites that wrote most; the stories that spread most; the harmful posts. Figures come from
aggregate queries (no article is loaded but the listed ones), so a month of 100,000 articles reads in seconds.
A department's report covers its own keyword sets."""

from __future__ import annotations

import io
from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from ioc.core.models import City
from ioc.core.pdf import new_pdf, title
from ioc.core.tabular import append_safe
from ioc.media import selectors
from ioc.media.choices import HarmType, Tone
from ioc.media.models import Article, Mention

PERIODS = {"day": 1, "week": 7, "month": 30}


def report_data(user, period: str) -> dict:
    end = timezone.now()
    start = end - timedelta(days=PERIODS[period])
    sets = list(selectors.visible_sets(user))
    mentions = Mention.objects.filter(keyword_set__in=sets, published_at__gte=start, published_at__lt=end)
    per_set = selectors.set_figures(sets, start, end)
    article_ids = mentions.values("article")
    articles = Article.objects.filter(pk__in=article_ids)
    sites = list(
        articles.values("site")
        .annotate(n=Count("id"), negative=Count("id", filter=Q(tone=Tone.NEGATIVE)))
        .order_by("-n", "site")[:15]
    )
    top = list(
        Article.objects.filter(pk__in=article_ids, duplicate_of__isnull=True)
        .annotate(reach=Count("copies"))
        .order_by("-reach", "-published_at")[:20]
    )
    harmful = list(
        articles.filter(duplicate_of__isnull=True).exclude(harm=HarmType.NONE).order_by("-published_at")[:50]
    )
    return {
        "start": start,
        "end": end,
        "sets": [(s, per_set.get(s.pk, {})) for s in sets],
        "sites": sites,
        "top": top,
        "harmful": harmful,
        "total": articles.count(),
    }


def _share(part, whole) -> str:
    return f"{100 * part / whole:.0f}%" if whole else "—"


def report_pdf(user, period: str) -> bytes:
    data = report_data(user, period)
    city = City.objects.first()
    pdf = new_pdf()
    title(pdf, _("ONLINE MEDIA REPORT") + f"\n{city.name if city else ''}")
    when = _("Period: %(start)s – %(end)s. %(n)s articles.") % {
        "start": f"{timezone.localtime(data['start']):%H:%M %d/%m/%Y}",
        "end": f"{timezone.localtime(data['end']):%H:%M %d/%m/%Y}",
        "n": data["total"],
    }
    pdf.cell(0, 6, when, new_x="LMARGIN", new_y="NEXT", align="C")
    pdf.ln(3)
    title(pdf, _("Keyword sets"), 11)
    with pdf.table(col_widths=(60, 20, 22, 22, 22, 22), text_align=("LEFT", *["RIGHT"] * 5)) as table:
        table.row([_("Keyword set"), _("Stories"), _("Articles"), _("Positive"), _("Negative"), _("Harmful")])
        for keyword_set, row in data["sets"]:
            n = row.get("articles", 0)
            table.row(
                [
                    keyword_set.name,
                    str(row.get("stories", 0)),
                    str(n),
                    _share(row.get("positive", 0), n),
                    _share(row.get("negative", 0), n),
                    str(row.get("harmful", 0)),
                ]
            )
    pdf.ln(3)
    title(pdf, _("Stories that spread most"), 11)
    with pdf.table(col_widths=(22, 100, 40, 18), text_align=("LEFT", "LEFT", "LEFT", "RIGHT")) as table:
        table.row([_("Published on"), _("Title"), _("First source"), _("Copies")])
        for a in data["top"]:
            table.row([f"{timezone.localtime(a.published_at):%d/%m %H:%M}", a.title[:110], a.site, str(a.reach)])
    pdf.ln(3)
    title(pdf, _("Sites"), 11)
    with pdf.table(col_widths=(100, 40, 40), text_align=("LEFT", "RIGHT", "RIGHT")) as table:
        table.row([_("Site"), _("Articles"), _("Negative")])
        for s in data["sites"]:
            table.row([s["site"], str(s["n"]), _share(s["negative"], s["n"])])
    pdf.ln(3)
    title(pdf, _("Harmful posts"), 11)
    with pdf.table(col_widths=(22, 45, 80, 33), text_align="LEFT") as table:
        table.row([_("Published on"), _("Harm"), _("Title"), _("Site")])
        for a in data["harmful"]:
            table.row([f"{timezone.localtime(a.published_at):%d/%m %H:%M}", a.get_harm_display(), a.title[:90], a.site])
    return bytes(pdf.output())


def report_xlsx(user, period: str) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    data = report_data(user, period)
    book = Workbook()
    sheet = book.active
    sheet.title = _("Keyword sets")
    append_safe(sheet, [_("Keyword set"), _("Stories"), _("Articles"), _("Positive"), _("Negative"), _("Harmful")])
    for keyword_set, row in data["sets"]:
        append_safe(
            sheet,
            [
                keyword_set.name,
                row.get("stories", 0),
                row.get("articles", 0),
                row.get("positive", 0),
                row.get("negative", 0),
                row.get("harmful", 0),
            ],
        )
    top = book.create_sheet(_("Top stories")[:31])  # sheet names: at most 31 characters
    append_safe(top, [_("Published on"), _("Title"), _("First source"), _("Copies"), _("Tone"), _("Address")])
    for a in data["top"]:
        published = timezone.localtime(a.published_at).replace(tzinfo=None)
        append_safe(top, [published, a.title, a.site, a.reach, a.get_tone_display(), a.url])
    sites = book.create_sheet(_("Sites"))
    append_safe(sites, [_("Site"), _("Articles"), _("Negative")])
    for s in data["sites"]:
        append_safe(sites, [s["site"], s["n"], s["negative"]])
    harmful = book.create_sheet(_("Harmful posts"))
    append_safe(harmful, [_("Published on"), _("Harm"), _("Title"), _("Site"), _("Address")])
    for a in data["harmful"]:
        published = timezone.localtime(a.published_at).replace(tzinfo=None)
        append_safe(harmful, [published, a.get_harm_display(), a.title, a.site, a.url])
    for ws in book.worksheets:
        for cell in ws[1]:
            cell.font = Font(bold=True)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
