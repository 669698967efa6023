"""Generate the demo assets of the beauty, fresh and baby themes (run once; the output is committed).

Writes, per theme: demo/catalog.json (the format of tenant_apps.catalog.interface.load_catalog),
demo/images/*.jpg (small product pictures) and static/img/banner-*.svg (textless, transparent decorations
over the shop's own colours; the template overlays the slide titles). Pictures are drawn with Pillow
(shapes + Latin labels): placeholders a merchant replaces, kept small. static/img/preview.png is only
sketched when missing: the committed previews are headless-Chromium screenshots (390 px wide, scaled to 360,
128 colours) of a shop launched from the theme.

    .venv/bin/python themes/_tools/build_demo.py
"""

import json
import random
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont

THEMES = Path(__file__).resolve().parents[1]
FONT = "/usr/share/fonts/truetype/dejavu/DejaVuSans-Bold.ttf"


def font(size: int):
    try:
        return ImageFont.truetype(FONT, size)
    except OSError:
        return ImageFont.load_default()


def hex_rgb(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    return tuple(int(value[i : i + 2], 16) for i in (0, 2, 4))


def mix(a, b, t: float):
    return tuple(int(x + (y - x) * t) for x, y in zip(a, b, strict=True))


def gradient(size, top, bottom) -> Image.Image:
    image = Image.new("RGB", size, top)
    draw = ImageDraw.Draw(image)
    for y in range(size[1]):
        draw.line([(0, y), (size[0], y)], fill=mix(top, bottom, y / max(1, size[1] - 1)))
    return image


SHAPES = ("bottle", "jar", "tube", "round", "box", "bag")


def product_picture(path: Path, label: str, palette: list[str], shape: str, seed: int) -> None:
    rnd = random.Random(seed)
    base = hex_rgb(palette[seed % len(palette)])
    image = gradient((480, 480), mix(base, (255, 255, 255), 0.82), mix(base, (255, 255, 255), 0.55))
    draw = ImageDraw.Draw(image)
    ink = mix(base, (0, 0, 0), 0.15)
    cx = 240 + rnd.randint(-20, 20)
    if shape == "bottle":
        draw.rounded_rectangle([cx - 70, 150, cx + 70, 400], 30, fill=ink)
        draw.rectangle([cx - 25, 95, cx + 25, 150], fill=mix(ink, (0, 0, 0), 0.3))
    elif shape == "jar":
        draw.rounded_rectangle([cx - 110, 210, cx + 110, 390], 40, fill=ink)
        draw.rounded_rectangle([cx - 115, 170, cx + 115, 220], 16, fill=mix(ink, (255, 255, 255), 0.4))
    elif shape == "tube":
        draw.rounded_rectangle([cx - 40, 90, cx + 40, 400], 40, fill=ink)
        draw.rectangle([cx - 40, 90, cx + 40, 170], fill=mix(ink, (0, 0, 0), 0.35))
    elif shape == "round":
        draw.ellipse([cx - 130, 110, cx + 130, 370], fill=ink)
        draw.ellipse([cx - 60, 150, cx - 10, 200], fill=mix(ink, (255, 255, 255), 0.5))
    elif shape == "box":
        draw.rectangle([cx - 120, 150, cx + 120, 380], fill=ink)
        draw.polygon(
            [(cx - 120, 150), (cx - 80, 110), (cx + 160, 110), (cx + 120, 150)], fill=mix(ink, (255, 255, 255), 0.3)
        )
    else:  # bag
        draw.rounded_rectangle([cx - 120, 150, cx + 120, 390], 20, fill=ink)
        draw.arc([cx - 60, 90, cx + 60, 210], 180, 360, fill=mix(ink, (0, 0, 0), 0.3), width=12)
    text = label[:18]
    f = font(30)
    width = draw.textlength(text, font=f)
    draw.rounded_rectangle([240 - width / 2 - 14, 410, 240 + width / 2 + 14, 456], 12, fill=(255, 255, 255))
    draw.text((240 - width / 2, 416), text, font=f, fill=mix(ink, (0, 0, 0), 0.4))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "JPEG", quality=70, optimize=True)


