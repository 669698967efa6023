"""HTML pages on the platform host: the template gallery and the signup form (same rules as the API)."""

from django.conf import settings
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.templatetags.static import static
from django.views.decorators.http import require_http_methods

from micromall.api.throttling import page_throttle_wait
from shared_apps.tenancy.api.serializers import EMAIL_TAKEN, SUBDOMAIN_TAKEN, ShopCreateSerializer, SignupSerializer
from shared_apps.tenancy.autologin import login_link
from shared_apps.tenancy.selectors import absolute_url
from shared_apps.tenancy.services import SubdomainTaken, provision_shop
from shared_apps.tenancy.signup import EmailTaken, sign_up

from .selectors import active_templates
from .services import demo_subdomain

# Manifests name the industry with a code; visitors read a label. Unknown codes are shown as they are.
INDUSTRY_LABELS = {
    "general": "综合百货 General store",
    "beauty": "美妆个护 Beauty",
    "fresh_food": "生鲜果蔬 Fresh food",
    "mother_baby": "母婴 Mother & baby",
}


def _cards() -> list[dict]:
    return [
        {
            "template": template,
            "industry": INDUSTRY_LABELS.get(template.industry, template.industry),
            "preview_url": static(template.preview),
            "demo_url": absolute_url(f"{demo_subdomain(template.slug)}.{settings.ROOT_DOMAIN}"),
        }
        for template in active_templates()
    ]


def gallery(request):
    return render(request, "gallery/gallery.html", {"cards": _cards()})


@require_http_methods(["GET", "POST"])
def signup(request):
    values = {"template": request.GET.get("template", "")}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        wait = page_throttle_wait(request, "signup")  # the same budget as POST /api/v1/signup
        if wait is not None:
            message = "请求过于频繁，请稍后再试。Too many signups; try again later."
            return HttpResponse(message, status=429, headers={"Retry-After": str(wait)})
        values = {key: request.POST.get(key, "") for key in ("email", "shop_name", "subdomain", "template")}
        if request.user.is_authenticated:
            return _open_another_shop(request, values)
        serializer = SignupSerializer(data={**values, "password": request.POST.get("password", "")})
        if serializer.is_valid():
            try:
                result = sign_up(**serializer.validated_data)
            except EmailTaken:
                errors = {"email": [EMAIL_TAKEN]}
            except SubdomainTaken:
                errors = {"subdomain": [SUBDOMAIN_TAKEN]}
            else:
                # The shop host is another origin: a one-time link signs the owner into its back office.
                return HttpResponseRedirect(login_link(user=result.user, shop=result.shop))
        else:
            errors = {key: [str(m) for m in messages] for key, messages in serializer.errors.items()}
    return _signup_form(request, values, errors)


def _open_another_shop(request, values: dict):
    """A signed-in merchant opens one more shop: no new account, the same provisioning as POST /api/v1/shops."""
    serializer = ShopCreateSerializer(data=values)
    if not serializer.is_valid():
        errors = {key: [str(m) for m in messages] for key, messages in serializer.errors.items()}
        return _signup_form(request, values, errors)
    data = serializer.validated_data
    try:
        shop = provision_shop(
            name=data["shop_name"], subdomain=data["subdomain"], owner=request.user, template=data["template"]
        )
    except SubdomainTaken:
        return _signup_form(request, values, {"subdomain": [SUBDOMAIN_TAKEN]})
    return HttpResponseRedirect(login_link(user=request.user, shop=shop))


def _signup_form(request, values: dict, errors: dict):
    context = {
        "cards": _cards(),
        "values": values,
        "errors": errors,
        "root_domain": settings.ROOT_DOMAIN,
    }
    return render(request, "gallery/signup.html", context, status=400 if errors else 200)
