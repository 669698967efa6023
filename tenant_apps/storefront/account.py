"""The shopper's "我的" page: sign-in / register forms and the signed-in member, driven by the store APIs.

The page itself is the same for everyone (no member data is rendered on the server): the theme's
js/account.js calls /api/v1/store/auth/* and /api/v1/store/me with the member token kept in localStorage.
The member centre (orders, addresses, ...) is a later issue.
"""

from django.views.decorators.http import require_safe

from .theming import render_page
from .views import page_context


@require_safe
def account(request):
    theme, context = page_context(request)
    return render_page(request, theme, "account", context)
