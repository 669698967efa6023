"""The group's share poster (拼团海报): the item's picture, title, group price, how many seats are missing and the
QR of the group's link, on one PNG (Pillow). The same pattern as distribution's poster: Chinese text needs a CJK
font (WenQuanYi when installed, else Pillow's default font, Latin only, so the poster still renders)."""

import io
from pathlib import Path

import segno
from django.core.files.storage import default_storage
from PIL import Image, ImageDraw, ImageFont

CJK_FONTS = (
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
)
WIDTH, HEIGHT = 750, 1100


def _font(size: int):
    for path in CJK_FONTS:
        if Path(path).exists():
            return ImageFont.truetype(path, size)
    return ImageFont.load_default(size=size)


def _price(amount: int) -> str:
    major, minor = divmod(amount, 100)
    return f"¥{major}.{minor:02d}"


def _picture(name: str) -> Image.Image | None:
    if not name:
        return None
    try:
        with default_storage.open(name, "rb") as handle:
            picture = Image.open(handle)
            picture.load()
        return picture.convert("RGB")
    except (OSError, ValueError):
        return None


def render_group_poster(
    *, url: str, shop_name: str, title: str, price_amount: int | None, image: str, caption: str
) -> bytes:
    poster = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(poster)
    picture = _picture(image)
    if picture is not None:
        picture.thumbnail((WIDTH, WIDTH))
        poster.paste(picture, ((WIDTH - picture.width) // 2, 0))
    else:
        draw.rectangle((0, 0, WIDTH, WIDTH), fill="#fff1f0")
        draw.text((WIDTH // 2, WIDTH // 2), shop_name[:20], fill="#e4393c", font=_font(44), anchor="mm")
    draw.text((32, WIDTH + 24), title[:22], fill="#222222", font=_font(34))
    if price_amount is not None:
        draw.text((32, WIDTH + 80), _price(price_amount), fill="#e4393c", font=_font(44))
    draw.text((32, HEIGHT - 90), caption[:28], fill="#666666", font=_font(24))
    qr_buffer = io.BytesIO()
    segno.make(url, error="m").save(qr_buffer, kind="png", scale=6, border=2)
    qr = Image.open(io.BytesIO(qr_buffer.getvalue())).convert("RGB")
    qr.thumbnail((240, 240))
    poster.paste(qr, (WIDTH - qr.width - 32, HEIGHT - qr.height - 32))
    out = io.BytesIO()
    poster.save(out, format="PNG", optimize=True)
    return out.getvalue()
