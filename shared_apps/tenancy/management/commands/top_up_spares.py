from django.core.management.base import BaseCommand

from shared_apps.tenancy.provisioning import pool_size, top_up_pool


class Command(BaseCommand):
    help = "Create pre-migrated spare shop schemas until the pool holds SPARE_SCHEMA_POOL_SIZE (or --size)."

    def add_arguments(self, parser):
        parser.add_argument("--size", type=int, default=None)

    def handle(self, *args, **options):
        size = options["size"] if options["size"] is not None else pool_size()
        self.stdout.write(f"created: {top_up_pool(target=size)}")
