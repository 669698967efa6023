// Coupons on the storefront: 领券中心 (claim), 我的优惠券 (by status), the "领券" badge on the product page and
// the coupon picker at checkout. Words come from the page's JSON block (rendered with {% translate %}); amounts
// from the store API in fen. Vanilla JS, no build step; window.MMCart (cart.js) does the API calls.
(function () {
  function words(scope) {
    var block = (scope || document).querySelector("[data-coupon-i18n]");
    return block ? JSON.parse(block.textContent) : {};
  }
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] != null ? values[k] : m; }); }
  function signedIn() { try { return !!localStorage.getItem("mm-member-token"); } catch (e) { return false; } }
  function api(method, path, body) { return window.MMCart.api(method, path, body); }

  // What a coupon is worth, in words: "满¥100.00减¥20.00", "8.8折", "运费减¥10.00"...
  function describe(c, T, money) {
    var amount = money(c.amount), threshold = money(c.threshold_amount);
    if (c.kind === "shipping") return fill(T.shipping, { amount: amount });
    if (c.kind === "random") return fill(T.random, { low: money(c.amount_min), high: money(c.amount_max) });
    if (c.kind === "percent") {
      var v = { zhe: String((100 - c.percent_off) / 10), percent: c.percent_off, threshold: threshold };
      var text = fill(c.threshold_amount ? T.percent_over : T.percent, v);
      if (c.max_discount_amount) text += " · " + fill(T.cap, { cap: money(c.max_discount_amount) });
      return text;
    }
    return fill(c.threshold_amount ? T.off_over : T.off, { amount: amount, threshold: threshold });
  }
  function validity(c, T) {
    if (c.validity === "relative") return fill(T.relative, { days: c.valid_days });
    return fill(T.until, { date: new Date(c.valid_to).toLocaleDateString() });
  }
  // Rough worth for ordering offers (the checkout picker uses the server's exact saving instead).
  function worth(c) { return c.kind === "percent" ? (c.max_discount_amount || c.percent_off * 100) : (c.amount || c.amount_max || 0); }

  // --- 领券中心 / 我的优惠券 ------------------------------------------------------------------------------
  var page = document.querySelector("[data-coupons-page]");
  if (page) {
    var T = words(page);
    var money = function (a) { return window.MMCart.money(a || 0, page.dataset.currency || "CNY"); };
    var list = page.querySelector("[data-list]");
    var empty = page.querySelector("[data-empty]");
    var card = function (c, action) {
      var li = el("li", "coupon-card");
      li.dataset.couponName = c.name;
      var value = el("div", "coupon-value", describe(c, T, money));
      var info = el("div", "coupon-info");
      info.append(el("div", "coupon-name", c.name), el("div", "coupon-valid", validity(c, T)));
      li.append(value, info);
      if (action) li.append(action);
      return li;
    };
    if (page.dataset.couponsPage === "centre") {
      var load = function () {
        api("GET", "/api/v1/store/coupons/available").then(function (r) {
          var rows = r.ok ? r.data : [];
          list.innerHTML = ""; empty.hidden = rows.length > 0;
          rows.forEach(function (c) {
            var button = el("button", "btn small", c.remaining <= 0 ? T.sold_out : c.can_claim ? T.claim : T.claimed);
            button.type = "button"; button.disabled = !c.can_claim; button.dataset.claim = c.id;
            button.onclick = function () {
              if (!signedIn()) { window.MMCart.toast(T.sign_in); setTimeout(function () { location.href = "/account?next=/coupons"; }, 800); return; }
              button.disabled = true;
              api("POST", "/api/v1/store/coupons/" + c.id + "/claim").then(function (res) {
                window.MMCart.toast(res.ok ? T.claimed_toast : (window.MMCart.message(res) || T.failed));
                load();
              });
            };
            list.append(card(c, button));
          });
        });
      };
      load();
    } else {
      if (!signedIn()) { page.querySelector("[data-signin]").hidden = false; page.querySelector("[data-tabs]").hidden = true; return; }
      var tabs = Array.prototype.slice.call(page.querySelectorAll("[data-status]"));
      var show = function (status) {
        tabs.forEach(function (t) { var on = t.dataset.status === status; t.classList.toggle("selected", on); t.setAttribute("aria-selected", on); });
        api("GET", "/api/v1/store/coupons?status=" + status).then(function (r) {
          var rows = r.ok ? r.data : [];
          list.innerHTML = ""; empty.hidden = rows.length > 0;
          rows.forEach(function (c) {
            var li = card(c, el("span", "coupon-state", T[c.status] || c.status));
            li.classList.add("is-" + c.status);
            li.dataset.couponCode = c.code;
            if (c.order_number) li.querySelector(".coupon-info").append(el("div", "coupon-order", fill(T.order, { number: c.order_number })));
            list.append(li);
          });
        });
      };
      tabs.forEach(function (t) { t.onclick = function () { show(t.dataset.status); }; });
      show("unused");
    }
  }

  // --- product page badge: "领券" with the best coupon that may cover this product ---------------------------
  var badge = document.querySelector("[data-coupon-badge]");
  if (badge) {
    var BT = words(badge);
    var bmoney = function (a) { return window.MMCart.money(a || 0, badge.dataset.currency || "CNY"); };
    api("GET", "/api/v1/store/coupons/available?product_id=" + encodeURIComponent(badge.dataset.productId)).then(function (r) {
      var rows = (r.ok ? r.data : []).filter(function (c) { return c.remaining > 0 && c.kind !== "shipping"; });
      if (!rows.length) return;
      rows.sort(function (a, b) { return worth(b) - worth(a); });
      badge.querySelector("[data-coupon-badge-label]").textContent = BT.get;
      badge.querySelector("[data-coupon-badge-text]").textContent = describe(rows[0], BT, bmoney);
      badge.hidden = false;
    });
  }

  // --- checkout picker: the member's coupons that save something on this cart, best first ------------------
  var picker = document.querySelector("[data-coupon-picker]");
  if (picker && window.MMCheckout) {
    var PT = words(picker);
    var pmoney = function (a) { return window.MMCart.money(a || 0, document.querySelector("[data-orders-page]").dataset.currency || "CNY"); };
    var lastKey = null, options = [];
    var render = function () {
      var ul = picker.querySelector("[data-coupon-options]"); ul.innerHTML = "";
      var chosen = window.MMCheckout.coupon_code || "";
      var choice = function (code, title, note) {
        var li = el("li", "coupon-option");
        var label = el("label");
        var radio = el("input"); radio.type = "radio"; radio.name = "coupon"; radio.value = code; radio.checked = code === chosen;
        radio.onchange = function () { window.MMCheckout.coupon_code = code; render(); window.MMCheckout.preview(); };
        label.append(radio, el("span", "coupon-option-title", title));
        if (note) label.append(el("em", "coupon-saves", note));
        li.append(label); ul.append(li);
      };
      options.forEach(function (c) { choice(c.code, c.name + " · " + describe(c, PT, pmoney), fill(PT.saves, { amount: pmoney(c.saving_amount) })); });
      choice("", options.length ? PT.none : PT.no_usable);
      var best = options.filter(function (c) { return c.code === chosen; })[0];
      picker.querySelector("[data-coupon-chosen]").textContent = best ? "-" + pmoney(best.saving_amount) : "";
    };
    document.addEventListener("mm:checkout-priced", function (e) {
      var key = JSON.stringify([e.detail.items, e.detail.address_id]);
      if (key === lastKey) { render(); return; }
      lastKey = key;
      api("POST", "/api/v1/store/coupons/usable", { items: e.detail.items, address_id: e.detail.address_id }).then(function (r) {
        options = r.ok ? r.data : [];
        if (window.MMCheckout.coupon_code && !options.some(function (c) { return c.code === window.MMCheckout.coupon_code; })) {
          window.MMCheckout.coupon_code = ""; window.MMCheckout.preview();
        }
        picker.hidden = false;
        render();
      });
    });
  }
})();