def banner_svg(path: Path, seed: int) -> None:
    """A textless, transparent banner decoration (white rings and dots): the storefront paints the slide in the
    shop's own colours underneath (classic's `.banner .slide` gradient), so banners follow the colour settings;
    the template overlays the slide's title and subtitle (merchant-editable)."""
    rnd = random.Random(seed)
    cx, cy = 555 + rnd.randint(-40, 60), 180 + rnd.randint(-30, 30)
    shapes = [
        f'<circle cx="{cx}" cy="{cy}" r="{43 + i * 26}" fill="none" stroke="#fff" stroke-width="2" opacity=".8"/>'
        for i in range(6)
    ]
    for _ in range(14):
        x, y, r = rnd.randint(0, 800), rnd.randint(0, 400), rnd.randint(3, 10)
        shapes.append(f'<circle cx="{x}" cy="{y}" r="{r}" fill="#fff" opacity=".35"/>')
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 800 400">' + "".join(shapes) + "</svg>\n",
        encoding="utf-8",
    )


def banner_image(color: str, accent: str) -> Image.Image:
    """The banner as the storefront shows it with the theme's default colours (for the preview sketch)."""
    return gradient((750, 375), hex_rgb(color), hex_rgb(accent))


def preview(path: Path, theme: dict, pictures: list[Path]) -> None:
    """A phone-sized sketch of the theme's home page for the gallery."""
    primary, accent, background = (hex_rgb(theme["colors"][k]) for k in ("primary", "accent", "background"))
    image = Image.new("RGB", (360, 640), background)
    draw = ImageDraw.Draw(image)
    draw.rectangle([0, 0, 360, 52], fill=primary)
    draw.text((14, 14), theme["label"], font=font(20), fill=(255, 255, 255))
    draw.rounded_rectangle([190, 12, 346, 40], 14, fill=(255, 255, 255))
    image.paste(theme["banner"].resize((360, 180)), (0, 52))
    for i in range(5):
        x = 18 + i * 68
        draw.ellipse([x, 246, x + 44, 290], fill=mix(primary, (255, 255, 255), 0.2 + i * 0.1))
    for i, picture in enumerate(pictures[:4]):
        x, y = 10 + (i % 2) * 175, 310 + (i // 2) * 165
        draw.rounded_rectangle([x, y, x + 165, y + 155], 10, fill=(255, 255, 255))
        with Image.open(picture) as p:
            image.paste(p.resize((145, 110)), (x + 10, y + 8))
        draw.rectangle([x + 10, y + 126, x + 70, y + 140], fill=accent)
    draw.rectangle([0, 600, 360, 640], fill=(255, 255, 255))
    for i in range(4):
        draw.ellipse([36 + i * 90, 610, 56 + i * 90, 630], fill=primary if i == 0 else (200, 200, 200))
    path.parent.mkdir(parents=True, exist_ok=True)
    image.save(path, "PNG", optimize=True)


def sku_rows(code: str, specs: list[dict], base: int, step: int, stock: int) -> list[dict]:
    """Every combination with a price that grows with each spec's value index."""
    combos = [{}]
    for spec in specs:
        combos = [{**c, spec["name"]: v} for c in combos for v in spec["values"]]
    rows = []
    for n, combo in enumerate(combos, start=1):
        bump = sum(spec["values"].index(combo[spec["name"]]) for spec in specs)
        rows.append(
            {
                "specs": combo,
                "price_amount": base + bump * step,
                "stock": stock - (n % 4) * 3,
                "sku_code": f"{code}-{n:02d}",
            }
        )
    return rows


def build(slug: str, spec: dict, *, theme_assets: bool = True) -> None:
    root = THEMES / slug
    products = []
    pictures = []
    for index, (code, title, en, category, specs, base, step, shape, sales) in enumerate(spec["products"]):
        files = []
        for k in range(2 if index % 3 == 0 else 1):
            name = f"images/{code.lower()}-{k + 1}.jpg"
            product_picture(root / "demo" / name, en if k == 0 else f"{en} +", spec["palette"], shape, index * 7 + k)
            files.append({"file": name, "alt": title})
        pictures.append(root / "demo" / files[0]["file"])
        specs = [{"name": n, "values": v} for n, v in specs]
        products.append(
            {
                "title": title,
                "subtitle": en,
                "description_html": f"<p>{title}。{spec['blurb']}</p><p>{en}: demo product of the {slug} template.</p>",
                "category": category,
                "tags": [spec["tag"]],
                "status": "active",
                "sales_count": sales,
                "images": files,
                "specs": specs,
                "skus": sku_rows(code, specs, base, step, 60),
            }
        )
    catalog = {"categories": spec["categories"], "brands": [], "products": products}
    (root / "demo").mkdir(parents=True, exist_ok=True)
    (root / "demo" / "catalog.json").write_text(
        json.dumps(catalog, ensure_ascii=False, indent=1) + "\n", encoding="utf-8"
    )
    if not theme_assets:  # the classic theme's own banners and preview belong to the storefront
        return
    for n in (1, 2):
        banner_svg(root / "static" / "img" / f"banner-{n}.svg", n)
    if (root / "static" / "img" / "preview.png").exists():
        return
    preview(
        root / "static" / "img" / "preview.png",
        {
            "colors": spec["colors"],
            "label": spec["label"],
            "banner": banner_image(spec["colors"]["primary"], spec["colors"]["accent"]),
        },
        pictures,
    )


BEAUTY = {
    "label": "Bloom Beauty",
    "tag": "美妆",
    "blurb": "温和配方，敏感肌可用。",
    "palette": ["#d4477a", "#b06ab3", "#e8a0b4", "#c9806b"],
    "colors": {"primary": "#d4477a", "accent": "#b8325f", "background": "#fff7f9"},
    "categories": [
        {"key": "skincare", "name": "护肤", "slug": "skincare"},
        {"key": "makeup", "name": "彩妆", "slug": "makeup"},
        {"key": "fragrance", "name": "香氛", "slug": "fragrance"},
        {"key": "body", "name": "身体护理", "slug": "body"},
    ],
    "products": [
        (
            "BL-LIP",
            "丝绒哑光口红",
            "Velvet Lipstick",
            "makeup",
            [("色号", ["01 正红", "02 豆沙", "03 枫叶"])],
            12900,
            0,
            "tube",
            860,
        ),
        ("BL-SER", "水光精华液", "Hydra Serum", "skincare", [("容量", ["30ml", "50ml"])], 26800, 12000, "bottle", 540),
        ("BL-CRM", "修护面霜", "Repair Cream", "skincare", [("容量", ["30g", "50g"])], 32800, 15000, "jar", 410),
        (
            "BL-FDN",
            "持妆粉底液",
            "Long-wear Foundation",
            "makeup",
            [("色号", ["象牙白", "自然色", "小麦色"])],
            19900,
            0,
            "bottle",
            380,
        ),
        (
            "BL-CLN",
            "氨基酸洗面奶",
            "Amino Cleanser",
            "skincare",
            [("容量", ["100g", "150g"])],
            8900,
            3000,
            "tube",
            1250,
        ),
        (
            "BL-MSK",
            "玻尿酸补水面膜",
            "Hydrating Mask",
            "skincare",
            [("包装", ["5片装", "10片装"])],
            9900,
            8000,
            "box",
            990,
        ),
        ("BL-EYE", "九色眼影盘", "Eyeshadow Palette", "makeup", [("色系", ["大地色", "玫瑰色"])], 15900, 0, "box", 330),
        (
            "BL-SUN",
            "清透防晒乳 SPF50",
            "Sunscreen SPF50",
            "skincare",
            [("容量", ["40ml", "60ml"])],
            13900,
            4000,
            "tube",
            720,
        ),
        (
            "BL-EDT",
            "花园淡香水",
            "Garden Eau de Toilette",
            "fragrance",
            [("香型", ["花香", "木质", "柑橘"]), ("容量", ["30ml", "50ml"])],
            39900,
            18000,
            "bottle",
            210,
        ),
        (
            "BL-OIL",
            "温和卸妆油",
            "Cleansing Oil",
            "skincare",
            [("容量", ["150ml", "200ml"])],
            12800,
            3000,
            "bottle",
            460,
        ),
        ("BL-MAS", "纤长睫毛膏", "Mascara", "makeup", [("款式", ["纤长", "浓密"])], 11900, 0, "tube", 300),
        (
            "BL-BOD",
            "香氛身体乳",
            "Body Lotion",
            "body",
            [("香型", ["玫瑰", "白茶"]), ("容量", ["200ml", "400ml"])],
            8900,
            5000,
            "bottle",
            640,
        ),
        ("BL-HND", "护手霜礼盒", "Hand Cream Gift Set", "body", [("规格", ["3支装", "5支装"])], 9900, 6000, "box", 280),
        ("BL-CAN", "香薰蜡烛", "Scented Candle", "fragrance", [("香型", ["无花果", "雪松"])], 16800, 0, "jar", 150),
    ],
}

FRESH = {
    "label": "FreshGo",
    "tag": "生鲜",
    "blurb": "产地直采，冷链配送，坏果包赔。",
    "palette": ["#2e9d4f", "#f08a24", "#d9412b", "#6ab04c"],
    "colors": {"primary": "#2e9d4f", "accent": "#f05a28", "background": "#f4f8f2"},
    "categories": [
        {"key": "fruit", "name": "水果", "slug": "fruit"},
        {"key": "veg", "name": "蔬菜", "slug": "vegetables"},
        {"key": "meat", "name": "肉禽蛋", "slug": "meat-eggs"},
        {"key": "seafood", "name": "海鲜水产", "slug": "seafood"},
    ],
    "products": [
        ("FG-ORG", "赣南脐橙", "Navel Oranges", "fruit", [("规格", ["2.5kg", "5kg"])], 3990, 3000, "round", 2300),
        (
            "FG-CHR",
            "智利车厘子",
            "Chilean Cherries",
            "fruit",
            [("规格", ["500g", "1kg"]), ("等级", ["J", "JJ"])],
            5990,
            4000,
            "round",
            1800,
        ),
        ("FG-BAN", "海南香蕉", "Hainan Bananas", "fruit", [("规格", ["1kg", "2kg"])], 1290, 1000, "bag", 1500),
        (
            "FG-GRP",
            "阳光玫瑰葡萄",
            "Shine Muscat Grapes",
            "fruit",
            [("规格", ["500g", "1kg"])],
            3590,
            3000,
            "round",
            1200,
        ),
        ("FG-BRO", "有机西兰花", "Organic Broccoli", "veg", [("规格", ["500g", "1kg"])], 990, 800, "round", 900),
        ("FG-TOM", "千禧小番茄", "Cherry Tomatoes", "veg", [("规格", ["500g", "1kg"])], 1290, 1000, "round", 1100),
        ("FG-SPN", "有机菠菜", "Organic Spinach", "veg", [("规格", ["300g", "600g"])], 690, 500, "bag", 700),
        ("FG-EGG", "散养土鸡蛋", "Free-range Eggs", "meat", [("规格", ["10枚", "30枚"])], 1990, 3000, "box", 2100),
        ("FG-PRK", "黑猪五花肉", "Black Pork Belly", "meat", [("规格", ["500g", "1kg"])], 3990, 3500, "box", 800),
        (
            "FG-STK",
            "原切眼肉牛排",
            "Ribeye Steak",
            "meat",
            [("规格", ["200g", "400g"]), ("熟成", ["湿式", "干式"])],
            6990,
            5000,
            "box",
            650,
        ),
        ("FG-PRW", "鲜活基围虾", "Live Prawns", "seafood", [("规格", ["500g", "1kg"])], 6990, 6000, "bag", 560),
        ("FG-SAL", "三文鱼刺身", "Salmon Sashimi", "seafood", [("规格", ["200g", "400g"])], 5990, 5000, "box", 480),
        ("FG-KIW", "红心猕猴桃", "Red Kiwifruit", "fruit", [("规格", ["6个", "12个"])], 2990, 2500, "round", 930),
    ],
}

BABY = {
    "label": "Little Elephant",
    "tag": "母婴",
    "blurb": "严选材质，宝宝安心妈妈放心。",
    "palette": ["#5b9bd5", "#f4a7b9", "#ffd966", "#8fd3c7"],
    "colors": {"primary": "#5b9bd5", "accent": "#f2709c", "background": "#f7fbff"},
    "categories": [
        {"key": "food", "name": "奶粉辅食", "slug": "formula-food"},
        {"key": "diapers", "name": "纸尿裤湿巾", "slug": "diapers"},
        {"key": "wear", "name": "童装", "slug": "baby-wear"},
        {"key": "toys", "name": "玩具", "slug": "toys"},
        {"key": "feeding", "name": "喂养用品", "slug": "feeding"},
    ],
    "products": [
        (
            "LE-DIA",
            "轻薄透气纸尿裤",
            "Breathable Diapers",
            "diapers",
            [("尺码", ["S", "M", "L", "XL"]), ("包装", ["单包", "箱装"])],
            8900,
            4000,
            "bag",
            3100,
        ),
        ("LE-RIC", "有机高铁米粉", "Organic Rice Cereal", "food", [("阶段", ["1段", "2段"])], 6800, 0, "box", 1200),
        ("LE-FOR", "婴儿配方奶粉", "Infant Formula", "food", [("段数", ["1段", "2段", "3段"])], 32800, 0, "jar", 2600),
        (
            "LE-BOD",
            "纯棉连体衣",
            "Cotton Bodysuit",
            "wear",
            [("尺码", ["59", "66", "73", "80"]), ("颜色", ["白", "蓝", "粉"])],
            6900,
            0,
            "box",
            870,
        ),
        (
            "LE-BOT",
            "宽口径玻璃奶瓶",
            "Wide-neck Bottle",
            "feeding",
            [("容量", ["160ml", "240ml"])],
            9900,
            2000,
            "bottle",
            940,
        ),
        (
            "LE-WIP",
            "婴儿手口湿巾",
            "Baby Wipes",
            "diapers",
            [("规格", ["80抽×3包", "80抽×6包"])],
            2990,
            2500,
            "bag",
            2800,
        ),
        (
            "LE-PAC",
            "硅胶安抚奶嘴",
            "Silicone Pacifier",
            "feeding",
            [("月龄", ["0-6月", "6-18月"])],
            4900,
            0,
            "round",
            620,
        ),
        ("LE-BLK", "软胶积木", "Soft Blocks", "toys", [("规格", ["12块", "24块"])], 7900, 5000, "box", 450),
        ("LE-STR", "轻便婴儿推车", "Light Stroller", "toys", [("颜色", ["雾灰", "米白"])], 99900, 0, "box", 120),
        ("LE-CHR", "儿童成长餐椅", "High Chair", "feeding", [("颜色", ["原木", "白色"])], 59900, 0, "box", 160),
        ("LE-WSH", "宝宝洗发沐浴露", "Baby Wash", "diapers", [("容量", ["200ml", "400ml"])], 5900, 3000, "bottle", 780),
        (
            "LE-SLP",
            "婴儿分腿睡袋",
            "Sleep Bag",
            "wear",
            [("尺码", ["S", "M", "L"]), ("厚度", ["薄款", "加厚"])],
            12900,
            3000,
            "bag",
            390,
        ),
        ("LE-TTH", "牙胶摇铃", "Teether Rattle", "toys", [("款式", ["小象", "小兔"])], 3900, 0, "round", 510),
    ],
}

CLASSIC = {
    "label": "Classic",
    "tag": "百货",
    "blurb": "品质好物，全场满 99 元包邮。",
    "palette": ["#e4393c", "#ff8a00", "#3d7eff", "#7a7a7a"],
    "colors": {"primary": "#e4393c", "accent": "#ff5000", "background": "#f5f5f5"},
    "categories": [
        {"key": "apparel", "name": "服装", "slug": "apparel"},
        {"key": "home", "name": "家居", "slug": "home"},
        {"key": "digital", "name": "数码", "slug": "digital"},
        {"key": "snacks", "name": "零食", "slug": "snacks"},
    ],
    "products": [
        (
            "CL-TEE",
            "纯棉圆领T恤",
            "Cotton T-shirt",
            "apparel",
            [("颜色", ["白色", "黑色", "灰色"]), ("尺码", ["S", "M", "L", "XL"])],
            5900,
            0,
            "box",
            3200,
        ),
        (
            "CL-DRS",
            "夏季碎花连衣裙",
            "Floral Dress",
            "apparel",
            [("颜色", ["红色", "蓝色"]), ("尺码", ["S", "M", "L"])],
            19900,
            1000,
            "bag",
            860,
        ),
        (
            "CL-JNS",
            "直筒牛仔裤",
            "Straight Jeans",
            "apparel",
            [("尺码", ["28", "30", "32", "34"])],
            15900,
            0,
            "box",
            1100,
        ),
        (
            "CL-SNK",
            "轻便休闲鞋",
            "Casual Sneakers",
            "apparel",
            [("尺码", ["38", "39", "40", "41", "42"])],
            25900,
            0,
            "box",
            740,
        ),
        (
            "CL-TWL",
            "长绒棉毛巾",
            "Cotton Towel",
            "home",
            [("颜色", ["米白", "浅灰", "雾蓝"]), ("规格", ["单条", "三条装"])],
            2900,
            4000,
            "bag",
            2100,
        ),
        ("CL-MUG", "陶瓷马克杯", "Ceramic Mug", "home", [("颜色", ["白色", "墨绿"])], 3900, 0, "jar", 950),
        ("CL-PIL", "记忆棉枕头", "Memory Pillow", "home", [("规格", ["标准", "加高"])], 12900, 2000, "box", 620),
        ("CL-EAR", "蓝牙耳机", "Bluetooth Earbuds", "digital", [("颜色", ["白色", "黑色"])], 19900, 0, "round", 1500),
        (
            "CL-PWR",
            "快充充电宝",
            "Power Bank",
            "digital",
            [("容量", ["10000mAh", "20000mAh"])],
            9900,
            5000,
            "box",
            1300,
        ),
        (
            "CL-CBL",
            "编织数据线",
            "Braided Cable",
            "digital",
            [("长度", ["1m", "2m"]), ("接口", ["USB-C", "Lightning"])],
            2900,
            1000,
            "tube",
            2600,
        ),
        ("CL-NUT", "每日坚果", "Daily Nuts", "snacks", [("规格", ["7袋", "30袋"])], 3900, 8000, "bag", 2900),
        ("CL-TEA", "西湖龙井", "Longjing Tea", "snacks", [("规格", ["50g", "100g"])], 6800, 6000, "jar", 480),
        ("CL-CHO", "黑巧克力", "Dark Chocolate", "snacks", [("口味", ["70%", "85%"])], 2500, 0, "box", 1700),
    ],
}

if __name__ == "__main__":
    for slug, spec in (("beauty", BEAUTY), ("fresh", FRESH), ("baby", BABY)):
        build(slug, spec)
        print(slug, "done")
    build("classic", CLASSIC, theme_assets=False)
    print("classic demo catalog done")
