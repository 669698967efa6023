from micromall.reports import ReportCommand
from shared_apps.tenancy import pool_reports
from shared_apps.tenancy.provisioning import migrate_spares, top_up_pool


class Command(ReportCommand):
    help = (
        "Bring every spare shop schema to the code's migrations (run right after migrate_schemas; "
        "migrate_schemas only migrates shops), drop broken spares, then top the pool up."
    )

    def add_arguments(self, parser):
        parser.add_argument("--no-top-up", action="store_true", help="Only migrate existing spares.")

    def handle(self, *args, **options):
        self.stdout.write(pool_reports.migrated(migrate_spares()))
        if not options["no_top_up"]:
            self.stdout.write(pool_reports.topped_up(top_up_pool()))
