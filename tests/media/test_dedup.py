"""One story, many copies: the same URL is stored once; a republished copy (same title, or the text with its own
header and footer) points to the first article; another story on the same topic stays its own."""

from datetime import timedelta

from django.utils import timezone

from ioc.media.choices import ArticleVia
from ioc.media.models import Article
from ioc.media.services import ingest_article

TEXT = (
    "Mưa lớn kéo dài từ đêm 19/11 đã gây sạt lở đất đá tại nhiều điểm thuộc phường Đoàn Kết, thành phố Lai Châu. "
    "Khoảng 40 khối đất đá tràn xuống mặt đường, giao thông qua khu vực bị ách tắc nhiều giờ liền. "
    "Lực lượng chức năng đã huy động máy xúc khắc phục, cắm biển cảnh báo và phân luồng cho người dân. "
    "Không có thiệt hại về người; sáu hộ dân đã được di dời đến nơi an toàn."
)
OTHER = (
    "Chiều 22/11, dông lốc kèm mưa đá làm tốc mái 12 ngôi nhà tại xã San Thàng, thành phố Lai Châu. "
    "Chính quyền xã đã cử cán bộ đến thăm hỏi, hỗ trợ các gia đình bị thiệt hại khắc phục hậu quả. "
    "Ngành nông nghiệp đang thống kê diện tích hoa màu bị ảnh hưởng để đề xuất hỗ trợ giống."
)


def add(url, title, text, hours=0):
    return ingest_article(
        url=url, title=title, text=text, published_at=timezone.now() - timedelta(hours=hours), via=ArticleVia.FEED
    )


def test_copies_point_to_the_first_article_and_count_as_its_reach(db):
    first = add("https://baolaichau.vn/tin/sat-lo.html?utm_source=facebook", "Mưa lớn gây sạt lở ở Đoàn Kết", TEXT, 5)
    again = add("http://www.baolaichau.vn/tin/sat-lo.html/", "Mưa lớn gây sạt lở ở Đoàn Kết", TEXT, 5)
    assert first.created and not again.created and again.article == first.article  # the same URL: nothing new
    same_title = add(
        "https://dantri.com.vn/xa-hoi/sat-lo-lai-chau.htm", "Mưa lớn gây sạt lở ở Đoàn Kết | Báo Dân trí", TEXT, 3
    )
    republished = add(
        "https://facebook.com/groups/laichau24h/posts/1",
        "Sạt lở ở Lai Châu, mọi người chú ý",
        f"Chia sẻ từ báo tỉnh: {TEXT} Mọi người đi lại cẩn thận nhé!",
        1,
    )
    other = add("https://laichau.gov.vn/tin/dong-loc.html", "Dông lốc tốc mái nhà dân ở San Thàng", OTHER, 2)
    assert same_title.article.duplicate_of == first.article and same_title.article.duplicate_level == "title"
    assert republished.article.duplicate_of == first.article and republished.article.duplicate_level == "text"
    assert other.article.duplicate_of is None
    assert Article.objects.filter(duplicate_of=first.article).count() == 2


def test_a_recurring_headline_over_another_text_is_another_story(db):
    first = add("https://laichau.gov.vn/tin/1.html", "Lai Châu chủ động phòng chống sốt xuất huyết", TEXT, 30)
    second = add("https://laichau.gov.vn/tin/2.html", "Lai Châu chủ động phòng chống sốt xuất huyết", OTHER, 1)
    assert first.article.duplicate_of is None and second.article.duplicate_of is None


def test_a_date_in_the_future_is_not_believed(db):
    result = ingest_article(
        url="https://baolaichau.vn/su-kien.html",
        title="Lễ hội sẽ diễn ra năm sau",
        text=OTHER,
        published_at=timezone.now() + timedelta(days=200),
        via=ArticleVia.FEED,
    )
    assert result.article.published_at <= timezone.now()
