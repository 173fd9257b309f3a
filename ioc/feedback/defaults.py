"""The default report categories for a Vietnamese city, with their questions (all six Open311 datatypes).

Created by the demo when missing; a city edits them in the admin (department, deadline, radius, questions).
"""

from django.db import transaction

from ioc.core.models import Department
from ioc.core.selectors import routed_department
from ioc.feedback.models import Category, CategoryAttribute

YES_NO = [{"key": "co", "name": "Có"}, {"key": "khong", "name": "Không"}]

# code, name, English name, group, police, urgent, working days, radius m, questions.
# The department each goes to is the city's choice: `routing.feedback` in the city profile.
CATEGORIES = [
    (
        "den-duong",
        "Đèn chiếu sáng công cộng hỏng",
        "Broken street light",
        "Hạ tầng",
        False,
        False,
        3,
        50,
        [
            ("so_den", "number", "Số bóng đèn hỏng", False, []),
            (
                "tinh_trang",
                "singlevaluelist",
                "Tình trạng đèn",
                True,
                [
                    {"key": "tat", "name": "Tắt hẳn"},
                    {"key": "nhap-nhay", "name": "Nhấp nháy"},
                    {"key": "sang-ban-ngay", "name": "Sáng cả ban ngày"},
                ],
            ),
        ],
    ),
    (
        "duong-hu-hong",
        "Đường, cầu, cống hư hỏng",
        "Damaged road, bridge or drain",
        "Hạ tầng",
        False,
        False,
        3,
        80,
        [
            ("kich_thuoc", "string", "Kích thước ước tính (ví dụ 1m x 2m)", False, []),
            ("nguy_hiem", "singlevaluelist", "Có nguy hiểm cho người đi đường?", True, YES_NO),
        ],
    ),
    (
        "lan-chiem",
        "Lấn chiếm vỉa hè, lòng đường",
        "Pavement encroachment",
        "Trật tự đô thị",
        True,
        False,
        3,
        50,
        [
            (
                "loai",
                "multivaluelist",
                "Lấn chiếm bằng gì?",
                False,
                [
                    {"key": "ban-hang", "name": "Bán hàng"},
                    {"key": "xe", "name": "Để xe"},
                    {"key": "vat-lieu", "name": "Vật liệu xây dựng"},
                    {"key": "bien-quang-cao", "name": "Biển quảng cáo"},
                ],
            )
        ],
    ),
    (
        "rac-thai",
        "Rác thải, vệ sinh môi trường",
        "Rubbish and sanitation",
        "Môi trường",
        False,
        False,
        3,
        100,
        [
            (
                "khoi_luong",
                "singlevaluelist",
                "Lượng rác",
                False,
                [
                    {"key": "it", "name": "Ít"},
                    {"key": "nhieu", "name": "Nhiều"},
                    {"key": "rat-nhieu", "name": "Rất nhiều, tồn đọng lâu ngày"},
                ],
            )
        ],
    ),
    (
        "sat-lo",
        "Sạt lở đất, đá",
        "Landslide",
        "Thiên tai",
        False,
        True,
        1,
        300,
        [
            ("thoi_diem", "datetime", "Thời điểm xảy ra", False, []),
            ("chan_duong", "singlevaluelist", "Có chắn đường không?", True, YES_NO),
        ],
    ),
    (
        "an-ninh",
        "An ninh, trật tự",
        "Security and public order",
        "An ninh",
        True,
        True,
        1,
        200,
        [("chi_tiet", "text", "Mô tả thêm (số người, phương tiện…)", False, [])],
    ),
    ("cay-xanh", "Cây xanh gãy, đổ", "Fallen or dangerous tree", "Hạ tầng", False, False, 3, 50, []),
    (
        "nuoc",
        "Cấp nước, thoát nước, ngập úng",
        "Water supply, drainage, flooding",
        "Hạ tầng",
        False,
        False,
        3,
        150,
        [],
    ),
    ("khac", "Vấn đề khác", "Other", "Khác", False, False, 15, 50, []),
]


@transaction.atomic
def ensure_default_categories() -> int:
    """Create the default categories that are missing (existing ones are left as the city edited them)."""
    created = 0
    for order, (code, name, name_en, group, police, urgent, days, radius, questions) in enumerate(CATEGORIES):
        department = routed_department("feedback", code) or Department.objects.first()
        if department is None or Category.objects.filter(code=code).exists():
            continue
        category = Category.objects.create(
            code=code,
            name=name,
            name_en=name_en,
            group=group,
            department=department,
            also_police=police,
            urgent=urgent,
            deadline_days=days,
            duplicate_radius_m=radius,
            order=order,
            keywords=name_en.lower(),
        )
        for i, (qcode, datatype, text, required, values) in enumerate(questions):
            CategoryAttribute.objects.create(
                category=category,
                code=qcode,
                datatype=datatype,
                description=text,
                required=required,
                order=i + 1,
                values=values,
            )
        created += 1
    return created
