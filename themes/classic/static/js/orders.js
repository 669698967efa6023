// Buying pages (checkout, payment, result, 我的订单, order detail, after-sales) on the store API with the member
// token the 我的 page keeps in localStorage (window.MMCart.api adds it). Prices and totals always come from the
// server; words come from the page's JSON block (rendered with {% translate %}). Vanilla JS, no build step.
(function () {
  var root = document.querySelector("[data-orders-page]");
  if (!root) return;
  var page = root.dataset.ordersPage;
  var T = JSON.parse(root.querySelector("[data-i18n]").textContent);
  var api = function (method, path, body) { return window.MMCart.api(method, path, body); };
  var money = function (amount) { return window.MMCart.money(amount || 0, root.dataset.currency || "CNY"); };
  var toast = function (text) { window.MMCart.toast(text || T.failed); };
  var $ = function (sel) { return root.querySelector(sel); };
  var all = function (sel) { return Array.prototype.slice.call(root.querySelectorAll(sel)); };
  var orderId = root.dataset.orderId;
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function show(sel, on) { all(sel).forEach(function (e) { e.hidden = !on; }); }
  function signedIn() { try { return !!localStorage.getItem("mm-member-token"); } catch (e) { return false; } }
  function specs(line) { return Object.values(line.specs || {}).join(" / "); }
  function lineItem(line, extra) {
    var li = el("li", "order-line");
    var img = el("img"); img.alt = ""; img.src = line.image_url || root.dataset.placeholder;
    var info = el("div", "info");
    info.append(el("div", "title", line.title), el("div", "specs-text", specs(line)));
    var right = el("div", "nums");
    right.append(el("div", "price", money(line.unit_price_amount)), el("div", "qty-text", "× " + line.quantity));
    li.append(img, info, right);
    if (extra) li.append(extra);
    return li;
  }
  function totals(data) {
    $("[data-subtotal]").textContent = money(data.subtotal_amount);
    $("[data-discount]").textContent = "-" + money(data.discount_amount);
    $("[data-shipping]").textContent = money(data.shipping_amount);
    $("[data-total]").textContent = money(data.total_amount);
    // Every rule, coupon or points redemption the price engine applied, with its amount (满100减20 -¥20.00).
    var applied = $("[data-applied]"), rows = (data.applied || []).filter(function (a) { return a.amount > 0; });
    if (!applied) return;
    applied.innerHTML = "";
    rows.forEach(function (a) {
      var li = el("li", "applied-" + a.kind);
      li.append(el("span", "", a.name), el("span", "price", "-" + money(a.amount)));
      applied.append(li);
    });
    applied.hidden = !rows.length;
  }
  function firstError(result) { return window.MMCart.message(result) || T.failed; }
  if (!signedIn()) { show("[data-signin]", true); return; }

  // --- checkout --------------------------------------------------------------------------------------------
  // An activity's "buy now" checks out that one SKU with the activity, outside the cart (the cart is left as it is):
  // /checkout?activity=<type>&activity_id=<id>&sku=<sku id>&qty=1[&group=<group or bargain session>&size=<group size>],
  // e.g. 拼团 ?activity=group_buy&activity_id=1&sku=5&qty=1&group=9&size=3, 秒杀 ?activity=flash_sale&activity_id=3&sku=12.
  // `activity_id` is the one name; `id` (what 拼团/砍价 links used before) is still read for links already out there.
  function activityFromQuery() {
    var q = new URLSearchParams(location.search), sku = parseInt(q.get("sku"), 10);
    var id = parseInt(q.get("activity_id") || q.get("id"), 10), qty = parseInt(q.get("qty") || "1", 10);
    if (!q.get("activity") || !(id > 0) || !(sku > 0) || !(qty > 0)) return null;
    var activity = { type: q.get("activity"), id: id };
    if (parseInt(q.get("group"), 10) > 0) activity.group_id = parseInt(q.get("group"), 10);
    if (parseInt(q.get("size"), 10) > 1) activity.group_size = parseInt(q.get("size"), 10);
    return { activity: activity, items: [{ sku_id: sku, quantity: qty }] };
  }

  function checkout() {
    var items = [], cartLineIds = [], addressId = null, direct = activityFromQuery();
    function withActivity(body) { if (direct) body.activity = direct.activity; return body; }
    function renderAddresses(list) {
      var ul = $("[data-addresses]"); ul.innerHTML = "";
      if (addressId == null || !list.some(function (a) { return a.id === addressId; })) {
        var chosen = list.filter(function (a) { return a.is_default; })[0] || list[0];
        addressId = chosen ? chosen.id : null;
      }
      list.forEach(function (a) {
        var li = el("li", "address");
        var label = el("label");
        var radio = el("input"); radio.type = "radio"; radio.name = "address"; radio.value = a.id; radio.checked = a.id === addressId;
        radio.onchange = function () { addressId = a.id; preview(); };
        var text = el("span", "", a.name + " " + a.phone + " · " + a.province + a.city + a.district + " " + a.line1);
        label.append(radio, text);
        if (a.is_default) label.append(el("em", "tag", T.default));
        li.append(label); ul.append(li);
      });
      $("[data-address-form]").hidden = list.length > 0;
    }
    function loadAddresses() {
      return api("GET", "/api/v1/store/addresses").then(function (r) {
        renderAddresses(r.ok ? (r.data.results || r.data) : []);
      });
    }
    // Extensions of the checkout (coupons.js) read the priced cart from "mm:checkout-priced" and set coupon_code.
    var extra = window.MMCheckout = window.MMCheckout || {};
    extra.preview = function () { return preview(); };
    function withExtras(body) { if (extra.coupon_code) body.coupon_code = extra.coupon_code; return body; }
    // Points (积分抵扣): a probe preview with the whole balance tells how many points this order can take and what
    // they pay; the toggle then prices the order with exactly that many.
    var points = { balance: 0, use: false, usable: 0, amount: 0 };
    function pointsAmount(data) {
      var found = (data.applied || []).filter(function (a) { return a.kind === "points"; })[0];
      return found ? found.amount : 0;
    }
    function renderPoints() {
      var box = $("[data-points-toggle]");
      if (!box) return;
      box.hidden = points.balance <= 0;
      var check = $("[data-use-points]");
      check.disabled = points.usable <= 0;
      if (points.usable <= 0) { check.checked = false; points.use = false; }
      $("[data-points-text]").textContent = points.usable > 0
        ? T.use_points.replace("{points}", points.usable).replace("{balance}", points.balance).replace("{amount}", money(points.amount))
        : T.no_points.replace("{balance}", points.balance);
    }
    function preview() {
      var body = withExtras(withActivity({ items: items })); if (addressId) body.address_id = addressId;
      var probe = points.balance > 0
        ? api("POST", "/api/v1/store/checkout/preview", Object.assign({}, body, { points: points.balance }))
        : Promise.resolve(null);
      return probe.then(function (p) {
        points.usable = p && p.ok ? p.data.points_used : 0;
        points.amount = p && p.ok ? pointsAmount(p.data) : 0;
        renderPoints();
        if (points.use && points.usable > 0) return p;
        return api("POST", "/api/v1/store/checkout/preview", body);
      }).then(function (r) {
        if (!r.ok) { toast(firstError(r)); return; }
        document.dispatchEvent(new CustomEvent("mm:checkout-priced", { detail: { items: items, address_id: addressId, quote: r.data } }));
        var ul = $("[data-lines]"); ul.innerHTML = "";
        r.data.lines.forEach(function (line) { ul.append(lineItem(line)); });
        totals(r.data);
        $("[data-place-order]").disabled = !addressId;
      });
    }
    var pointsCheck = $("[data-use-points]");
    if (pointsCheck) pointsCheck.onchange = function () { points.use = pointsCheck.checked; preview(); };
    function loadPoints() {
      if (!$("[data-points-toggle]")) return Promise.resolve();
      return api("GET", "/api/v1/store/points").then(function (r) { points.balance = r.ok ? r.data.balance : 0; });
    }
    $("[data-add-address-toggle]").onclick = function () { var f = $("[data-address-form]"); f.hidden = !f.hidden; };
    $("[data-address-form]").addEventListener("submit", function (e) {
      e.preventDefault();
      var form = e.target, body = {};
      ["name", "phone", "province", "city", "district", "line1"].forEach(function (k) { body[k] = form.elements[k].value.trim(); });
      api("POST", "/api/v1/store/addresses", body).then(function (r) {
        var err = form.querySelector("[data-error]");
        if (!r.ok) { err.textContent = firstError(r); err.hidden = false; return; }
        err.hidden = true; form.reset(); addressId = r.data.id;
        loadAddresses().then(preview);
      });
    });
    $("[data-place-order]").onclick = function () {
      var button = this;
      if (!addressId) { toast(T.choose_address); return; }
      button.disabled = true;
      var order = withExtras(withActivity({ items: items, address_id: addressId, note: $("[data-note]").value }));
      if (points.use && points.usable > 0) order.points = points.usable;
      api("POST", "/api/v1/store/orders", order).then(function (r) {
        if (!r.ok) { button.disabled = false; toast(firstError(r)); return; }
        // The ordered lines leave the cart; the rest stays for later.
        return Promise.all(cartLineIds.map(function (id) { return api("DELETE", "/api/v1/store/cart/items/" + id); }))
          .then(function () { location.href = "/orders/" + r.data.id + "/pay"; });
      });
    };
    if (direct) {
      items = direct.items;
      show("[data-ready]", true);
      loadAddresses().then(preview);
      return;
    }
    api("GET", "/api/v1/store/cart").then(function (r) {
      items = r.ok ? r.data.checkout_items : [];
      var wanted = {}; items.forEach(function (i) { wanted[i.sku_id] = true; });
      cartLineIds = (r.ok ? r.data.lines : []).filter(function (l) { return l.selected && wanted[l.sku_id]; }).map(function (l) { return l.id; });
      if (!items.length) { show("[data-empty]", true); return; }
      show("[data-ready]", true);
      return Promise.all([loadAddresses(), loadPoints()]).then(preview);
    });
  }

  // --- payment ---------------------------------------------------------------------------------------------
  function pay() {
    var resultUrl = "/orders/" + orderId + "/result";
    api("GET", "/api/v1/store/orders/" + orderId).then(function (r) {
      if (!r.ok) { toast(firstError(r)); return; }
      if (r.data.status !== "pending_payment") { location.replace(resultUrl); return; }
      $("[data-number]").textContent = r.data.number;
      $("[data-total]").textContent = money(r.data.total_amount);
      if (r.data.pay_deadline) $("[data-deadline]").textContent = T.pay_by.replace("{time}", new Date(r.data.pay_deadline).toLocaleTimeString());
      show("[data-ready]", true);
    });
    all("[data-pay]").forEach(function (button) {
      button.onclick = function () {
        var method = button.dataset.pay;
        all("[data-pay]").forEach(function (b) { b.disabled = true; });
        api("POST", "/api/v1/store/orders/" + orderId + "/pay", { method: method }).then(function (r) {
          if (!r.ok) { all("[data-pay]").forEach(function (b) { b.disabled = false; }); toast(firstError(r)); return; }
          if (method === "stripe") { stripeElement(r.data.client_secret); return; }
          location.href = resultUrl;
        });
      };
    });
    function stripeElement(clientSecret) {
      if (!window.Stripe) { toast(); return; }
      var stripe = window.Stripe(root.dataset.stripeKey, { stripeAccount: root.dataset.stripeAccount, locale: "zh" });
      var elements = stripe.elements({ clientSecret: clientSecret });
      var holder = $("[data-stripe-element]"); holder.hidden = false;
      elements.create("payment").mount(holder);
      var confirm = $("[data-stripe-confirm]"); confirm.hidden = false;
      confirm.onclick = function () {
        confirm.disabled = true;
        stripe.confirmPayment({ elements: elements, confirmParams: { return_url: location.origin + resultUrl } })
          .then(function (res) { if (res.error) { confirm.disabled = false; toast(res.error.message); } });
      };
    }
  }

  // --- payment result (the webhook may land a moment after the shopper returns) -----------------------------
  function result() {
    var tries = 0;
    (function poll() {
      api("GET", "/api/v1/store/orders/" + orderId).then(function (r) {
        if (!r.ok) { toast(firstError(r)); return; }
        var o = r.data, title;
        if (o.status === "pending_payment") title = T.processing;
        else if (o.status === "cancelled") title = T.cancelled;
        else title = o.payment_method === "cod" ? T.cod : T.paid;
        // A group-buy order joins (or opens) its group once the payment is recorded: show the group.
        var grouped = o.activity && o.activity.type === "group_buy" && o.status !== "pending_payment" && o.status !== "cancelled";
        if (grouped && o.group_id) { location.replace("/groups/" + o.group_id); return; }
        $("[data-result-title]").textContent = title;
        $("[data-total]").textContent = money(o.total_amount);
        show("[data-ready]", true);
        if ((o.status === "pending_payment" || grouped) && ++tries < 15) setTimeout(poll, 2000);
      });
    })();
  }

  // --- 我的订单 --------------------------------------------------------------------------------------------
  function orders() {
    var tab = new URLSearchParams(location.search).get("tab") || "";
    all("[data-tab]").forEach(function (a) { a.classList.toggle("active", a.dataset.tab === tab); a.setAttribute("aria-selected", a.dataset.tab === tab); });
    var list = $("[data-list]");
    if (tab === "aftersales") {
      api("GET", "/api/v1/store/aftersales").then(function (r) {
        var rows = r.ok ? r.data.results : [];
        show("[data-empty]", !rows.length);
        rows.forEach(function (a) {
          var li = el("li", "order-card");
          var link = el("a"); link.href = "/orders/" + a.order_id;
          var head = el("div", "order-head"); head.append(el("span", "", a.order_number), el("span", "state", a.status_label));
          link.append(head, el("div", "order-sum", a.type_label + " · " + a.lines.map(function (l) { return l.title + " × " + l.quantity; }).join("，")));
          if (a.refund_amount) link.append(el("div", "order-sum price", T.refund + " " + money(a.refund_amount)));
          li.append(link); list.append(li);
        });
      });
      return;
    }
    api("GET", "/api/v1/store/orders" + (tab ? "?status=" + tab : "")).then(function (r) {
      var rows = r.ok ? r.data.results : [];
      show("[data-empty]", !rows.length);
      rows.forEach(function (o) {
        var li = el("li", "order-card"); li.dataset.orderNumber = o.number;
        var link = el("a"); link.href = "/orders/" + o.id;
        var head = el("div", "order-head"); head.append(el("span", "", o.number), el("span", "state", o.status_label));
        var count = o.lines.reduce(function (n, l) { return n + l.quantity; }, 0);
        link.append(head, el("div", "order-sum", o.lines.map(function (l) { return l.title; }).join("，")),
          el("div", "order-sum", T.items.replace("{count}", count) + " · " + money(o.total_amount)));
        li.append(link); list.append(li);
      });
    });
  }

  // --- order detail ----------------------------------------------------------------------------------------
  function order() {
    function render(o) {
      $("[data-status]").textContent = o.status_label;
      $("[data-number]").textContent = o.number;
      var a = o.address;
      $("[data-address]").textContent = a.name + " " + a.phone + " · " + a.province + a.city + a.district + " " + a.line1;
      var titles = {}; o.lines.forEach(function (l) { titles[l.id] = l.title; });
      var ul = $("[data-lines]"); ul.innerHTML = ""; o.lines.forEach(function (l) { ul.append(lineItem(l)); });
      totals(o);
      $("[data-refunded]").textContent = money(o.refunded_amount);
      var ships = $("[data-shipments]"); ships.innerHTML = "";
      o.shipments.forEach(function (s) {
        var li = el("li", "shipment");
        li.append(el("div", "carrier", s.carrier_label + " · " + T.tracking + " " + s.tracking_number),
          el("div", "hint", s.lines.map(function (x) { return titles[x.order_line_id] + " × " + x.quantity; }).join("，")));
        ships.append(li);
      });
      $("[data-no-shipments]").hidden = o.shipments.length > 0;
      var after = $("[data-aftersales]"); after.innerHTML = "";
      (o.aftersales || []).forEach(function (x) {
        var text = x.type_label + " · " + x.status_label + (x.refund_amount ? " · " + T.refund + " " + money(x.refund_amount) : "");
        if (x.reject_reason) text += " · " + x.reject_reason;
        after.append(el("li", "", text));
      });
      $("[data-aftersales-card]").hidden = !(o.aftersales || []).length;
      var actions = {
        pay: o.status === "pending_payment", cancel: o.status === "pending_payment", confirm: o.status === "shipped",
        aftersale: ["paid", "shipped", "completed"].indexOf(o.status) >= 0,
      };
      Object.keys(actions).forEach(function (k) { $("[data-action=" + k + "]").hidden = !actions[k]; });
      $("[data-action=pay]").href = "/orders/" + o.id + "/pay";
      $("[data-action=aftersale]").href = "/orders/" + o.id + "/aftersale";
      show("[data-ready]", true);
    }
    function load() { return api("GET", "/api/v1/store/orders/" + orderId).then(function (r) { if (r.ok) render(r.data); else toast(firstError(r)); }); }
    function act(path, question) {
      if (!window.confirm(question)) return;
      api("POST", "/api/v1/store/orders/" + orderId + "/" + path).then(function (r) { if (r.ok) render(r.data); else toast(firstError(r)); });
    }
    $("[data-action=cancel]").onclick = function () { act("cancel", T.confirm_cancel); };
    $("[data-action=confirm]").onclick = function () { act("confirm-receipt", T.confirm_receipt); };
    load();
  }

  // --- after-sales request ---------------------------------------------------------------------------------
  function aftersale() {
    var form = $("[data-aftersale-form]");
    api("GET", "/api/v1/store/orders/" + orderId).then(function (r) {
      if (!r.ok) { toast(firstError(r)); return; }
      var o = r.data, shipped = o.shipments.length > 0;
      all("[data-when]").forEach(function (opt) { opt.disabled = (opt.dataset.when === "paid") === shipped; });
      form.elements.type.value = shipped ? "return_refund" : "refund";
      var ul = $("[data-lines]");
      o.lines.forEach(function (l) {
        var input = el("input"); input.type = "number"; input.min = 0; input.max = l.quantity; input.value = 0;
        input.name = "line-" + l.id; input.dataset.lineId = l.id; input.inputMode = "numeric";
        ul.append(lineItem(l, input));
      });
      show("[data-ready]", true);
    });
    form.addEventListener("submit", function (e) {
      e.preventDefault();
      var lines = all("[data-line-id]").map(function (i) { return { order_line_id: +i.dataset.lineId, quantity: parseInt(i.value, 10) || 0 }; })
        .filter(function (l) { return l.quantity > 0; });
      var err = form.querySelector("[data-error]");
      if (!lines.length) { err.textContent = T.pick_units; err.hidden = false; return; }
      api("POST", "/api/v1/store/orders/" + orderId + "/aftersales", { type: form.elements.type.value, lines: lines, reason: form.elements.reason.value })
        .then(function (res) {
          if (!res.ok) { err.textContent = firstError(res); err.hidden = false; return; }
          location.href = "/orders/" + orderId;
        });
    });
  }

  ({ checkout: checkout, pay: pay, result: result, orders: orders, order: order, aftersale: aftersale })[page]();
})();
