"""Platform-host pages for a returning merchant: sign in, "my shops", a one-time hop into a back office, sign out.

Django session login with the platform account. The shop hosts are other origins, so the session never
reaches them: "Open back office" issues the same one-time login link the signup flow uses.
"""

from django.contrib.auth import login, logout
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods, require_POST

from micromall.api.throttling import page_throttle_wait
from shared_apps.accounts.interface import sign_in
from shared_apps.tenancy.autologin import login_link
from shared_apps.tenancy.models import Shop
from shared_apps.tenancy.selectors import membership_role, shop_url, shops_for_user

LOGIN_URL = "/login"
BAD_CREDENTIALS = "邮箱或密码不正确。Incorrect email or password."
REQUIRED = "请填写此项。This field is required."
TOO_MANY = "登录尝试过于频繁，请稍后再试。Too many sign-in attempts; try again later."

ROLE_LABELS = {"owner": "店主 Owner", "admin": "管理员 Admin", "staff": "店员 Staff", "finance": "财务 Finance"}
STATUS_LABELS = {"active": "营业中 Active", "suspended": "已暂停 Suspended", "closed": "已关闭 Closed"}


def _next_url(request, value: str) -> str:
    # Only same-host paths: an open redirect after sign-in would be a phishing aid.
    if value and url_has_allowed_host_and_scheme(value, allowed_hosts={request.get_host()}):
        return value
    return "/shops"


@require_http_methods(["GET", "POST"])
def login_page(request):
    next_url = _next_url(request, request.POST.get("next") or request.GET.get("next", ""))
    if request.method == "GET" and request.user.is_authenticated:
        return HttpResponseRedirect(next_url)
    email, errors = "", {}
    if request.method == "POST":
        wait = page_throttle_wait(request, "signin")  # the same budget as POST /api/v1/auth/token
        if wait is not None:
            context = {"errors": {"detail": [TOO_MANY]}, "next": next_url}
            response = render(request, "gallery/login.html", context, status=429)
            response["Retry-After"] = str(wait)
            return response
        email, password = request.POST.get("email", "").strip(), request.POST.get("password", "")
        errors = {name: [REQUIRED] for name, value in (("email", email), ("password", password)) if not value}
        if not errors:
            user = sign_in(email=email, password=password)
            if user is None:
                errors = {"detail": [BAD_CREDENTIALS]}
            else:
                login(request, user)  # rotates the session key and the CSRF token
                return HttpResponseRedirect(next_url)
    context = {"errors": errors, "email": email, "next": next_url}
    return render(request, "gallery/login.html", context, status=400 if errors else 200)


@require_http_methods(["GET", "POST"])
def logout_page(request):
    if request.method == "POST":
        logout(request)
        return HttpResponseRedirect(LOGIN_URL)
    if not request.user.is_authenticated:
        return HttpResponseRedirect(LOGIN_URL)
    # A GET never signs out (a cross-site <img src=/logout> must not); it offers the button instead.
    return render(request, "gallery/logout.html")


@login_required(login_url=LOGIN_URL)
def my_shops(request):
    rows = [
        {
            "shop": membership.shop,
            "role": ROLE_LABELS.get(membership.role, membership.role),
            "status": STATUS_LABELS.get(membership.shop.status, membership.shop.status),
            "store_url": shop_url(membership.shop),
        }
        for membership in shops_for_user(request.user)
    ]
    return render(request, "gallery/shops.html", {"rows": rows})


@require_POST
@login_required(login_url=LOGIN_URL)
def open_back_office(request, shop_id: int):
    """Redirect to a fresh one-time login link for the shop's /admin/; 404 unless the user has a role there."""
    shop = Shop.objects.filter(pk=shop_id).first()
    if shop is None or membership_role(user=request.user, shop=shop) is None:
        raise Http404
    response = HttpResponseRedirect(login_link(user=request.user, shop=shop))
    response["Cache-Control"] = "no-store"
    return response
