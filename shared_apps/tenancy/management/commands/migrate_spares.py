from django.core.management.base import BaseCommand

from shared_apps.tenancy.provisioning import migrate_spares, top_up_pool


class Command(BaseCommand):
    help = (
        "Bring every spare shop schema to the code's migrations (run right after migrate_schemas; "
        "migrate_schemas only migrates shops), drop broken spares, then top the pool up."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-top-up", action="store_true", help="Only migrate existing spares.")

    def handle(self, *args, **options):
        counts = migrate_spares()
        self.stdout.write(", ".join(f"{key}: {value}" for key, value in counts.items()))
        if not options["no_top_up"]:
            self.stdout.write(f"created: {top_up_pool()}")
