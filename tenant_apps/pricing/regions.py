"""Mainland China's province-level divisions, so shipping surcharges and addresses name a province the same way.

Pure (no Django): `canonical_province("新疆维吾尔自治区") == canonical_province("新疆") == "新疆"`.
"""

PROVINCES: tuple[str, ...] = (
    "北京", "天津", "河北", "山西", "内蒙古", "辽宁", "吉林", "黑龙江", "上海", "江苏", "浙江", "安徽",
    "福建", "江西", "山东", "河南", "湖北", "湖南", "广东", "广西", "海南", "重庆", "四川", "贵州",
    "云南", "西藏", "陕西", "甘肃", "青海", "宁夏", "新疆", "香港", "澳门", "台湾",
)  # fmt: skip

# Longest first, so "维吾尔自治区" is stripped before "自治区".
_SUFFIXES = ("维吾尔自治区", "壮族自治区", "回族自治区", "特别行政区", "自治区", "省", "市")


def canonical_province(name: str | None) -> str | None:
    """The short name of a province-level division written in full or short form; None when unknown."""
    text = (name or "").strip()
    if text in PROVINCES:
        return text
    for suffix in _SUFFIXES:
        if text.endswith(suffix) and text[: -len(suffix)] in PROVINCES:
            return text[: -len(suffix)]
    return None
