# ruff: noqa: E501 (prose: Vietnamese sentences read better unbroken)
"""Demo articles and posts about Lai Châu (written for the project, not copied from any paper): a month of stories on
the province's paper and portal, national papers and social groups republishing some of them (copies, counted as
reach), then a new story every few minutes. Everything goes through the real ingest (dedup, keyword matching)."""

from __future__ import annotations

import logging
import random
from datetime import datetime, timedelta
from threading import Event

from django.db import close_old_connections
from django.utils import timezone

from ioc.media.choices import ArticleVia
from ioc.media.models import Article
from ioc.media.services import _matchers, ingest_article

log = logging.getLogger(__name__)
MEAN_SECONDS_BETWEEN_STORIES = 240
PLACES = ["phường Đoàn Kết", "phường Tân Phong", "phường Quyết Thắng", "xã San Thàng", "xã Sùng Phài"]
ROADS = ["đường Trần Hưng Đạo", "đường Võ Nguyên Giáp", "Quốc lộ 4D", "đường 30/4", "đường Lê Duẩn"]
FIRST_SITES = ["baolaichau.vn", "laichau.gov.vn", "laichautv.vn"]
COPY_SITES = [
    ("vnexpress.net", " - VnExpress"),
    ("dantri.com.vn", " | Báo Dân trí"),
    ("tuoitre.vn", " - Tuổi Trẻ Online"),
    ("facebook.com/groups/laichau24h", ""),
]
PEOPLE = ["Nguyễn Văn Hùng", "Lò Thị Mai", "Tẩn Láo Sử", "Phạm Thu Hà", "Vàng A Dế", "Lê Minh Tuấn", "Giàng Thị Dua"]
# topic: (titles, leads, body sentences); {place}, {road}, {n}, {day}, {person}, {age} are filled in
STORIES = {
    "rain": (
        [
            "Mưa lớn gây sạt lở tại {place}, thành phố Lai Châu",
            "Sạt lở đất đá trên {road} sau trận mưa lớn đêm {day}",
            "Lai Châu: khắc phục hậu quả mưa lũ tại {place}",
        ],
        [
            "Mưa lớn kéo dài từ đêm {day} đã gây sạt lở đất đá tại nhiều điểm thuộc {place}, thành phố Lai Châu.",
            "Trận mưa lớn kèm dông lốc chiều {day} khiến một đoạn taluy dương trên {road} bị sạt lở.",
            "Sau {n} giờ mưa liên tục, nhiều tuyến đường nội thị thành phố Lai Châu bị ngập úng cục bộ.",
        ],
        [
            "Khoảng {n} khối đất đá tràn xuống mặt đường, giao thông qua khu vực bị ách tắc nhiều giờ.",
            "Lực lượng chức năng đã huy động máy xúc khắc phục, cắm biển cảnh báo và phân luồng cho người dân.",
            "Ban Chỉ huy phòng chống thiên tai tỉnh đề nghị người dân không đi qua các điểm có nguy cơ sạt lở.",
            "Không có thiệt hại về người; {n} hộ dân đã được di dời đến nơi an toàn.",
            "Theo trạm khí tượng, lượng mưa đo được trong đêm lên tới {n}0 mm, cao nhất từ đầu năm.",
            "Bà {person}, {age} tuổi, cho biết nước dâng nhanh, gia đình phải kê đồ đạc lên cao trong đêm.",
            "Công an phường đã cử cán bộ trực tại các điểm nguy hiểm, hướng dẫn người dân di chuyển.",
            "Thành phố chỉ đạo các phường, xã rà soát khu dân cư ven suối, sườn đồi có nguy cơ lũ quét.",
        ],
    ),
    "traffic": (
        [
            "Tai nạn giao thông trên {road}, một người bị thương",
            "Va chạm giữa xe máy và ô tô tải tại nút giao {road}",
            "Ùn tắc kéo dài trên {road} giờ cao điểm sáng {day}",
        ],
        [
            "Khoảng {n} giờ sáng {day}, trên {road} thuộc thành phố Lai Châu đã xảy ra vụ va chạm giữa xe máy và ô tô.",
            "Chiều {day}, giao thông trên {road} ùn ứ kéo dài do lượng phương tiện tăng đột biến.",
            "Một vụ tai nạn giao thông nghiêm trọng đã xảy ra tối {day} tại khu vực {place}.",
        ],
        [
            "Người điều khiển xe máy bị thương và được đưa đến Bệnh viện Đa khoa tỉnh cấp cứu.",
            "Cảnh sát giao thông đã có mặt đo đạc hiện trường, điều tra nguyên nhân vụ việc.",
            "Đoạn đường này thường xuyên xảy ra ùn tắc vào giờ cao điểm do lượng phương tiện lớn.",
            "Ông {person}, người chứng kiến, cho biết chiếc xe máy đi với tốc độ cao trước khi va chạm.",
            "Đèn tín hiệu tại nút giao bị hỏng từ {n} ngày trước nhưng chưa được sửa chữa.",
            "Người dân kiến nghị lắp thêm biển cảnh báo và gờ giảm tốc tại đoạn đường cong.",
            "Lực lượng chức năng phân luồng, đến khoảng {n} phút sau giao thông mới trở lại bình thường.",
        ],
    ),
    "order": (
        [
            "Thành phố Lai Châu ra quân lập lại trật tự đô thị, xử lý lấn chiếm vỉa hè",
            "Xử lý {n} trường hợp lấn chiếm vỉa hè trên {road}",
            "{place} trả lại vỉa hè cho người đi bộ",
        ],
        [
            "UBND thành phố Lai Châu vừa tổ chức ra quân lập lại trật tự đô thị trên {road} và các tuyến phố trung tâm.",
            "Đội quản lý trật tự đô thị thành phố ngày {day} đã kiểm tra các hộ kinh doanh tại {place}.",
            "Tình trạng lấn chiếm vỉa hè, lòng đường tại {place} đã được chấn chỉnh sau đợt kiểm tra.",
        ],
        [
            "Tổ công tác đã nhắc nhở {n} hộ kinh doanh lấn chiếm vỉa hè, lập biên bản các trường hợp tái phạm.",
            "Đợt ra quân kéo dài đến hết tháng, tập trung vào các khu vực chợ và trường học.",
            "Người dân đồng tình với việc trả lại vỉa hè cho người đi bộ.",
            "Một số hộ cho rằng cần bố trí điểm đỗ xe hợp lý để việc kinh doanh không bị ảnh hưởng.",
            "Bà {person}, chủ một cửa hàng tạp hóa, đã tự giác thu dọn hàng hóa vào trong nhà.",
            "Thành phố giao công an phường phối hợp kiểm tra thường xuyên, không để tái diễn.",
            "Các biển quảng cáo sai quy định cũng được yêu cầu tháo dỡ trước ngày {day}.",
        ],
    ),
    "service": (
        [
            "Lai Châu đẩy mạnh dịch vụ công trực tuyến, giảm thời gian giải quyết thủ tục hành chính",
            "Bộ phận một cửa thành phố Lai Châu tiếp nhận {n} hồ sơ trong tuần",
            "Người dân {place} làm thủ tục hành chính trên điện thoại",
        ],
        [
            "Tỷ lệ hồ sơ dịch vụ công trực tuyến toàn trình của tỉnh Lai Châu tiếp tục tăng trong tháng qua.",
            "Bộ phận một cửa thành phố Lai Châu ghi nhận số hồ sơ nộp trực tuyến tăng mạnh trong tuần đến ngày {day}.",
            "Nhiều người dân tại {place} đã quen với việc nộp hồ sơ qua Cổng dịch vụ công quốc gia.",
        ],
        [
            "Bộ phận một cửa đã tiếp nhận {n} hồ sơ, phần lớn được giải quyết trước hạn.",
            "Người dân có thể nộp hồ sơ, thanh toán phí và nhận kết quả mà không phải đến trụ sở.",
            "Tỉnh tiếp tục rà soát, cắt giảm các thủ tục hành chính còn rườm rà.",
            "Ông {person}, {age} tuổi, cho biết chỉ mất {n} phút để đăng ký khai sinh cho con qua mạng.",
            "Tổ công nghệ số cộng đồng hỗ trợ người cao tuổi cài đặt ứng dụng định danh điện tử.",
            "Một số thủ tục về đất đai vẫn còn chậm do phải xác minh nguồn gốc sử dụng đất.",
            "Cán bộ một cửa được tập huấn kỹ năng hướng dẫn người dân sử dụng dịch vụ công trực tuyến.",
        ],
    ),
    "leader": (
        [
            "Chủ tịch UBND tỉnh Lai Châu kiểm tra tiến độ các công trình trọng điểm",
            "Phó Chủ tịch UBND tỉnh làm việc với thành phố Lai Châu về giải phóng mặt bằng",
            "Chủ tịch UBND tỉnh Lai Châu tiếp công dân định kỳ tháng {month}",
        ],
        [
            "Ngày {day}, Chủ tịch UBND tỉnh Lai Châu đã đi kiểm tra tiến độ thi công một số công trình trọng điểm.",
            "Sáng {day}, đoàn công tác của UBND tỉnh do Phó Chủ tịch UBND tỉnh dẫn đầu đã làm việc tại {place}.",
            "Tại buổi tiếp công dân ngày {day}, Chủ tịch UBND tỉnh Lai Châu đã nghe {n} ý kiến phản ánh của người dân.",
        ],
        [
            "Tại {road}, đồng chí yêu cầu nhà thầu tăng cường nhân lực, bảo đảm chất lượng và an toàn lao động.",
            "Các sở, ngành được giao tháo gỡ vướng mắc về giải phóng mặt bằng trong tháng.",
            "Công trình dự kiến hoàn thành, đưa vào sử dụng trước Tết Nguyên đán.",
            "Ông {person}, đại diện các hộ dân, kiến nghị sớm chi trả tiền bồi thường.",
            "Lãnh đạo tỉnh đề nghị thành phố công khai phương án tái định cư để người dân giám sát.",
            "Các kiến nghị được giao cho cơ quan chuyên môn trả lời bằng văn bản trong {n} ngày làm việc.",
            "Đoàn công tác cũng kiểm tra công tác vệ sinh môi trường tại khu dân cư mới.",
        ],
    ),
    "tourism": (
        [
            "Thành phố Lai Châu đón {n} nghìn lượt khách du lịch trong dịp cuối tuần",
            "Du lịch cộng đồng ở {place} hút khách",
            "Lai Châu quảng bá sản phẩm du lịch mùa hoa",
        ],
        [
            "Nhờ thời tiết thuận lợi, thành phố Lai Châu đón lượng lớn du khách đến tham quan trong dịp cuối tuần.",
            "Những ngày này, các bản du lịch cộng đồng tại {place} luôn tấp nập du khách.",
            "Mùa hoa năm nay, tỉnh Lai Châu tổ chức nhiều hoạt động văn hóa, thể thao thu hút du khách.",
        ],
        [
            "Các điểm du lịch cộng đồng thu hút nhiều du khách nhờ cảnh quan và văn hóa đặc sắc.",
            "Các cơ sở lưu trú đạt công suất cao, dịch vụ ăn uống được du khách đánh giá tốt.",
            "Ngành du lịch tỉnh tiếp tục quảng bá sản phẩm du lịch gắn với bản sắc các dân tộc.",
            "Chị {person}, du khách đến từ Hà Nội, cho biết rất ấn tượng với món ăn truyền thống của người Dao.",
            "Doanh thu từ du lịch trong tháng ước đạt {n} tỷ đồng, tăng so với cùng kỳ.",
            "Một số homestay được hỗ trợ nâng cấp nhà vệ sinh, khu đón tiếp theo tiêu chuẩn.",
        ],
    ),
    "scam": (
        [
            "Cảnh báo trang mạo danh cơ quan nhà nước tỉnh Lai Châu lừa đảo người dân",
            "Công an thành phố Lai Châu cảnh báo thủ đoạn lừa đảo qua đường link giả",
            "Người dân {place} mất tiền vì cài ứng dụng giả mạo",
        ],
        [
            "Công an tỉnh Lai Châu cảnh báo xuất hiện tài khoản mạng xã hội mạo danh cơ quan nhà nước để lừa đảo.",
            "Thời gian gần đây, nhiều người dân tại {place} nhận được tin nhắn giả danh cán bộ thuế yêu cầu cài ứng dụng.",
            "Ngày {day}, Công an thành phố Lai Châu tiếp nhận trình báo của một người dân bị lừa chuyển tiền.",
        ],
        [
            "Các đối tượng gửi đường link giả yêu cầu người dân cập nhật thông tin định danh và tài khoản ngân hàng.",
            "Đã có {n} trường hợp trình báo bị mất tiền sau khi truy cập đường link lạ.",
            "Người dân tuyệt đối không cung cấp mã OTP và báo ngay cho cơ quan công an khi phát hiện dấu hiệu lừa đảo.",
            "Bà {person}, {age} tuổi, bị chiếm đoạt {n} triệu đồng sau khi làm theo hướng dẫn qua điện thoại.",
            "Cơ quan công an đang phối hợp với ngân hàng phong tỏa tài khoản nhận tiền.",
            "Các trang giả mạo sử dụng hình ảnh, biểu trưng của cơ quan nhà nước để tạo lòng tin.",
        ],
    ),
    "health": (
        [
            "Bệnh viện Đa khoa tỉnh Lai Châu triển khai khám chữa bệnh bằng căn cước công dân",
            "Trạm y tế {place} tiêm chủng cho {n} trẻ em",
            "Lai Châu chủ động phòng chống sốt xuất huyết",
        ],
        [
            "Từ tháng này, người bệnh tại Bệnh viện Đa khoa tỉnh có thể dùng căn cước công dân thay thẻ bảo hiểm y tế.",
            "Ngày {day}, trạm y tế {place} tổ chức tiêm chủng mở rộng cho trẻ em trong độ tuổi.",
            "Ngành y tế tỉnh Lai Châu khuyến cáo người dân chủ động diệt lăng quăng, bọ gậy.",
        ],
        [
            "Thời gian làm thủ tục tiếp đón giảm đáng kể, mỗi ngày bệnh viện tiếp nhận khoảng {n}0 lượt khám.",
            "Bệnh viện bố trí nhân viên hướng dẫn người cao tuổi và đồng bào dân tộc thiểu số.",
            "Chị {person} cho biết con được khám sàng lọc kỹ trước khi tiêm.",
            "Các hộ gia đình được phát tờ rơi hướng dẫn phòng bệnh bằng tiếng Việt và tiếng Mông.",
            "Đến nay chưa ghi nhận ca bệnh nặng trên địa bàn thành phố.",
            "Ngành y tế đề nghị các phường, xã tổ chức tổng vệ sinh môi trường vào cuối tuần.",
        ],
    ),
}


