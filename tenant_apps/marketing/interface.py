"""What the marketing tools share: the Activity base model, its lifecycle and the status writers.

from tenant_apps.marketing.interface import Activity, ActivityStatus, change_activity_status, is_live

class FlashSale(Activity): ...                       # the tool's own model, in its own app
register_activity_model(FlashSale)                   # from the tool's AppConfig.ready()
change_activity_status(FlashSale, activity_id=..., action="publish")   # from the tool's API / admin
is_live(sale.status, sale.starts_at, sale.ends_at, now)                # every read that sells
register_clock(expire_sessions)      # a tool's timed rows: fn(now) -> next moment; run by the same beat pass
note_boundary(session.expires_at)    # ... and wake that pass at a given moment
class BargainAdmin(ActivityAdmin): status_service = staticmethod(services.change_status)   # the tool's admin.py
class BargainSerializer(ActivitySerializer): ...     # API shapes: the shared fields once (also ActivityInput)
register_entries("bargain", provider, describe)      # 砍价 entries on product cards and pages (entries.py)
"""

from .boundaries import note_boundary
from .entries import LISTED_STATUSES, Entry, entries_changed, register_entries, unregister_entries
from .lifecycle import ACTIONS, TERMINAL, clock_status, effective_status, is_live, next_status
from .models import Activity, ActivityStatus
from .registry import activity_models, register_activity_model, register_clock
from .screens import ActivityAdmin, MarketingScreen, ReadOnlyScreen
from .serializers import ActivityInput, ActivitySerializer, PartialInput, ScopeInput
from .services import change_activity_status, check_activity, check_window, sync_statuses

__all__ = [
    "ACTIONS",
    "LISTED_STATUSES",
    "TERMINAL",
    "Activity",
    "ActivityAdmin",
    "ActivityInput",
    "ActivitySerializer",
    "ActivityStatus",
    "Entry",
    "MarketingScreen",
    "PartialInput",
    "ReadOnlyScreen",
    "ScopeInput",
    "activity_models",
    "change_activity_status",
    "check_activity",
    "check_window",
    "clock_status",
    "effective_status",
    "entries_changed",
    "is_live",
    "next_status",
    "note_boundary",
    "register_activity_model",
    "register_clock",
    "register_entries",
    "sync_statuses",
    "unregister_entries",
]
