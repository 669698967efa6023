from django.utils.translation import gettext as _

from micromall.reports import ReportCommand
from shared_apps.gallery.services import ensure_demo_shops, sync_templates


class Command(ReportCommand):
    help = "Register the themes, then create a read-only live demo shop `demo-<slug>` for each template."

    def handle(self, *args, **options):
        sync_templates()
        created = ensure_demo_shops()
        self.stdout.write(_("Demo shops created: %(names)s") % {"names": ", ".join(created) or "-"})
