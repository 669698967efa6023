"""What other public apps may call in agencies: a user's role in an agency (tenancy derives client-shop access)
and the agency a user manages (tenancy opens client shops for it)."""

from .selectors import agency_managed_by, agency_role, agency_roles_of, agency_visible_to

__all__ = ["agency_managed_by", "agency_role", "agency_roles_of", "agency_visible_to"]
