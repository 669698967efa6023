from django.apps import AppConfig


class GalleryConfig(AppConfig):
    name = "shared_apps.gallery"
    label = "gallery"
