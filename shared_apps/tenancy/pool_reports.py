"""What the spare-schema pool's commands and admin actions tell a person, in the active language."""

from django.utils.translation import gettext as _


def migrated(counts: dict[str, int]) -> str:
    """The counts of provisioning.migrate_spares()."""
    return _("Spare schemas migrated: %(migrated)d, dropped: %(dropped)d, already current: %(current)d") % counts


def topped_up(created: int) -> str:
    """The count of provisioning.top_up_pool()."""
    return _("Spare schemas created: %(created)d") % {"created": created}
