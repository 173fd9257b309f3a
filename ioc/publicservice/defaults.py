"""A sample procedure catalogue for the demo (common district/ward procedures; codes in the national format,
for illustration). A city imports its own with `ioc publicservice import-procedures FILE`."""

from django.db import transaction

from ioc.publicservice.indicators import ensure_default_rules
from ioc.publicservice.models import Procedure

# code, name, field, level, agency, working days, fee, online level, online payment
CATALOGUE = [
    ("1.001193", "Đăng ký khai sinh", "Hộ tịch", "Cấp xã", "UBND cấp xã", 1, False, "toan_trinh", False),
    ("1.000894", "Đăng ký kết hôn", "Hộ tịch", "Cấp xã", "UBND cấp xã", 1, False, "mot_phan", False),
    ("1.001022", "Đăng ký khai tử", "Hộ tịch", "Cấp xã", "UBND cấp xã", 1, False, "toan_trinh", False),
    ("1.001776", "Xác nhận tình trạng hôn nhân", "Hộ tịch", "Cấp xã", "UBND cấp xã", 3, True, "toan_trinh", True),
    ("2.000908", "Chứng thực bản sao từ bản chính", "Chứng thực", "Cấp xã", "UBND cấp xã", 1, True, "mot_phan", True),
    (
        "1.003003",
        "Cấp giấy phép xây dựng nhà ở riêng lẻ",
        "Xây dựng",
        "Cấp huyện",
        "Phòng Quản lý đô thị",
        15,
        True,
        "mot_phan",
        True,
    ),
    (
        "1.004227",
        "Đăng ký biến động quyền sử dụng đất",
        "Đất đai",
        "Cấp huyện",
        "Chi nhánh VPĐK đất đai",
        10,
        True,
        "mot_phan",
        True,
    ),
    (
        "1.002335",
        "Cấp Giấy chứng nhận quyền sử dụng đất lần đầu",
        "Đất đai",
        "Cấp huyện",
        "Chi nhánh VPĐK đất đai",
        30,
        True,
        "khong",
        False,
    ),
    (
        "2.000528",
        "Đăng ký thành lập hộ kinh doanh",
        "Thành lập và hoạt động doanh nghiệp",
        "Cấp huyện",
        "Phòng Kinh tế",
        3,
        True,
        "toan_trinh",
        True,
    ),
    (
        "1.000473",
        "Trợ cấp xã hội hằng tháng",
        "Bảo trợ xã hội",
        "Cấp huyện",
        "Phòng Lao động - TB&XH",
        20,
        False,
        "mot_phan",
        False,
    ),
    (
        "1.001612",
        "Cấp giấy phép kinh doanh bán lẻ rượu",
        "Lưu thông hàng hóa",
        "Cấp huyện",
        "Phòng Kinh tế",
        10,
        True,
        "toan_trinh",
        True,
    ),
    (
        "2.001035",
        "Đăng ký thường trú",
        "Đăng ký, quản lý cư trú",
        "Cấp xã",
        "Công an phường",
        7,
        False,
        "toan_trinh",
        False,
    ),
]


@transaction.atomic
def ensure_defaults() -> int:
    ensure_default_rules()
    created = 0
    for code, name, field, level, agency, days, fee, online, payment in CATALOGUE:
        _, made = Procedure.objects.get_or_create(
            code=code,
            defaults={
                "name": name,
                "field": field,
                "level": level,
                "agency": agency,
                "time_limit_days": days,
                "fee": fee,
                "online_level": online,
                "online_payment": payment,
            },
        )
        created += made
    return created
