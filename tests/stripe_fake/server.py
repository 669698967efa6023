"""A loopback Stripe API for tests: the official SDK talks real HTTP to it, it answers like Stripe.

Every request is decoded, validated against Stripe's published request schema and recorded; every object it returns
is built from Stripe's published example fixture and validated against the resource schema. Idempotency keys
behave as on Stripe: the same key replays the first response, a key reused with other parameters is a 400.
"""

from __future__ import annotations

import contextlib
import hashlib
import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import urlsplit

from . import spec

PLATFORM = "platform"  # the account objects live on when no Stripe-Account header is sent


class StripeError(Exception):
    def __init__(self, status: int, type_: str, message: str, **fields):
        super().__init__(message)
        self.status = status
        self.body = {"error": {"type": type_, "message": message, **fields}}


def _missing(kind: str, object_id: str, param: str = "id") -> StripeError:
    return StripeError(
        404, "invalid_request_error", f"No such {kind}: '{object_id}'", code="resource_missing", param=param
    )


@dataclass
class RecordedRequest:
    method: str
    path: str
    params: dict
    headers: dict[str, str]
    status: int = 0
    response: dict = field(default_factory=dict)

    @property
    def idempotency_key(self) -> str | None:
        return self.headers.get("idempotency-key")

    @property
    def stripe_version(self) -> str | None:
        return self.headers.get("stripe-version")

    @property
    def stripe_account(self) -> str | None:
        return self.headers.get("stripe-account")


ROUTES: list[tuple[str, str, str]] = [
    # (method, spec path template, handler name); order matters only for literal-vs-variable clashes
    ("post", "/v1/payment_intents", "create_payment_intent"),
    ("get", "/v1/payment_intents/{intent}", "retrieve_payment_intent"),
    ("post", "/v1/refunds", "create_refund"),
    ("get", "/v1/refunds/{refund}", "retrieve_refund"),
    ("post", "/v1/customers", "create_customer"),
    ("get", "/v1/customers/{customer}", "retrieve_customer"),
    ("post", "/v1/customers/{customer}", "update_customer"),
    ("post", "/v1/products", "create_product"),
    ("post", "/v1/prices", "create_price"),
    ("post", "/v1/subscriptions", "create_subscription"),
    ("get", "/v1/subscriptions/{subscription_exposed_id}", "retrieve_subscription"),
    ("post", "/v1/subscriptions/{subscription_exposed_id}", "update_subscription"),
    ("delete", "/v1/subscriptions/{subscription_exposed_id}", "cancel_subscription"),
    ("post", "/v1/invoiceitems", "create_invoice_item"),
    ("post", "/v1/invoices", "create_invoice"),
    ("get", "/v1/invoices", "list_invoices"),
    ("post", "/v1/invoices/{invoice}/finalize", "finalize_invoice"),
    ("post", "/v1/invoices/{invoice}/pay", "pay_invoice"),
    ("get", "/v1/invoices/{invoice}", "retrieve_invoice"),
    ("post", "/v1/transfers", "create_transfer"),
]


def _route_pattern(template: str) -> re.Pattern:
    return re.compile("^" + re.sub(r"\{[a-z_]+\}", r"([^/]+)", template) + "$")


COMPILED = [(method, _route_pattern(template), template, handler) for method, template, handler in ROUTES]


