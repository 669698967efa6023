"""Share posters (分享海报) for every tool that shares a link: distribution's referral poster, the 拼团 group
poster and the 砍价 bargain poster. One PNG (Pillow): the item's picture (or the shop's name on a tinted square),
the title, a price, a caption and the QR of the shared link (segno).

Chinese text needs a CJK font: WenQuanYi / Noto CJK when installed, else Pillow's default font (Latin only, so the
poster still renders, with Chinese possibly in boxes)."""

import io
from dataclasses import dataclass
from functools import cache
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


@dataclass(frozen=True)
class PosterStyle:
    """The placeholder square's colours and the caption's size (a tool's look, nothing else differs)."""

    placeholder_fill: str = "#f4f4f4"
    placeholder_text: str = "#999999"
    caption_chars: int = 24
    caption_size: int = 26


NEUTRAL = PosterStyle()
FESTIVE = PosterStyle(placeholder_fill="#fff1f0", placeholder_text="#e4393c", caption_chars=28, caption_size=24)


@cache
def _font_path() -> str | None:
    return next((path for path in CJK_FONTS if Path(path).exists()), None)


def _font(size: int):
    path = _font_path()
    return ImageFont.truetype(path, size) if path else ImageFont.load_default(size=size)


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
        return None  # a missing or unreadable image: the poster goes without it


def render_poster(
    *,
    url: str,
    shop_name: str,
    title: str,
    price_amount: int | None,
    image: str,
    caption: str,
    style: PosterStyle = NEUTRAL,
) -> bytes:
    """The poster as PNG bytes; `price_amount` in fen (None: no price line), `image` a storage name or ""."""
    poster = Image.new("RGB", (WIDTH, HEIGHT), "white")
    draw = ImageDraw.Draw(poster)
    picture = _picture(image)
    if picture is not None:
        picture.thumbnail((WIDTH, WIDTH))
        poster.paste(picture, ((WIDTH - picture.width) // 2, 0))
    else:
        draw.rectangle((0, 0, WIDTH, WIDTH), fill=style.placeholder_fill)
        draw.text((WIDTH // 2, WIDTH // 2), shop_name[:20], fill=style.placeholder_text, font=_font(44), anchor="mm")
    draw.text((32, WIDTH + 24), title[:22], fill="#222222", font=_font(34))
    if price_amount is not None:
        draw.text((32, WIDTH + 80), _price(price_amount), fill="#e4393c", font=_font(44))
    draw.text((32, HEIGHT - 90), caption[: style.caption_chars], fill="#666666", font=_font(style.caption_size))
    qr_buffer = io.BytesIO()
    segno.make(url, error="m").save(qr_buffer, kind="png", scale=6, border=2)
    qr = Image.open(io.BytesIO(qr_buffer.getvalue())).convert("RGB")
    qr.thumbnail((240, 240))
    poster.paste(qr, (WIDTH - qr.width - 32, HEIGHT - qr.height - 32))
    out = io.BytesIO()
    poster.save(out, format="PNG", optimize=True)
    return out.getvalue()
