"""Imports of other tools' exports: the columns found through a versioned mapping (an export whose columns were
renamed still comes in), bad lines refused with their reason, a file no mapping fits refused whole, the same file
twice adds nothing, and authors kept only as a code."""

import io
import json

from django.core.files.uploadedfile import SimpleUploadedFile

from ioc.core.models import AuditLog
from ioc.media.models import Article
from tests.media.test_dedup import OTHER, TEXT


def csv_file(header, rows):
    lines = [",".join(header)] + [",".join(f'"{c}"' for c in row) for row in rows]
    return SimpleUploadedFile("xuat.csv", "\n".join(lines).encode("utf-8"), "text/csv")


def test_an_export_with_renamed_columns_comes_in_under_its_new_version(users, client_for):
    officer = client_for(users["operator"])
    v2 = ["Đường dẫn", "Tiêu đề", "Nội dung bài", "Thời gian đăng", "Người đăng"]
    rows = [
        ["https://facebook.com/groups/laichau/posts/1", "Sạt lở ở Đoàn Kết", TEXT, "20/11/2026 08:30", "Nguyễn Văn A"],
        ["https://baolaichau.vn/dong-loc.html", "Dông lốc ở San Thàng", OTHER, "2026-11-21T09:00:00+07:00", "Báo"],
        ["khong-phai-link", "Bài lỗi", OTHER, "20/11/2026", "B"],
        ["https://baolaichau.vn/x.html", "Ngày sai", OTHER, "hôm qua", "C"],
    ]
    page = officer.post("/dashboard/media/import/", {"file": csv_file(v2, rows)}).content.decode()
    assert "social-listening (vi) v2" in page and "2 mới" in page
    assert "no web address" in page or "không có địa chỉ web" in page
    assert "“hôm qua”" in page  # the line and why
    first = Article.objects.get(url="https://facebook.com/groups/laichau/posts/1")
    assert first.author_hash and "Nguyễn" not in first.author_hash
    assert first.published_at.strftime("%d/%m/%Y") == "20/11/2026"
    # The same file again: nothing new.
    again = officer.post("/dashboard/media/import/", {"file": csv_file(v2, rows)}).content.decode()
    assert "0 mới, 2 đã có" in again and Article.objects.count() == 2
    assert AuditLog.objects.filter(action="media.import").count() == 2


def test_json_and_the_same_author_gives_the_same_code(users, client_for):
    items = [
        {
            "url": f"https://zalo.me/post/{k}",
            "title": f"Bài {k}",
            "text": TEXT if k else OTHER,
            "published_at": "2026-11-20 10:00",
            "author": "  Lò Thị Mai ",
        }
        for k in range(2)
    ]
    upload = SimpleUploadedFile("xuat.json", json.dumps({"items": items}).encode(), "application/json")
    client_for(users["operator"]).post("/dashboard/media/import/", {"file": upload})
    hashes = set(Article.objects.values_list("author_hash", flat=True))
    assert len(hashes) == 1 and "" not in hashes


def test_a_file_no_mapping_fits_is_refused_whole(users, client_for):
    upload = csv_file(["link", "noi_dung"], [["https://a.vn/1", "x"]])
    response = client_for(users["operator"]).post("/dashboard/media/import/", {"file": upload})
    assert response.status_code == 400 and "Đường dẫn" in response.content.decode()  # the expected columns
    assert Article.objects.count() == 0
    wrong = SimpleUploadedFile("a.exe", b"MZ", "application/octet-stream")
    assert client_for(users["operator"]).post("/dashboard/media/import/", {"file": wrong}).status_code == 400
    assert client_for(users["department_officer"]).get("/dashboard/media/import/").status_code == 403


def test_broken_json_is_refused_with_a_reason(users, client_for):
    upload = SimpleUploadedFile("x.json", io.BytesIO(b'[{"url": ').read(), "application/json")
    page = client_for(users["operator"]).post("/dashboard/media/import/", {"file": upload}).content.decode()
    assert "JSON" in page and Article.objects.count() == 0
