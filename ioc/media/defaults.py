"""Lai Châu's media sources and the keyword sets an IOC starts with (the city edits both in the admin).

The sources are the provincial paper, the province's portal and its radio-television station, read through their
sitemaps; they start disabled: the demo runs without the internet, and a city confirms each address (and that the
server reaches it) before switching it on."""

from django.db import transaction

from ioc.media.choices import SetKind, SourceKind
from ioc.media.models import KeywordSet, Source
from ioc.media.services import save_keyword_set

SOURCES = [
    ("Báo Lai Châu", SourceKind.SITEMAP, "https://baolaichau.vn/sitemap.xml"),
    ("Cổng thông tin điện tử tỉnh Lai Châu", SourceKind.SITEMAP, "https://laichau.gov.vn/sitemap.xml"),
    ("Đài Phát thanh - Truyền hình Lai Châu", SourceKind.SITEMAP, "https://laichautv.vn/sitemap.xml"),
]

# name, kind, terms (aliases), exclusions, query
KEYWORD_SETS = [
    (
        "Thành phố Lai Châu",
        SetKind.AGENCY,
        "thành phố Lai Châu\nTP Lai Châu\nTP. Lai Châu\nUBND thành phố Lai Châu",
        "xổ số",
        "",
    ),
    (
        "Lãnh đạo UBND tỉnh",
        SetKind.LEADER,
        "Chủ tịch UBND tỉnh Lai Châu\nChủ tịch Ủy ban nhân dân tỉnh Lai Châu\nPhó Chủ tịch UBND tỉnh",
        "",
        "",
    ),
    ("Phường Đoàn Kết", SetKind.AGENCY, "phường Đoàn Kết", "", ""),
    ("Thiên tai, sạt lở", SetKind.TOPIC, "sạt lở\nlũ quét\nlũ ống\nmưa lớn\nngập úng", "", '"Lai Châu"'),
    (
        "Giao thông, trật tự đô thị",
        SetKind.TOPIC,
        "tai nạn giao thông\nùn tắc\nlấn chiếm vỉa hè\ntrật tự đô thị\nđèn tín hiệu",
        "",
        '"Lai Châu"',
    ),
    ("Dịch vụ công, thủ tục hành chính", SetKind.TOPIC, "dịch vụ công\nthủ tục hành chính\nbộ phận một cửa", "", ""),
]


@transaction.atomic
def ensure_defaults() -> int:
    created = 0
    for name, kind, url in SOURCES:
        _, made = Source.objects.get_or_create(url=url, defaults={"name": name, "kind": kind, "enabled": False})
        created += made
    for name, kind, terms, exclude, query in KEYWORD_SETS:
        if not KeywordSet.objects.filter(name=name).exists():
            save_keyword_set(None, KeywordSet(name=name, kind=kind, terms=terms, exclude=exclude, query=query))
            created += 1
    return created
