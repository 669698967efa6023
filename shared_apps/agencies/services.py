"""Writers for agencies (members and hand-over come with the agency issue)."""

from django.db import transaction
from django.utils.translation import gettext as _

from micromall.errors import Invalid

from .models import Agency


def _clean_name(name: str) -> str:
    name = (name or "").strip()
    if not name or len(name) > 100:
        raise Invalid(errors={"name": [_("Give a name of 1 to 100 characters.")]})
    return name


@transaction.atomic
def create_agency(*, name: str) -> Agency:
    return Agency.objects.create(name=_clean_name(name))


@transaction.atomic
def rename_agency(*, agency: Agency, name: str) -> Agency:
    agency.name = _clean_name(name)
    Agency.objects.filter(pk=agency.pk).update(name=agency.name)
    return agency
