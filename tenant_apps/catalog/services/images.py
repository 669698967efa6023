"""Uploaded images: the real format is read by Pillow (never trusted from the name), size and dimensions bounded."""

from django.conf import settings
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from micromall.errors import Invalid

from ..models import Brand, Product, ProductImage
from .products import MAX_IMAGES_PER_PRODUCT

# Pillow format -> the extension we store under (the client's file name is ignored).
# MPO: a phone camera's JPEG carrying extra pictures (HDR, depth); browsers show its first picture as a JPEG.
IMAGE_FORMATS = {"JPEG": ".jpg", "MPO": ".jpg", "PNG": ".png", "WEBP": ".webp"}
DEFAULT_MAX_IMAGE_BYTES = 5 * 1024 * 1024
MIN_IMAGE_SIDE = 64
MAX_IMAGE_SIDE = 6000


def max_image_bytes() -> int:
    return getattr(settings, "CATALOG_MAX_IMAGE_BYTES", min(DEFAULT_MAX_IMAGE_BYTES, settings.MAX_UPLOAD_BYTES))


def max_image_pixels() -> int:
    return settings.CATALOG_MAX_IMAGE_PIXELS


def inspect_image(upload: UploadedFile, field: str = "image") -> tuple[str, int, int]:
    """(extension, width, height) of a valid image; Invalid with a field error otherwise."""
    limit = max_image_bytes()
    if upload.size > limit:
        raise Invalid(errors={field: [_("The image is larger than %(limit)d KB.") % {"limit": limit // 1024}]})
    try:
        upload.seek(0)
        with Image.open(upload) as image:
            image_format, (width, height) = image.format, image.size
            image.verify()  # reads the whole stream and checks its structure without decoding pixels
        if image_format in IMAGE_FORMATS and width * height <= max_image_pixels():
            upload.seek(0)
            with Image.open(upload) as image:
                image.load()  # decodes every pixel: truncated or corrupt data fails here, not on a shopper's phone
    except (UnidentifiedImageError, Image.DecompressionBombError, OSError, SyntaxError, ValueError) as exc:
        raise Invalid(errors={field: [_("This is not a readable image.")]}) from exc
    finally:
        upload.seek(0)
    if image_format not in IMAGE_FORMATS:
        raise Invalid(errors={field: [_("Only JPEG, PNG and WebP images are accepted.")]})
    if width * height > max_image_pixels():
        message = _("The image is %(width)s×%(height)s = %(pixels)s pixels; at most %(limit)s are accepted.")
        values = {"width": width, "height": height, "pixels": f"{width * height:,}", "limit": f"{max_image_pixels():,}"}
        raise Invalid(errors={field: [message % values]})
    if min(width, height) < MIN_IMAGE_SIDE or max(width, height) > MAX_IMAGE_SIDE:
        message = _("Each side must be %(low)d–%(high)d pixels (this one is %(width)d×%(height)d).")
        values = {"low": MIN_IMAGE_SIDE, "high": MAX_IMAGE_SIDE, "width": width, "height": height}
        raise Invalid(errors={field: [message % values]})
    return IMAGE_FORMATS[image_format], width, height


@transaction.atomic
def upload_product_image(*, upload: UploadedFile, alt: str = "", product: Product | None = None) -> ProductImage:
    """Store an image; unattached (product None) until a product create/update lists its id."""
    extension, width, height = inspect_image(upload)
    with transaction.atomic():
        position = 0
        if product is not None:
            # The product row locked: two uploads at once count each other against the per-product limit.
            Product.objects.select_for_update().filter(pk=product.pk).first()
            images = ProductImage.objects.filter(product=product)
            if images.count() >= MAX_IMAGES_PER_PRODUCT:
                raise Invalid(errors={"images": [_("At most %(count)d images.") % {"count": MAX_IMAGES_PER_PRODUCT}]})
            previous = images.order_by("-position").values_list("position", flat=True).first()
            position = 0 if previous is None else previous + 1
        image = ProductImage(product=product, alt=alt, position=position, width=width, height=height)
        image.image.save(f"image{extension}", upload, save=False)
        image.save()
    return image


@transaction.atomic
def set_brand_logo(*, brand: Brand, upload: UploadedFile) -> Brand:
    extension, _, _ = inspect_image(upload, field="logo")
    old = brand.logo.name
    brand.logo.save(f"logo{extension}", upload, save=False)
    brand.save(update_fields=["logo"])
    if old:
        storage = brand.logo.storage
        transaction.on_commit(lambda: storage.delete(old))
    return brand