class FakeStripe:
    """State of the fake Stripe. `url` is what the SDK's api_base / base_addresses["api"] points at."""

    api_key_prefix = "sk_test_"

    def __init__(self) -> None:
        self._lock = threading.RLock()
        self._httpd: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self.clock: Callable[[], int] = lambda: int(time.time())
        self.reset()

    # --- lifecycle -----------------------------------------------------------------------------------------------

    def start(self) -> FakeStripe:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args):  # keep pytest output clean
                pass

            def _serve(self):
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length).decode() if length else ""
                status, payload, extra_headers = fake.handle(self.command, self.path, dict(self.headers.items()), body)
                data = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("Request-Id", f"req_{next(fake._ids):014d}")
                for name, value in extra_headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_DELETE = _serve

        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._httpd.daemon_threads = True
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="fake-stripe", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        if self._httpd:
            self._httpd.shutdown()
            self._httpd.server_close()
            self._httpd = None

    @property
    def url(self) -> str:
        assert self._httpd, "start() the fake first"
        return f"http://127.0.0.1:{self._httpd.server_address[1]}"

    def reset(self) -> None:
        with self._lock:
            self.requests: list[RecordedRequest] = []
            self.spec_violations: list[str] = []  # requests our code sent that Stripe's schema refuses
            self.fixture_errors: list[str] = []  # objects the fake built that Stripe's schema refuses (a fake bug)
            self.objects: dict[str, dict[str, dict]] = {}  # account -> id -> object
            self.idempotency: dict[tuple[str, str], tuple[str, int, dict]] = {}
            self.declining_customers: set[str] = set()
            self.refunded: dict[str, int] = {}  # payment intent id -> refunded amount
            self._ids = itertools.count(1)

    # --- test helpers --------------------------------------------------------------------------------------------

    def requests_to(self, method: str, path: str) -> list[RecordedRequest]:
        """Recorded requests with this method whose path equals `path` or starts with `path` + '/'."""
        return [
            r
            for r in self.requests
            if r.method == method.upper() and (r.path == path or r.path.startswith(path.rstrip("/") + "/"))
        ]

    def get(self, object_id: str, account: str | None = None) -> dict:
        return self.objects[account or PLATFORM][object_id]

    def decline_payments(self, customer: str) -> None:
        """Invoices of this customer fail to pay (card_declined) until `accept_payments`."""
        self.declining_customers.add(customer)

    def accept_payments(self, customer: str) -> None:
        self.declining_customers.discard(customer)

    def succeed_payment_intent(self, intent_id: str, account: str | None = None) -> dict:
        """What happens when the buyer completes the payment: status succeeded, a charge exists."""
        with self._lock:
            intent = self.get(intent_id, account)
            intent.update(
                status="succeeded",
                amount_received=intent["amount"],
                latest_charge=self._new_id("ch"),
                payment_method=self._new_id("pm"),
            )
            return self._checked("payment_intent", intent)

    def renew_subscription(self, subscription_id: str, account: str | None = None) -> dict:
        """The period ends (after `clock` moved on): a new period, a renewal invoice charged now.

        Returns the invoice; a declined payment leaves it open and the subscription past_due, as on Stripe."""
        with self._lock:
            account = account or PLATFORM
            subscription = self._load(account, "subscription", subscription_id)
            start = subscription["current_period_end"]
            subscription["current_period_start"] = start
            subscription["current_period_end"] = self._period_end(start, subscription["items"]["data"][0]["price"])
            if subscription["status"] == "trialing":
                subscription["status"] = "active"
            invoice = self._invoice_for_subscription(account, subscription, "subscription_cycle")
            subscription["latest_invoice"] = invoice["id"]
            if invoice["status"] != "paid":
                subscription["status"] = "past_due"
            self._checked("subscription", subscription)
            return self._checked("invoice", invoice)

    def retry_invoice(self, invoice_id: str, account: str | None = None) -> dict:
        """Stripe's smart retry: charge the open invoice again (succeeds once the customer accepts payments)."""
        with self._lock:
            invoice = self._load(account or PLATFORM, "invoice", invoice_id)
            with contextlib.suppress(StripeError):
                self._pay(invoice)
            return self._checked("invoice", invoice)

    # --- dispatch ------------------------------------------------------------------------------------------------

    def handle(self, method: str, raw_path: str, headers: dict[str, str], body: str) -> tuple[int, dict, dict]:
        parts = urlsplit(raw_path)
        headers = {k.lower(): v for k, v in headers.items()}
        query = body if method == "POST" else parts.query
        record = RecordedRequest(method=method, path=parts.path, params={}, headers=headers)
        with self._lock:
            self.requests.append(record)
            status, payload, extra = self._dispatch(method.lower(), parts.path, headers, query, record)
            record.status, record.response = status, payload
            return status, payload, extra

    def _dispatch(self, method, path, headers, query, record) -> tuple[int, dict, dict]:
        auth = headers.get("authorization", "")
        if not auth.startswith("Bearer " + self.api_key_prefix):
            return 401, StripeError(401, "invalid_request_error", "Invalid API Key provided.").body, {}
        for route_method, pattern, template, handler in COMPILED:
            match = pattern.match(path) if route_method == method else None
            if not match:
                continue
            params = spec.decode_request(method, template, query)
            record.params = params
            problems = spec.request_errors(method, template, params)
            if problems:
                self.spec_violations += [f"{method.upper()} {path}: {p}" for p in problems]
                message = "Received unknown or invalid parameters: " + "; ".join(problems)
                return 400, StripeError(400, "invalid_request_error", message).body, {}
            account = headers.get("stripe-account") or PLATFORM
            key = headers.get("idempotency-key")
            fingerprint = hashlib.sha256(f"{method} {path} {json.dumps(params, sort_keys=True)}".encode()).hexdigest()
            if method == "post" and key and (account, key) in self.idempotency:
                first_fingerprint, status, payload = self.idempotency[(account, key)]
                if first_fingerprint != fingerprint:
                    message = (
                        "Keys for idempotent requests can only be used with the same parameters they were first"
                        f" used with. Try using a key other than '{key}' if you meant to execute a different request."
                    )
                    return 400, StripeError(400, "idempotency_error", message).body, {}
                return status, payload, {"Idempotent-Replayed": "true", "Idempotency-Key": key}
            try:
                payload = getattr(self, handler)(account, params, *match.groups())
                status = 200
            except StripeError as error:
                status, payload = error.status, error.body
            if method == "post" and key:
                self.idempotency[(account, key)] = (fingerprint, status, payload)
            return status, payload, ({"Idempotency-Key": key} if key else {})
        return (
            404,
            StripeError(404, "invalid_request_error", f"Unrecognized request URL ({method.upper()}: {path}).").body,
            {},
        )

    # --- object store --------------------------------------------------------------------------------------------

    def _new_id(self, prefix: str) -> str:
        return f"{prefix}_fake{next(self._ids):010d}"

    def _checked(self, resource: str, obj: dict) -> dict:
        problems = spec.object_errors(resource, obj)
        if problems:
            self.fixture_errors += [f"{resource} {obj.get('id')}: {p}" for p in problems]
            raise StripeError(500, "api_error", "Fake Stripe built an object outside Stripe's schema: " + problems[0])
        return json.loads(json.dumps(obj))  # a snapshot: later changes to the stored object do not leak into it

    def _store(self, account: str, resource: str, obj: dict) -> dict:
        self.objects.setdefault(account, {})[obj["id"]] = obj
        return self._checked(resource, obj)

    def _load(self, account: str, kind: str, object_id: str, param: str = "id") -> dict:
        obj = self.objects.get(account, {}).get(object_id)
        if obj is None or obj.get("object") != kind:
            raise _missing(kind, object_id, param)
        return obj

    def _base(self, resource: str, prefix: str, **values) -> dict:
        obj = spec.fixture(resource)
        obj["id"] = self._new_id(prefix)
        for key, value in (("created", self.clock()), ("livemode", False)):
            if key in obj:  # not every resource has them (an invoice item has `date`)
                obj[key] = value
        if "metadata" in obj:
            obj["metadata"] = {}
        obj.update(values)
        return obj

    # --- PaymentIntents, Refunds, Transfers ------------------------------------------------------------------------

    def create_payment_intent(self, account, params):
        intent = self._base(
            "payment_intent",
            "pi",
            amount=params["amount"],
            currency=params["currency"],
            application_fee_amount=params.get("application_fee_amount"),
            payment_method_types=params.get("payment_method_types") or ["card"],
            metadata=params.get("metadata") or {},
            customer=params.get("customer"),
            description=params.get("description"),
            status="requires_payment_method",
            amount_received=0,
            amount_capturable=0,
            latest_charge=None,
            payment_method=None,
            transfer_group=params.get("transfer_group"),
            on_behalf_of=params.get("on_behalf_of"),
            statement_descriptor=params.get("statement_descriptor"),
            capture_method=params.get("capture_method", "automatic"),
            confirmation_method=params.get("confirmation_method", "automatic"),
            automatic_payment_methods=None,
            next_action=None,
            last_payment_error=None,
            canceled_at=None,
            cancellation_reason=None,
        )
        intent["client_secret"] = f"{intent['id']}_secret_{hashlib.sha256(intent['id'].encode()).hexdigest()[:24]}"
        self.refunded[intent["id"]] = 0
        return self._store(account, "payment_intent", intent)

    def retrieve_payment_intent(self, account, params, intent_id):
        return self._checked("payment_intent", self._load(account, "payment_intent", intent_id, "intent"))

    def create_refund(self, account, params):
        intent_id = params.get("payment_intent")
        if not intent_id:
            raise StripeError(400, "invalid_request_error", "One of `charge` or `payment_intent` is required.")
        intent = self._load(account, "payment_intent", intent_id, "payment_intent")
        if intent["status"] != "succeeded":
            raise StripeError(
                400,
                "invalid_request_error",
                f"This PaymentIntent ({intent_id}) does not have a successful charge to refund.",
            )
        remaining = intent["amount_received"] - self.refunded[intent_id]
        amount = params.get("amount", remaining)
        if amount > remaining or amount <= 0:
            raise StripeError(
                400,
                "invalid_request_error",
                f"Refund amount ({amount}) is greater than unrefunded amount on charge ({remaining})",
                param="amount",
                code="amount_too_large",
            )
        self.refunded[intent_id] += amount
        refund = self._base(
            "refund",
            "re",
            amount=amount,
            currency=intent["currency"],
            payment_intent=intent_id,
            charge=intent["latest_charge"],
            metadata=params.get("metadata") or {},
            reason=params.get("reason"),
            status="succeeded",
        )
        return self._store(account, "refund", refund)

    def retrieve_refund(self, account, params, refund_id):
        return self._checked("refund", self._load(account, "refund", refund_id, "refund"))

    def create_transfer(self, account, params):
        transfer = self._base(
            "transfer",
            "tr",
            amount=params["amount"],
            currency=params["currency"],
            destination=params["destination"],
            transfer_group=params.get("transfer_group"),
            metadata=params.get("metadata") or {},
            description=params.get("description"),
            amount_reversed=0,
            reversed=False,
            balance_transaction=self._new_id("txn"),
            destination_payment=self._new_id("py"),
            source_transaction=params.get("source_transaction"),
        )
        transfer["reversals"]["url"] = f"/v1/transfers/{transfer['id']}/reversals"
        return self._store(account, "transfer", transfer)

    # --- Customers, Products, Prices -------------------------------------------------------------------------------

    def create_customer(self, account, params):
        customer = self._base(
            "customer",
            "cus",
            email=params.get("email"),
            name=params.get("name"),
            description=params.get("description"),
            metadata=params.get("metadata") or {},
        )
        return self._store(account, "customer", customer)

    def retrieve_customer(self, account, params, customer_id):
        return self._checked("customer", self._load(account, "customer", customer_id, "customer"))

    def update_customer(self, account, params, customer_id):
        customer = self._load(account, "customer", customer_id, "customer")
        for key in ("email", "name", "description"):
            if key in params:
                customer[key] = params[key] or None
        customer["metadata"].update(params.get("metadata") or {})
        return self._checked("customer", customer)

    def create_product(self, account, params):
        product = self._base(
            "product",
            "prod",
            name=params["name"],
            description=params.get("description"),
            metadata=params.get("metadata") or {},
            active=params.get("active", True),
            updated=self.clock(),
        )
        if params.get("id"):
            product["id"] = params["id"]
        return self._store(account, "product", product)

    def create_price(self, account, params):
        product_id = params.get("product")
        if product_id is None and "product_data" in params:
            product_id = self.create_product(account, params["product_data"])["id"]
        if product_id is None:
            raise StripeError(400, "invalid_request_error", "Missing required param: product.", param="product")
        self._load(account, "product", product_id, "product")
        recurring = params.get("recurring")
        price = self._base(
            "price",
            "price",
            currency=params["currency"],
            unit_amount=params.get("unit_amount"),
            unit_amount_decimal=str(params.get("unit_amount")),
            product=product_id,
            nickname=params.get("nickname"),
            lookup_key=params.get("lookup_key"),
            metadata=params.get("metadata") or {},
            type="recurring" if recurring else "one_time",
            recurring=(
                {
                    "aggregate_usage": None,
                    "interval": recurring["interval"],
                    "interval_count": recurring.get("interval_count", 1),
                    "trial_period_days": None,
                    "usage_type": "licensed",
                }
                if recurring
                else None
            ),
        )
        return self._store(account, "price", price)

    # --- Subscriptions -------------------------------------------------------------------------------------------

    def _period_end(self, start: int, price: dict) -> int:
        days = {"day": 1, "week": 7, "month": 30, "year": 365}[price["recurring"]["interval"]]
        return start + days * price["recurring"]["interval_count"] * 86400

    def _subscription_item(self, subscription_id: str, price: dict, quantity: int, metadata=None) -> dict:
        item = spec.fixture("subscription_item")
        item.update(
            id=self._new_id("si"),
            created=self.clock(),
            metadata=dict(metadata or {}),
            price=json.loads(json.dumps(price)),
            quantity=quantity,
            subscription=subscription_id,
            tax_rates=[],
        )
        item.pop("plan", None)  # the legacy Plan mirror of the price; optional in the schema
        return item

    def create_subscription(self, account, params):
        customer = self._load(account, "customer", params["customer"], "customer")
        now = self.clock()
        subscription = self._base(
            "subscription",
            "sub",
            customer=customer["id"],
            metadata=params.get("metadata") or {},
            cancel_at_period_end=False,
            cancel_at=None,
            canceled_at=None,
            ended_at=None,
            collection_method=params.get("collection_method", "charge_automatically"),
            days_until_due=params.get("days_until_due"),
            start_date=now,
            billing_cycle_anchor=now,
            latest_invoice=None,
            pending_update=None,
            schedule=None,
            discount=None,
            default_payment_method=params.get("default_payment_method"),
        )
        subscription.pop("plan", None)
        subscription.pop("quantity", None)
        items = []
        for entry in params["items"]:
            price = self._load(account, "price", entry["price"], "items[0][price]")
            items.append(
                self._subscription_item(subscription["id"], price, entry.get("quantity", 1), entry.get("metadata"))
            )
        subscription["items"] = {
            "object": "list",
            "data": items,
            "has_more": False,
            "url": f"/v1/subscription_items?subscription={subscription['id']}",
        }
        subscription["currency"] = items[0]["price"]["currency"]
        trial_days = params.get("trial_period_days")
        trial_end = params.get("trial_end")
        if trial_days:
            trial_end = now + trial_days * 86400
        if isinstance(trial_end, int) and trial_end > now:
            subscription.update(status="trialing", trial_start=now, trial_end=trial_end)
            subscription.update(current_period_start=now, current_period_end=trial_end)
        else:
            subscription.update(status="active", trial_start=None, trial_end=None)
            subscription.update(current_period_start=now, current_period_end=self._period_end(now, items[0]["price"]))
            self._store(account, "subscription", subscription)
            invoice = self._invoice_for_subscription(account, subscription, "subscription_create")
            subscription["latest_invoice"] = invoice["id"]
            if invoice["status"] != "paid":
                subscription["status"] = "incomplete"
        return self._store(account, "subscription", subscription)

    def retrieve_subscription(self, account, params, subscription_id):
        return self._checked("subscription", self._load(account, "subscription", subscription_id, "subscription"))

    def update_subscription(self, account, params, subscription_id):
        subscription = self._load(account, "subscription", subscription_id, "subscription")
        if subscription["status"] == "canceled":
            raise StripeError(
                400,
                "invalid_request_error",
                "A canceled subscription can only update its cancellation_details and metadata.",
            )
        now = self.clock()
        if "cancel_at_period_end" in params:
            subscription["cancel_at_period_end"] = params["cancel_at_period_end"]
            subscription["cancel_at"] = subscription["current_period_end"] if params["cancel_at_period_end"] else None
        subscription["metadata"].update(params.get("metadata") or {})
        behavior = params.get("proration_behavior", "create_prorations")
        prorating = behavior != "none" and subscription["status"] == "active"
        entries = params.get("items") or []
        for entry in entries:
            if entry.get("id") and not any(i["id"] == entry["id"] for i in subscription["items"]["data"]):
                raise _missing("subscription_item", entry["id"], "items[0][id]")
        deleted = {entry["id"] for entry in entries if entry.get("deleted") and entry.get("id")}
        if deleted and len(subscription["items"]["data"]) - len(deleted) + sum(not e.get("id") for e in entries) < 1:
            raise StripeError(400, "invalid_request_error", "A subscription must have at least one active plan.")
        for entry in entries:
            old = next((i for i in subscription["items"]["data"] if i["id"] == entry.get("id")), None)
            if old is not None and entry.get("deleted"):  # the item leaves: credit for its unused time
                if prorating:
                    self._prorate(account, subscription, old, old["price"], None, now, behavior)
                subscription["items"]["data"].remove(old)
                continue
            price = self._load(account, "price", entry["price"], "items[0][price]") if entry.get("price") else None
            if old is None:
                if price is None:
                    raise StripeError(400, "invalid_request_error", "Missing required param: items[0][price].")
                item = self._subscription_item(subscription_id, price, entry.get("quantity", 1), entry.get("metadata"))
                subscription["items"]["data"].append(item)
                if prorating:  # a new item: charge for the rest of the period
                    self._prorate(account, subscription, item, None, price, now, behavior)
                continue
            if price is not None:
                if prorating:
                    self._prorate(account, subscription, old, old["price"], price, now, behavior)
                old["price"] = json.loads(json.dumps(price))
            old["quantity"] = entry.get("quantity", old["quantity"])
            if isinstance(entry.get("metadata"), dict):
                old["metadata"].update(entry["metadata"])
        if params.get("trial_end") == "now" and subscription["status"] == "trialing":
            subscription.update(status="active", trial_end=now, current_period_start=now)
            subscription["current_period_end"] = self._period_end(now, subscription["items"]["data"][0]["price"])
            invoice = self._invoice_for_subscription(account, subscription, "subscription_update")
            subscription["latest_invoice"] = invoice["id"]
            if invoice["status"] != "paid":
                subscription["status"] = "past_due"
        return self._checked("subscription", subscription)

    def _prorate(self, account, subscription, item, old_price, new_price, now, behavior):
        """Proration invoice items of one subscription item: a credit for the old price's unused time (none for a
        new item) and a charge for the rest of the period on the new price (none for a deleted item)."""
        start, end = subscription["current_period_start"], subscription["current_period_end"]
        remaining, total = max(end - now, 0), max(end - start, 1)
        pending = []
        for price, sign, text in ((old_price, -1, "Unused time on"), (new_price, 1, "Remaining time on")):
            if price is None:
                continue
            amount = sign * round(price["unit_amount"] * item["quantity"] * remaining / total)
            pending.append(
                self._new_invoice_item(
                    account,
                    customer=subscription["customer"],
                    amount=amount,
                    currency=price["currency"],
                    description=f"{text} {price['id']} after {now}",
                    subscription=subscription["id"],
                    proration=True,
                    period={"start": now, "end": end},
                    price=price,
                    subscription_item=item["id"],
                )
            )
        if behavior == "always_invoice":
            invoice = self._draft_invoice(account, subscription["customer"], subscription["id"], "subscription_update")
            self._finalize_and_pay(account, invoice)

    # --- Invoice items and invoices ------------------------------------------------------------------------------

    def _new_invoice_item(
        self,
        account,
        *,
        customer,
        amount,
        currency,
        description,
        subscription=None,
        proration=False,
        period=None,
        price=None,
        metadata=None,
        subscription_item=None,
    ) -> dict:
        now = self.clock()
        item = self._base(
            "invoiceitem",
            "ii",
            customer=customer,
            amount=amount,
            currency=currency,
            description=description,
            subscription=subscription,
            proration=proration,
            period=period or {"start": now, "end": now},
            date=now,
            invoice=None,
            metadata=metadata or {},
            quantity=1,
            unit_amount=amount,
            unit_amount_decimal=str(amount),
            discountable=True,
        )
        item.pop("subscription_item", None)  # optional, and never null
        if subscription_item:
            item["subscription_item"] = subscription_item
        item["price"] = json.loads(json.dumps(price)) if price else self._one_time_price(account, amount, currency)
        return self._store(account, "invoiceitem", item) and item

    def _one_time_price(self, account, amount, currency) -> dict:
        price = spec.fixture("price")
        price.update(
            id=self._new_id("price"),
            created=self.clock(),
            currency=currency,
            unit_amount=amount,
            unit_amount_decimal=str(amount),
            type="one_time",
            recurring=None,
            metadata={},
            product=self._new_id("prod"),
        )
        return price

    def create_invoice_item(self, account, params):
        self._load(account, "customer", params["customer"], "customer")
        amount = params.get("amount")
        if amount is None:
            raise StripeError(400, "invalid_request_error", "Missing required param: amount.", param="amount")
        item = self._new_invoice_item(
            account,
            customer=params["customer"],
            amount=amount,
            currency=params.get("currency", "usd"),
            description=params.get("description"),
            subscription=params.get("subscription"),
            period=params.get("period"),
            metadata=params.get("metadata"),
        )
        if params.get("invoice"):
            invoice = self._load(account, "invoice", params["invoice"], "invoice")
            self._attach(invoice, [item])
        return self._checked("invoiceitem", item)

    def _line_for(self, item: dict) -> dict:
        line = spec.fixture("line_item")
        line.update(
            id=self._new_id("il"),
            amount=item["amount"],
            amount_excluding_tax=item["amount"],
            unit_amount_excluding_tax=str(item["unit_amount"]),
            currency=item["currency"],
            description=item["description"],
            invoice_item=item["id"],
            metadata=dict(item["metadata"]),
            period=dict(item["period"]),
            price=item["price"],
            proration=item["proration"],
            quantity=item["quantity"],
            subscription=item["subscription"],
            type="invoiceitem",
            discount_amounts=[],
            discounts=[],
            tax_amounts=[],
            tax_rates=[],
        )
        line.pop("subscription_item", None)
        if item.get("subscription_item"):  # a proration names the subscription item it prorates
            line["subscription_item"] = item["subscription_item"]
        return line

    def _subscription_lines(self, subscription: dict) -> list[dict]:
        """One line per subscription item (several items = one invoice with a line each)."""
        return [self._subscription_line(subscription, item) for item in subscription["items"]["data"]]

    def _subscription_line(self, subscription: dict, item: dict) -> dict:
        line = spec.fixture("line_item")
        amount = item["price"]["unit_amount"] * item["quantity"]
        line.update(
            id=self._new_id("il"),
            amount=amount,
            amount_excluding_tax=amount,
            unit_amount_excluding_tax=str(item["price"]["unit_amount"]),
            currency=item["price"]["currency"],
            description=f"{item['quantity']} × {item['price']['id']}",
            metadata=dict(subscription["metadata"]),
            period={"start": subscription["current_period_start"], "end": subscription["current_period_end"]},
            price=item["price"],
            proration=False,
            quantity=item["quantity"],
            subscription=subscription["id"],
            subscription_item=item["id"],
            type="subscription",
            discount_amounts=[],
            discounts=[],
            tax_amounts=[],
            tax_rates=[],
        )
        line.pop("invoice_item", None)  # a subscription line has no invoice item (the field is optional)
        return line

    def _draft_invoice(
        self,
        account,
        customer,
        subscription_id,
        reason,
        *,
        pending=True,
        collection="charge_automatically",
        metadata=None,
    ) -> dict:
        now = self.clock()
        invoice = self._base(
            "invoice",
            "in",
            customer=customer,
            subscription=subscription_id,
            billing_reason=reason,
            collection_method=collection,
            status="draft",
            paid=False,
            attempted=False,
            attempt_count=0,
            amount_paid=0,
            number=None,
            metadata=metadata or {},
            period_start=now,
            period_end=now,
            due_date=None,
            effective_at=None,
            next_payment_attempt=None,
            webhooks_delivered_at=None,
            status_transitions={
                "finalized_at": None,
                "marked_uncollectible_at": None,
                "paid_at": None,
                "voided_at": None,
            },
        )
        invoice["lines"] = {
            "object": "list",
            "data": [],
            "has_more": False,
            "url": f"/v1/invoices/{invoice['id']}/lines",
        }
        self.objects.setdefault(account, {})[invoice["id"]] = invoice
        if pending:
            items = [
                o
                for o in self.objects[account].values()
                if o["object"] == "invoiceitem"
                and o["customer"] == customer
                and o["invoice"] is None
                and (subscription_id is None or o["subscription"] in (None, subscription_id))
            ]
            self._attach(invoice, items)
        self._totals(invoice)
        return invoice

    def _attach(self, invoice: dict, items: list[dict]) -> None:
        for item in items:
            item["invoice"] = invoice["id"]
            invoice["lines"]["data"].append(self._line_for(item))
        self._totals(invoice)

    def _totals(self, invoice: dict) -> None:
        total = sum(line["amount"] for line in invoice["lines"]["data"])
        invoice.update(
            subtotal=total,
            subtotal_excluding_tax=total,
            total=total,
            total_excluding_tax=total,
            amount_due=max(total, 0),
            amount_remaining=max(total, 0) - invoice["amount_paid"],
            ending_balance=None,
        )

    def _invoice_for_subscription(self, account, subscription, reason) -> dict:
        invoice = self._draft_invoice(account, subscription["customer"], subscription["id"], reason)
        invoice["lines"]["data"][0:0] = self._subscription_lines(subscription)
        invoice["period_start"] = subscription["current_period_start"]
        invoice["period_end"] = subscription["current_period_end"]
        self._totals(invoice)
        return self._finalize_and_pay(account, invoice)

    def _finalize(self, invoice: dict) -> None:
        now = self.clock()
        invoice["status"] = "open"
        invoice["number"] = f"FAKE-{next(self._ids):04d}"
        invoice["effective_at"] = now
        invoice["status_transitions"]["finalized_at"] = now
        invoice["hosted_invoice_url"] = f"https://invoice.stripe.com/i/{invoice['id']}"

    def _finalize_and_pay(self, account, invoice: dict) -> dict:
        self._finalize(invoice)
        if invoice["collection_method"] == "charge_automatically":
            # a decline keeps the invoice open for Stripe's retries (the webhook says invoice.payment_failed)
            with contextlib.suppress(StripeError):
                self._pay(invoice)
        return invoice

    def _pay(self, invoice: dict, out_of_band: bool = False) -> None:
        invoice["attempted"] = True
        invoice["attempt_count"] += 1
        declined = invoice["customer"] in self.declining_customers and not out_of_band
        if invoice["amount_due"] > 0 and declined:
            invoice["next_payment_attempt"] = self.clock() + 3 * 86400
            raise StripeError(
                402,
                "card_error",
                "Your card was declined.",
                code="card_declined",
                decline_code="generic_decline",
            )
        now = self.clock()
        invoice.update(status="paid", paid=True, amount_paid=invoice["amount_due"], amount_remaining=0)
        invoice["next_payment_attempt"] = None
        invoice["status_transitions"]["paid_at"] = now
        for subscription in self.objects_of("subscription"):
            if subscription["id"] == invoice["subscription"] and subscription["status"] in ("past_due", "incomplete"):
                subscription["status"] = "active"

    def objects_of(self, kind: str) -> list[dict]:
        return [o for objects in self.objects.values() for o in objects.values() if o["object"] == kind]

    def create_invoice(self, account, params):
        self._load(account, "customer", params["customer"], "customer")
        invoice = self._draft_invoice(
            account,
            params["customer"],
            params.get("subscription"),
            "manual",
            pending=params.get("pending_invoice_items_behavior", "exclude") == "include",
            collection=params.get("collection_method", "charge_automatically"),
            metadata=params.get("metadata"),
        )
        invoice["auto_advance"] = params.get("auto_advance", False)
        return self._checked("invoice", invoice)

    def list_invoices(self, account, params):
        invoices = [
            o
            for o in self.objects.get(account, {}).values()
            if o["object"] == "invoice"
            and all(o.get(key) == params[key] for key in ("customer", "subscription", "status") if key in params)
        ]
        invoices.sort(key=lambda o: o["created"], reverse=True)
        limit = params.get("limit", 10)
        return {
            "object": "list",
            "data": [self._checked("invoice", o) for o in invoices[:limit]],
            "has_more": len(invoices) > limit,
            "url": "/v1/invoices",
        }

    def retrieve_invoice(self, account, params, invoice_id):
        return self._checked("invoice", self._load(account, "invoice", invoice_id, "invoice"))

    def finalize_invoice(self, account, params, invoice_id):
        invoice = self._load(account, "invoice", invoice_id, "invoice")
        if invoice["status"] != "draft":
            raise StripeError(400, "invalid_request_error", "This invoice is already finalized.")
        self._finalize(invoice)
        return self._checked("invoice", invoice)

    def pay_invoice(self, account, params, invoice_id):
        invoice = self._load(account, "invoice", invoice_id, "invoice")
        if invoice["status"] == "draft":
            self._finalize(invoice)
        if invoice["status"] == "paid":
            raise StripeError(400, "invalid_request_error", "Invoice is already paid.", code="invoice_already_paid")
        if invoice["status"] != "open":
            raise StripeError(
                400, "invalid_request_error", f"You cannot pay an invoice with status {invoice['status']}."
            )
        if params.get("paid_out_of_band"):
            invoice["paid_out_of_band"] = True
        self._pay(invoice, out_of_band=bool(params.get("paid_out_of_band")))
        return self._checked("invoice", invoice)

    def cancel_subscription(self, account, params, subscription_id):
        subscription = self._load(account, "subscription", subscription_id, "subscription")
        if subscription["status"] == "canceled":
            raise _missing("subscription", subscription_id, "subscription_exposed_id")
        now = self.clock()
        if params.get("prorate") and subscription["status"] == "active":
            item = subscription["items"]["data"][0]
            start, end = subscription["current_period_start"], subscription["current_period_end"]
            credit = -round(item["price"]["unit_amount"] * item["quantity"] * max(end - now, 0) / max(end - start, 1))
            self._new_invoice_item(
                account,
                customer=subscription["customer"],
                amount=credit,
                currency=item["price"]["currency"],
                description=f"Unused time on {item['price']['id']} after {now}",
                subscription=subscription_id,
                proration=True,
                period={"start": now, "end": end},
                price=item["price"],
            )
        if params.get("invoice_now"):
            invoice = self._draft_invoice(account, subscription["customer"], subscription_id, "subscription_cycle")
            self._finalize_and_pay(account, invoice)
        subscription.update(status="canceled", canceled_at=now, ended_at=now)
        return self._checked("subscription", subscription)