# Sentences put together from parts, so two stories on one topic do not read alike (as two real ones would not).
SUBJECTS = [
    "Lãnh đạo {place}",
    "Ông {person}, trưởng bản,",
    "Đại diện Phòng Quản lý đô thị",
    "Bà {person}, người dân sống gần đó,",
    "Một cán bộ công an phường",
    "Chủ tịch UBND {place}",
    "Phóng viên có mặt lúc {n} giờ",
    "Nhiều hộ kinh doanh trên {road}",
]
ACTIONS = [
    "cho biết đã báo cáo sự việc lên cấp trên",
    "đề nghị các cơ quan chức năng sớm vào cuộc",
    "ghi nhận {n} ý kiến khác nhau của người dân",
    "kiến nghị bổ sung kinh phí cho năm tới",
    "nhận thấy tình hình đã ổn định trở lại",
    "khẳng định sẽ kiểm tra, xử lý nghiêm nếu có sai phạm",
    "lo ngại sự việc có thể tái diễn vào mùa mưa",
    "phối hợp với đoàn thanh niên hỗ trợ bà con",
]
TAILS = [
    "trong tuần tới.",
    "ngay trong ngày {day}.",
    "tại buổi làm việc chiều {day}.",
    "khi trao đổi với phóng viên.",
    "theo kế hoạch đã được phê duyệt.",
    "trước khi kết thúc tháng {n}.",
    "cùng với các hộ dân lân cận.",
]


