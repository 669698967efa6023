"""Uploaded files (product images, brand logos) on shop hosts when media live on the local disk.

`make run` has no nginx in front, so without this every product image 404s. In production nginx (or S3)
serves /media/ before a request reaches Django; this view then never runs. A shop host serves only its own
shop's files (`shops/<schema>/…`): shop B's host never hands out shop A's images.
"""

import posixpath

from django.conf import settings
from django.core.files.storage import FileSystemStorage, storages
from django.db import connection
from django.http import Http404
from django.views.static import serve


def shop_media(request, path: str):
    if not isinstance(storages["default"], FileSystemStorage):
        raise Http404("media are not stored on this server")
    # `path` is already percent-decoded: normalise `..` (also from %2e%2e, ..%2f) before the prefix check.
    clean = posixpath.normpath(path.replace("\\", "/")).lstrip("/")
    if not clean.startswith(f"shops/{connection.schema_name}/"):
        raise Http404("not this shop's file")
    return serve(request, clean, document_root=settings.MEDIA_ROOT)
