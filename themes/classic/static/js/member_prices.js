// 会员价 for a signed-in member on cached pages: product cards and the product page carry an empty, hidden
// [data-member-price] slot; this fetches the member's own prices (GET /api/v1/store/member-prices, the pricing seam's
// answer, the same figure checkout charges) and fills the slots below everyone's price. Anonymous shoppers make no
// request, so the page itself stays one cached copy for everyone. Vanilla JS, no build step.
//
// Cards built in the browser (js/recommendations.js) take a slot from MMMemberPrices.slot(productId, currency), a
// copy of the server's own markup (storefront/partials/member_price.html in the page's <template>), then call
// MMMemberPrices.fill(root) once they are in the page.
(function () {
  function signedIn() { try { return !!localStorage.getItem("mm-member-token"); } catch (e) { return false; } }
  function detail(slot) { return slot.hasAttribute("data-member-price-detail"); }

  function slot(productId, currency) {
    var template = document.getElementById("member-price-slot");
    if (!template) return null;
    var el = template.content.firstElementChild.cloneNode(true);
    el.dataset.productId = String(productId);
    el.dataset.currency = currency || "";
    return el;
  }

  function fill(root) {
    var slots = Array.prototype.slice.call((root || document).querySelectorAll("[data-member-price]"));
    if (!slots.length || !signedIn() || !window.MMCart) return;
    var ids = [];
    slots.forEach(function (slot) { if (ids.indexOf(slot.dataset.productId) < 0 && ids.length < 48) ids.push(slot.dataset.productId); });
    window.MMCart.api("GET", "/api/v1/store/member-prices?product_ids=" + ids.join(",")).then(function (r) {
      if (!r.ok || !r.data) return;
      var products = {}, skus = {};
      r.data.products.forEach(function (p) { products[p.product_id] = p; });
      r.data.skus.forEach(function (s) { skus[s.sku_id] = s; });
      function show(slot, amount, from) {
        slot.querySelector("[data-member-price-amount]").textContent = window.MMCart.money(amount, slot.dataset.currency || "CNY");
        var fromEl = slot.querySelector("[data-member-price-from]");
        if (fromEl) fromEl.hidden = !from;
        slot.hidden = false;
      }
      function render() {
        slots.forEach(function (slot) {
          var product = products[slot.dataset.productId];
          var sku = detail(slot) && document.body.dataset.skuId ? skus[document.body.dataset.skuId] : null;
          if (sku) show(slot, sku.price_amount, false);
          else if (product && !(detail(slot) && document.body.dataset.skuId)) show(slot, product.price_amount, product.from_price);
          else slot.hidden = true;  // the chosen SKU has no lower price for this member
        });
      }
      render();
      // The product page: picking a SKU (js/product.js sets body[data-sku-id]) shows that SKU's member price.
      if (slots.some(detail)) {
        document.addEventListener("click", function (e) { if (e.target.closest && e.target.closest(".spec-value")) render(); });
      }
    });
  }

  window.MMMemberPrices = { slot: slot, fill: fill };
  fill(document);
})();
