"""Custom domains: attach, prove control over real HTTP (a loopback server), route, primary, detach."""

import re
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.test import Client

from shared_apps.tenancy import domain_checks
from shared_apps.tenancy.models import CustomDomain, Domain
from shared_apps.tenancy.selectors import shop_url

from ..conftest import host_client, staff_of

DOMAINS = "/api/v1/manage/domains"


class VerifyFileServer:
    """A real HTTP server on loopback answering /.well-known/micromall-verify.txt per Host header."""

    def __init__(self):
        self.files: dict[str, str] = {}
        self.hosts_seen: list[str] = []
        files, seen = self.files, self.hosts_seen

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                host = self.headers.get("Host", "")
                seen.append(host)
                body = files.get(host)
                if self.path != "/.well-known/micromall-verify.txt" or body is None:
                    self.send_response(404)
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "text/plain")
                self.end_headers()
                self.wfile.write(body.encode())

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.address = f"127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)
        self.thread.start()

    def stop(self):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def verify_server(settings):
    server = VerifyFileServer()
    settings.CUSTOM_DOMAIN_RESOLVE = {"shop.example.com": server.address, "www.example.org": server.address}
    settings.CUSTOM_DOMAIN_TXT_RESOLVER = "tests.launch.test_custom_domains.no_txt"
    yield server
    server.stop()


def no_txt(name: str) -> list[str]:
    return []


@pytest.fixture
def owner_client(shop_a):
    from shared_apps.accounts.services import issue_token

    return host_client(shop_a, issue_token(user=staff_of(shop_a)))


def test_domain_routes_only_after_the_http_check_passes(owner_client, shop_a, verify_server):
    # given the owner attaches a domain
    response = owner_client.post(DOMAINS, {"domain": "Shop.Example.com."}, "application/json")
    assert response.status_code == 201, response.content
    body = response.json()
    token = CustomDomain.objects.get().token
    assert body["domain"] == "shop.example.com"
    assert body["status"] == "pending"
    assert body["verification"] == {
        "http_url": "http://shop.example.com/.well-known/micromall-verify.txt",
        "http_body": token,
        "txt_name": "_micromall.shop.example.com",
        "txt_value": f"micromall-verify={token}",
    }
    # then the unverified domain serves nothing
    assert Client(HTTP_HOST="shop.example.com").get("/healthz").status_code == 404
    # when verification runs before the file is published, it fails and says why
    failed = owner_client.post(f"{DOMAINS}/{body['id']}/verify")
    assert failed.status_code == 400
    assert "404" in failed.json()["errors"]["domain"][0]
    assert not Domain.objects.filter(domain="shop.example.com").exists()
    # a wrong token does not verify either
    verify_server.files["shop.example.com"] = "not-the-token"
    assert owner_client.post(f"{DOMAINS}/{body['id']}/verify").status_code == 400
    # when the owner publishes the token and verifies
    verify_server.files["shop.example.com"] = token + "\n"
    verified = owner_client.post(f"{DOMAINS}/{body['id']}/verify")
    # then the check went to the domain (Host header) and the domain now serves shop A
    assert verified.status_code == 200
    assert verified.json()["status"] == "verified"
    assert "shop.example.com" in verify_server.hosts_seen
    assert Domain.objects.get(domain="shop.example.com").tenant_id == shop_a.pk
    assert Client(HTTP_HOST="shop.example.com").get("/healthz").status_code == 200


def test_primary_domain_drives_generated_links(owner_client, shop_a, verify_server):
    custom_id = owner_client.post(DOMAINS, {"domain": "shop.example.com"}, "application/json").json()["id"]
    # a pending domain cannot be primary
    assert owner_client.post(f"{DOMAINS}/{custom_id}/primary").status_code == 400
    verify_server.files["shop.example.com"] = CustomDomain.objects.get().token
    owner_client.post(f"{DOMAINS}/{custom_id}/verify")
    response = owner_client.post(f"{DOMAINS}/{custom_id}/primary")
    assert response.status_code == 200
    assert response.json()["is_primary"] is True
    assert shop_url(shop_a, "/p/1") == "http://shop.example.com/p/1"
    assert list(Domain.objects.filter(tenant=shop_a, is_primary=True).values_list("domain", flat=True)) == [
        "shop.example.com"
    ]
    # switching back to the subdomain
    assert owner_client.post(f"{DOMAINS}/subdomain/primary").status_code == 204
    assert shop_url(shop_a) == "http://alpha.localhost:8000/"


