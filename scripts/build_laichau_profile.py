"""Build ioc/core/profiles/laichau/profile.geojson from the city outline (run by hand when the inputs change).

No open-licensed ward polygons exist for Lai Châu, so the outline is split into Voronoi cells around
approximate ward centres; every derived shape is marked approximate. The 2025 wards are unions of the
old units that merged into them (they also took in communes outside the former city, which the outline
does not cover).
"""

import json
from pathlib import Path

from shapely.geometry import MultiPoint, Point, mapping, shape
from shapely.ops import unary_union, voronoi_diagram

HERE = Path(__file__).resolve().parent.parent / "ioc" / "core" / "profiles" / "laichau"
SOURCE = "geoBoundaries VNM ADM2 outline (CC BY 3.0 IGO), split by approximate ward centres"

# Old units (until 30/06/2025): code, name, level, approximate centre (lat, lon), valid_from, successor code.
OLD_UNITS = [
    ("03386", "Phường Quyết Thắng", "ward", (22.398, 103.436), None, "03388"),
    ("03388", "Phường Quyết Tiến", "ward", (22.412, 103.456), None, "03388"),
    ("03389", "Phường Đoàn Kết", "ward", (22.401, 103.459), None, "03388"),
    ("03387", "Phường Tân Phong", "ward", (22.389, 103.470), None, "03408"),
    ("03408", "Phường Đông Phong", "ward", (22.404, 103.485), None, "03408"),
    ("03409", "Xã San Thàng", "commune", (22.405, 103.390), None, "03408"),
    ("03403", "Xã Sùng Phài", "commune", (22.368, 103.500), "2020-02-01", "03388"),
]
NEW_WARDS = [("03388", "Phường Đoàn Kết"), ("03408", "Phường Tân Phong")]

# Streets and places for demo addresses and cameras, which department each kind of case goes to, the demo's
# officer accounts.
CITY_DATA = {
    "streets": [
        "Đường Trần Phú",
        "Đại lộ Lê Lợi",
        "Đường Nguyễn Hữu Thọ",
        "Đường 30 tháng 4",
        "Đường Võ Nguyên Giáp",
        "Đường Trường Chinh",
        "Đường Điện Biên Phủ",
        "Quốc lộ 4D",
        "Đường Ngô Quyền",
        "Đường Hoàng Văn Thụ",
        "Đường Trần Hưng Đạo",
        "Đường Lê Duẩn",
    ],
    "places": ["Ngã tư Trần Hưng Đạo – Lê Duẩn", "Nút giao Võ Nguyên Giáp", "Quảng trường Nhân dân"],
    "routing": {
        "hotline": {
            "fire": "pccc",
            "accident": "cong-an",
            "flooding": "tai-nguyen-moi-truong",
            "landslide": "tai-nguyen-moi-truong",
            "public_order": "cong-an",
            "medical": "y-te",
            "infrastructure": "quan-ly-do-thi",
            "environment": "tai-nguyen-moi-truong",
        },
        "feedback": {
            "den-duong": "quan-ly-do-thi",
            "duong-hu-hong": "quan-ly-do-thi",
            "lan-chiem": "quan-ly-do-thi",
            "rac-thai": "tai-nguyen-moi-truong",
            "sat-lo": "tai-nguyen-moi-truong",
            "an-ninh": "cong-an",
            "cay-xanh": "quan-ly-do-thi",
            "nuoc": "quan-ly-do-thi",
            "khac": "vp-ubnd",
        },
        # Who the demo's duty officer assigns each field's alerts to (the domain key; `default` for the rest).
        "alerts": {
            "lighting": "quan-ly-do-thi",
            "sensors": "tai-nguyen-moi-truong",
            "cameras": "cong-an",
            "publicservice": "vp-ubnd",
            "feedback": "vp-ubnd",
            "default": "vp-ubnd",
        },
    },
    "demo_accounts": [
        {"username": "qldt", "role": "department_officer", "department": "quan-ly-do-thi"},
        {"username": "congan", "role": "department_officer", "department": "cong-an"},
        {"username": "doanket", "role": "ward_officer", "unit": "Phường Đoàn Kết"},
        {"username": "tanphong", "role": "ward_officer", "unit": "Phường Tân Phong"},
    ],
}

