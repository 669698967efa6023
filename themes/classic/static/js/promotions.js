// Promotions on the storefront: the 限时折扣 countdown of the product page, and on the cart page the rules the
// selected items get and what the next tier still needs ("再买¥20 减¥30"), from POST
// /api/v1/store/promotions/cart-progress. Texts come translated from the server.
(function () {
  function pad(n) { return String(n).padStart(2, "0"); }
  function countdown(el) {
    var end = Date.parse(el.dataset.countdown);
    var left = el.querySelector("[data-countdown-left]");
    var day = el.dataset.tDay || "d";
    function tick() {
      var ms = end - Date.now();
      if (ms <= 0) {
        el.textContent = el.dataset.tEnded;
        clearInterval(timer);
        // The price changes now: the page is served again under the new price window.
        setTimeout(function () { location.reload(); }, 1500);
        return;
      }
      var s = Math.floor(ms / 1000), d = Math.floor(s / 86400);
      left.textContent = (d ? d + day + " " : "") + pad(Math.floor(s / 3600) % 24) + ":" + pad(Math.floor(s / 60) % 60) + ":" + pad(s % 60);
    }
    var timer = setInterval(tick, 1000);
    tick();
  }
  function progress(box, cart) {
    var items = cart.checkout_items || [];
    if (!items.length || !window.MMCart) { box.hidden = true; return; }
    window.MMCart.api("POST", "/api/v1/store/promotions/cart-progress", { items: items }).then(function (r) {
      if (!r.ok) { box.hidden = true; return; }
      var d = r.data, currency = cart.currency;
      box.innerHTML = "";
      d.applied.forEach(function (a) {
        if (!a.amount) return;
        var p = document.createElement("p"); p.className = "promo-applied";
        p.textContent = a.name + " −" + window.MMCart.money(a.amount, currency);
        box.append(p);
      });
      d.hints.forEach(function (h) {
        var p = document.createElement("p"); p.className = "promo-hint"; p.dataset.promoHint = h.code;
        var tag = document.createElement("span"); tag.className = "activity-badge"; tag.textContent = h.name;
        p.append(tag, document.createTextNode(" " + h.text));
        box.append(p);
      });
      if (d.discount_amount) {
        var total = document.querySelector("[data-cart-total]");
        if (total) total.textContent = window.MMCart.money(d.total_amount, currency);
      }
      box.hidden = box.childElementCount === 0;
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("[data-countdown]").forEach(countdown);
  });
  document.addEventListener("mm:cart", function (e) {
    var box = document.querySelector("[data-promo-progress]");
    if (box) progress(box, e.detail);
  });
})();
