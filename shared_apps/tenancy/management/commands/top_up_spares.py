from micromall.reports import ReportCommand
from shared_apps.tenancy import pool_reports
from shared_apps.tenancy.provisioning import pool_size, top_up_pool


class Command(ReportCommand):
    help = "Create pre-migrated spare shop schemas until the pool holds SPARE_SCHEMA_POOL_SIZE (or --size)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=None)

    def handle(self, *args, **options):
        size = options["size"] if options["size"] is not None else pool_size()
        self.stdout.write(pool_reports.topped_up(top_up_pool(target=size)))
