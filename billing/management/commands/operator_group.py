"""`manage.py operator_group [--add EMAIL ...]`: create or refresh the "operator" group (the platform operator's
permissions, billing/operators.py) and optionally make platform accounts operators (staff in that group)."""

from django.core.management.base import BaseCommand, CommandError

from micromall.errors import Invalid


class Command(BaseCommand):
    help = "Create or refresh the operator group; --add EMAIL makes that account an operator (staff, not superuser)."

    def add_arguments(self, parser):
        parser.add_argument("--add", nargs="*", default=[], metavar="EMAIL")

    def handle(self, *args, add, **options):
        from billing.services.operators import ensure_operator_group, make_operators

        group = ensure_operator_group()
        self.stdout.write(f"group {group.name}: {group.permissions.count()} permissions")
        if add:
            try:
                users = make_operators(add)
            except Invalid as exc:
                raise CommandError(str(exc.errors)) from exc
            self.stdout.write("operators: " + ", ".join(user.email for user in users))