def test_detaching_a_primary_domain_stops_routing_and_restores_the_subdomain(owner_client, shop_a, verify_server):
    custom_id = owner_client.post(DOMAINS, {"domain": "shop.example.com"}, "application/json").json()["id"]
    verify_server.files["shop.example.com"] = CustomDomain.objects.get().token
    owner_client.post(f"{DOMAINS}/{custom_id}/verify")
    owner_client.post(f"{DOMAINS}/{custom_id}/primary")
    assert Client(HTTP_HOST="shop.example.com").get("/healthz").status_code == 200
    assert owner_client.delete(f"{DOMAINS}/{custom_id}").status_code == 204
    assert Client(HTTP_HOST="shop.example.com").get("/healthz").status_code == 404
    assert shop_url(shop_a) == "http://alpha.localhost:8000/"
    assert CustomDomain.objects.count() == 0


@pytest.mark.parametrize(
    "domain",
    [
        "localhost",
        "beta.localhost",
        "x.localhost",
        "http://shop.example.com",
        "shop.example.com/path",
        "127.0.0.1",
        "nodot",
        "-bad.example.com",
        "a" * 64 + ".com",
        "exa mple.com",
        "shop.example.com:8080",
    ],
)
def test_bad_domains_are_field_errors(owner_client, domain):
    response = owner_client.post(DOMAINS, {"domain": domain}, "application/json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["domain"]
    assert CustomDomain.objects.count() == 0


def test_a_pending_claim_by_another_shop_does_not_block_the_real_owner(owner_client, shop_a, shop_b, verify_server):
    # given shop B claimed the domain first but never proved control
    squatter = CustomDomain.objects.create(shop=shop_b, domain="shop.example.com", token="b-token")
    # when shop A attaches it and publishes its own token
    response = owner_client.post(DOMAINS, {"domain": "shop.example.com"}, "application/json")
    assert response.status_code == 201
    mine = CustomDomain.objects.get(shop=shop_a)
    verify_server.files["shop.example.com"] = mine.token
    # then B's token does not verify B, and A's verification wins and removes B's claim
    assert squatter.token != mine.token
    assert owner_client.post(f"{DOMAINS}/{mine.pk}/verify").status_code == 200
    assert Domain.objects.get(domain="shop.example.com").tenant_id == shop_a.pk
    assert list(CustomDomain.objects.values_list("shop_id", flat=True)) == [shop_a.pk]
    # and attaching it twice to the same shop is refused
    again = owner_client.post(DOMAINS, {"domain": "shop.example.com"}, "application/json")
    assert again.status_code == 400
    assert list(again.json()["errors"]) == ["domain"]


def test_another_shop_cannot_take_a_verified_domain(shop_a, shop_b, verify_server):
    from shared_apps.accounts.services import issue_token

    CustomDomain.objects.create(shop=shop_a, domain="shop.example.com", token="a", status="verified")
    Domain.objects.create(domain="shop.example.com", tenant=shop_a, is_primary=False)
    owner_b = host_client(shop_b, issue_token(user=staff_of(shop_b)))
    response = owner_b.post(DOMAINS, {"domain": "shop.example.com"}, "application/json")
    assert response.status_code == 400
    assert CustomDomain.objects.filter(shop=shop_b).count() == 0


def test_private_addresses_are_never_fetched(verify_server):
    # given a web server on loopback that would answer for any host
    verify_server.files["localhost"] = "tok"
    # then a domain resolving to a private address (no explicit override) is refused before any request
    with pytest.raises(domain_checks.CheckFailed, match="private"):
        domain_checks.http_fetch("localhost")
    assert verify_server.hosts_seen == []


def test_dns_txt_route_verifies_through_the_pluggable_resolver(owner_client, settings, shop_a):
    custom_id = owner_client.post(DOMAINS, {"domain": "www.example.org"}, "application/json").json()["id"]
    token = CustomDomain.objects.get().token
    settings.CUSTOM_DOMAIN_HTTP_FETCHER = "tests.launch.test_custom_domains.no_http"
    settings.CUSTOM_DOMAIN_TXT_RESOLVER = "tests.launch.test_custom_domains.txt_records"
    TXT_RECORDS["_micromall.www.example.org"] = [f"micromall-verify={token}"]
    response = owner_client.post(f"{DOMAINS}/{custom_id}/verify")
    assert response.status_code == 200
    assert Domain.objects.get(domain="www.example.org").tenant_id == shop_a.pk


TXT_RECORDS: dict[str, list[str]] = {}


def txt_records(name: str) -> list[str]:
    return TXT_RECORDS.get(name, [])


def no_http(domain: str) -> str:
    from shared_apps.tenancy.domain_checks import CheckFailed

    raise CheckFailed("no web server")


def test_staff_and_foreign_shops_cannot_touch_domains(shop_a, shop_b, verify_server):
    from shared_apps.accounts.services import issue_token

    custom = CustomDomain.objects.create(shop=shop_a, domain="shop.example.com", token="tok")
    verify_server.files["shop.example.com"] = "tok"
    staff = host_client(shop_a, issue_token(user=staff_of(shop_a, "staff")))
    assert staff.get(DOMAINS).status_code == 403
    assert staff.post(f"{DOMAINS}/{custom.pk}/verify").status_code == 403
    assert staff.post(DOMAINS, {"domain": "www.example.org"}, "application/json").status_code == 403
    # shop B's owner sees none of A's domains and gets 404 for A's ids
    owner_b = host_client(shop_b, issue_token(user=staff_of(shop_b)))
    assert owner_b.get(DOMAINS).json() == []
    assert owner_b.post(f"{DOMAINS}/{custom.pk}/verify").status_code == 404
    assert owner_b.delete(f"{DOMAINS}/{custom.pk}").status_code == 404
    # A's owner token is no good on B's host
    owner_a_token = issue_token(user=staff_of(shop_a))
    assert host_client(shop_b, owner_a_token).get(DOMAINS).status_code == 403
    assert host_client(shop_a).get(DOMAINS).status_code == 401
    custom.refresh_from_db()
    assert custom.status == "pending"
    assert not Domain.objects.filter(domain="shop.example.com").exists()


def test_back_office_screen_attaches_and_verifies(shop_a, verify_server):
    owner = staff_of(shop_a)
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(owner)
    assert browser.get("/admin/tenancy/customdomain/").status_code == 200
    response = browser.post("/admin/tenancy/customdomain/add/", {"domain": "shop.example.com"})
    assert response.status_code == 302
    custom = CustomDomain.objects.get()
    assert (custom.shop_id, custom.status) == (shop_a.pk, "pending")
    page = browser.get(f"/admin/tenancy/customdomain/{custom.pk}/change/").content.decode()
    assert custom.token in page
    verify_server.files["shop.example.com"] = custom.token
    browser.post("/admin/tenancy/customdomain/", {"action": "verify", "_selected_action": [custom.pk]})
    custom.refresh_from_db()
    assert custom.status == "verified"
    assert Client(HTTP_HOST="shop.example.com").get("/healthz").status_code == 200


def test_back_office_names_a_new_domain_without_internal_ids(shop_a):
    browser = Client(HTTP_HOST="alpha.localhost")
    browser.force_login(staff_of(shop_a))

    page = browser.post("/admin/tenancy/customdomain/add/", {"domain": "shop.example.com"}, follow=True)

    # The CSRF token is random (it could hold "None"): leave it out of the text searched.
    body = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", page.content.decode())
    assert "shop.example.com (pending)" in body
    assert "None" not in body and f"-&gt; {shop_a.pk}" not in body
