from django.core.management.base import BaseCommand

from shared_apps.gallery.services import ensure_demo_shops, sync_templates


class Command(BaseCommand):
    help = "Register the themes, then create a read-only live demo shop `demo-<slug>` for each template."

    def handle(self, *args, **options):
        sync_templates()
        created = ensure_demo_shops()
        self.stdout.write(f"created: {', '.join(created) or '-'}")