def _detail(rng: random.Random, at: datetime) -> str:
    return _fill(f"{rng.choice(SUBJECTS)} {rng.choice(ACTIONS)} {rng.choice(TAILS)}", rng, at)


# Harmful posts seen in local groups (written for the project, after the kinds the Anti-Fake-News Center handles):
# a small share of what the simulator publishes, so the demo's harmful-post alerts are rare, as they should be.
RUMOURS = [
    (
        "Khẩn: đập thủy điện đầu nguồn đã vỡ",
        "Khẩn cấp: đập thủy điện đầu nguồn đã vỡ, nước sẽ tràn vào thành phố Lai Châu trong đêm nay, mọi người sơ tán ngay, chia sẻ gấp!",
    ),
    (
        "Nhận hỗ trợ 2 triệu từ UBND tỉnh",
        "UBND tỉnh Lai Châu phát tiền hỗ trợ hai triệu đồng cho mỗi hộ, bấm vào link để đăng ký nhận ngay kẻo hết hạn!",
    ),
    (
        "Tiền cứu trợ bị chia nhau hết",
        "Tiền cứu trợ lũ lụt ở thành phố Lai Châu đã bị cán bộ chia nhau hết, người dân không nhận được đồng nào, ai cũng biết!",
    ),
    (
        "Cán bộ công an gọi điện yêu cầu chuyển tiền",
        "Tôi là cán bộ công an thành phố Lai Châu, yêu cầu anh chị chuyển tiền vào tài khoản an toàn để phục vụ điều tra.",
    ),
]