DEPARTMENTS = [
    ("vp-ubnd", "Văn phòng HĐND và UBND", False),
    ("cong-an", "Công an thành phố", True),
    ("quan-ly-do-thi", "Phòng Quản lý đô thị", False),
    ("tai-nguyen-moi-truong", "Phòng Tài nguyên và Môi trường", False),
    ("van-hoa-thong-tin", "Phòng Văn hóa - Thông tin", False),
    ("y-te", "Phòng Y tế", False),
    ("giao-duc", "Phòng Giáo dục và Đào tạo", False),
    ("tu-phap", "Phòng Tư pháp", False),
    ("kinh-te", "Phòng Kinh tế", False),
    ("lao-dong", "Phòng Lao động - Thương binh và Xã hội", False),
    ("noi-vu", "Phòng Nội vụ", False),
    ("pccc", "Phòng Cảnh sát PCCC và CNCH", True),
]


def feature(geom, **props):
    rounded = json.loads(json.dumps(mapping(geom.simplify(0.00005))), parse_float=lambda f: round(float(f), 6))
    return {"type": "Feature", "properties": props, "geometry": rounded}


def main() -> None:
    outline_doc = json.loads((HERE / "city-outline.geojson").read_text(encoding="utf-8"))
    outline = shape(outline_doc["features"][0]["geometry"])
    seeds = MultiPoint([Point(lon, lat) for _, _, _, (lat, lon), _, _ in OLD_UNITS])
    cells = voronoi_diagram(seeds, envelope=outline.envelope.buffer(0.05))
    shapes = {}
    for code, _name, _level, (lat, lon), _from, _successor in OLD_UNITS:
        cell = next(c for c in cells.geoms if c.contains(Point(lon, lat)))
        shapes[code] = cell.intersection(outline)

    # The province has no open polygon here; it is the parent of the 2025 wards.
    features = [
        {
            "type": "Feature",
            "properties": {"code": "12", "name": "Tỉnh Lai Châu", "level": "province"},
            "geometry": None,
        }
    ]
    features.append(
        feature(
            outline,
            code="105",
            name="Thành phố Lai Châu",
            level="city",
            parent_code="12",
            valid_to="2025-06-30",
            source=outline_doc["features"][0]["properties"]["source"],
        )
    )
    for code, name, level, _, valid_from, successor in OLD_UNITS:
        features.append(
            feature(
                shapes[code],
                code=code,
                name=name,
                level=level,
                parent_code="105",
                valid_from=valid_from,
                valid_to="2025-06-30",
                successor_code=successor,
                approximate=True,
                source=SOURCE,
            )
        )
    # Xã Nậm Loỏng held code 03403 until it merged into Sùng Phài (Nghị quyết 869/NQ-UBTVQH14, 01/02/2020).
    features.append(
        feature(
            shapes["03403"],
            code="03403",
            name="Xã Nậm Loỏng",
            level="commune",
            parent_code="105",
            valid_to="2020-01-31",
            successor_code="03403",
            approximate=True,
            source=SOURCE,
        )
    )
    for code, name in NEW_WARDS:
        merged = unary_union([shapes[c] for c, *_, succ in OLD_UNITS if succ == code])
        features.append(
            feature(
                merged,
                code=code,
                name=name,
                level="ward",
                parent_code="12",
                valid_from="2025-07-01",
                approximate=True,
                source=SOURCE + " (union of the old units merged into it)",
            )
        )
    profile = {
        "type": "FeatureCollection",
        "city": {
            "name": "Thành phố Lai Châu",
            "code": "105",
            "center": [22.396, 103.458],
            "zoom": 13,
            "attribution": "Ranh giới hành chính: OCHA ROAP / Chính phủ Việt Nam, qua geoBoundaries, CC BY 3.0 IGO. "
            "Ranh giới phường/xã là gần đúng.",
        },
        "departments": [{"code": c, "name": n, "is_police": p} for c, n, p in DEPARTMENTS],
        **CITY_DATA,
        "features": features,
    }
    out = HERE / "profile.geojson"
    out.write_text(json.dumps(profile, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"wrote {out} with {len(features)} units")


if __name__ == "__main__":
    main()
