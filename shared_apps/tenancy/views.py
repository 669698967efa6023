"""HTML views of tenancy on shop hosts: the one-time login link into the back office."""

from django.contrib.auth import login
from django.http import HttpResponseRedirect
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from .autologin import redeem


@never_cache
@require_GET
def auto_login(request):
    shop = getattr(request, "shop", None)
    user = redeem(token=request.GET.get("t", ""), shop=shop) if shop is not None else None
    if user is None:
        return HttpResponseRedirect("/admin/login/?next=/admin/&link=invalid")
    login(request, user, backend="django.contrib.auth.backends.ModelBackend")
    return HttpResponseRedirect("/admin/")