def _fill(text: str, rng: random.Random, at: datetime) -> str:
    return text.format(
        place=rng.choice(PLACES),
        road=rng.choice(ROADS),
        n=rng.randint(3, 60),
        day=f"{at.day:02d}/{at.month:02d}",
        month=at.month,
        person=rng.choice(PEOPLE),
        age=rng.randint(25, 75),
    )


def story(rng: random.Random, at: datetime, number: int) -> list[dict]:
    """One story: its first article, then the copies other sites and groups made of it (0–3); one in forty is a
    harmful post in a local group instead."""
    if rng.random() < 0.025:
        title, text = rng.choice(RUMOURS)
        return [
            {
                "url": f"https://facebook.com/groups/laichau24h/posts/{number}",
                "title": title,
                "text": text,
                "published_at": at,
            }
        ]
    topic = rng.choice(sorted(STORIES))
    titles, leads, body = STORIES[topic]
    local = random.Random(rng.random())
    title = _fill(rng.choice(titles), local, at)
    title = title[:1].upper() + title[1:]
    sentences = [_fill(rng.choice(leads), local, at)] + [_fill(s, local, at) for s in rng.sample(body, k=2)]
    sentences[2:2] = [_detail(local, at) for _ in range(3)]
    text = " ".join(sentences)
    first = rng.choice(FIRST_SITES)
    slug = f"{topic}-{number}"
    articles = [{"url": f"https://{first}/tin-tuc/{slug}.html", "title": title, "text": text, "published_at": at}]
    for site, tail in rng.sample(COPY_SITES, k=rng.choice([0, 0, 1, 1, 2, 3])):
        later = at + timedelta(minutes=rng.randint(20, 600))
        if site.startswith("facebook.com"):
            articles.append(
                {
                    "url": f"https://{site}/posts/{number}{rng.randint(100, 999)}",
                    "title": title,
                    "text": f"Chia sẻ: {text} Mọi người chú ý nhé!",
                    "published_at": later,
                }
            )
        else:
            articles.append(
                {
                    "url": f"https://{site}/{slug}-{rng.randint(1000, 9999)}.htm",
                    "title": title + tail,
                    "text": f"(Theo {first}) {text}",
                    "published_at": later,
                }
            )
    return articles


def publish(rng: random.Random, start: datetime, end: datetime, count: int, first_number: int) -> int:
    matchers = _matchers()
    stored = 0
    span = (end - start).total_seconds()
    for k in range(count):
        at = start + timedelta(seconds=rng.random() * span)
        for item in story(rng, at, first_number + k):
            if item["published_at"] > timezone.now():
                continue
            stored += ingest_article(via=ArticleVia.SIMULATED, matchers=matchers, **item).created
    return stored


def run(stop: Event, *, seed: int | None = None, mean_seconds: float = MEAN_SECONDS_BETWEEN_STORIES) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    if not Article.objects.exists():
        log.info("simulated %s articles for the past month", publish(rng, now - timedelta(days=30), now, 400, 1))
    number = 100_000 + rng.randint(0, 800_000)
    while not stop.wait(rng.expovariate(1 / mean_seconds)):
        try:
            number += 1
            publish(rng, timezone.now() - timedelta(minutes=5), timezone.now(), 1, number)
        finally:
            close_old_connections()
