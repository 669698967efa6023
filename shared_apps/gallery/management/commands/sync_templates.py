from django.core.management.base import BaseCommand

from shared_apps.gallery.services import sync_templates


class Command(BaseCommand):
    help = "Register themes/*/manifest.json in the gallery (a newer manifest version updates the row)."

    def handle(self, *args, **options):
        result = sync_templates()
        for key, slugs in result.items():
            self.stdout.write(f"{key}: {', '.join(slugs) or '-'}")
