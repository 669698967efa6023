"""The platform operator's permission set: an "operator" group for staff accounts that are not superusers.

Created by migration billing/0007_operator_group and kept up to date by `manage.py operator_group` (which can also
put accounts in it). The operator console (Django admin on the platform host) and /api/v1/ops/... check these
permissions, so a staff account outside the group gets 403."""

OPERATOR_GROUP = "operator"

# (app label, codename)
OPERATOR_PERMISSIONS = (
    ("tenancy", "view_shop"),
    ("agencies", "view_agency"),
    ("agencies", "add_agency"),
    ("agencies", "change_agency"),
    ("billing", "view_plan"),
    ("billing", "add_plan"),
    ("billing", "change_plan"),
    ("billing", "view_subscription"),
    ("billing", "view_invoice"),
    ("billing", "mark_invoice_paid"),
    ("billing", "view_revenue"),
    ("billing", "view_feeentry"),
    ("billing", "view_stripeevent"),
    ("billing", "reprocess_stripeevent"),
    ("billing", "view_shopstatuschange"),
    ("billing", "suspend_shop"),
)

# What each operator capability needs (the ops API and the admin's actions and pages check these).
SEE_SHOPS = "tenancy.view_shop"
SUSPEND = "billing.suspend_shop"
MARK_PAID = "billing.mark_invoice_paid"
SEE_REVENUE = "billing.view_revenue"
REPROCESS = "billing.reprocess_stripeevent"


def is_operator(user, perm: str) -> bool:
    """A signed-in platform staff account holding `perm` (superusers hold every permission)."""
    return bool(user and user.is_authenticated and user.is_active and user.is_staff and user.has_perm(perm))
