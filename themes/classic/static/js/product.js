// Spec picker: choose one value per spec group; values that lead to no in-stock SKU are disabled;
// a complete choice shows that SKU's price and stock. Vanilla JS, no build step.
(function () {
  var data = JSON.parse(document.getElementById("product-data").textContent);
  var groups = data.specs.map(function (s) { return s.name; });
  var selected = {};
  var buttons = Array.prototype.slice.call(document.querySelectorAll(".spec-value"));
  var priceEl = document.querySelector("[data-price]");
  var compareEl = document.querySelector("[data-compare]");
  var stockEl = document.querySelector("[data-stock]");
  var qtyEl = document.querySelector("[data-qty]");
  var addBtn = document.querySelector("[data-add-to-cart]");
  var buyBtn = document.querySelector("[data-buy-now]");
  var money = function (a) { return window.MMCart.money(a, data.currency); };
  // Words come from the page (translated by the server): {% translate %} in storefront/partials/js_texts.html.
  var textsEl = document.getElementById("storefront-texts");
  var T = textsEl ? JSON.parse(textsEl.textContent) : {};
  var t = function (key, n) { return (T[key] || key).replace("%(count)s", n); };

  function matches(sku, choice) {
    return Object.keys(choice).every(function (k) { return sku.specs[k] === choice[k]; });
  }
  function inStock(choice) {
    return data.skus.some(function (s) { return s.stock > 0 && matches(s, choice); });
  }
  function current() {
    if (!groups.every(function (g) { return g in selected; })) return null;
    return data.skus.find(function (s) { return matches(s, selected); }) || null;
  }
  function refresh() {
    buttons.forEach(function (b) {
      var choice = Object.assign({}, selected);
      choice[b.dataset.group] = b.dataset.value;
      var on = selected[b.dataset.group] === b.dataset.value;
      b.disabled = !on && !inStock(choice);
      b.classList.toggle("selected", on);
      b.setAttribute("aria-pressed", on ? "true" : "false");
    });
    var sku = current();
    var candidates = data.skus.filter(function (s) { return matches(s, selected); });
    if (sku) {
      priceEl.textContent = money(sku.price_amount);
      compareEl.hidden = !(sku.compare_at_amount > sku.price_amount);
      if (!compareEl.hidden) compareEl.textContent = money(sku.compare_at_amount);
      stockEl.textContent = sku.stock > 0 ? t("in_stock_count", sku.stock) : t("sold_out");
      qtyEl.max = Math.max(sku.stock, 1);
    } else if (candidates.length) {
      var prices = candidates.map(function (s) { return s.price_amount; });
      var lo = Math.min.apply(null, prices), hi = Math.max.apply(null, prices);
      priceEl.textContent = lo === hi ? money(lo) : money(lo) + " - " + money(hi);
      // 划线价 before a SKU is chosen: the cheapest candidate's, when it is above its price.
      var cheapest = candidates.reduce(function (a, b) { return b.price_amount < a.price_amount ? b : a; });
      compareEl.hidden = !(cheapest.compare_at_amount > cheapest.price_amount);
      if (!compareEl.hidden) compareEl.textContent = money(cheapest.compare_at_amount);
      if (groups.length) stockEl.textContent = t("choose", groups.filter(function (g) { return !(g in selected); }).join(T.list_separator || ", "));
    }
    var ok = !!sku && sku.stock > 0;
    addBtn.disabled = !ok;
    buyBtn.disabled = !ok;
    document.body.dataset.skuId = sku ? sku.id : "";
  }
  buttons.forEach(function (b) {
    b.addEventListener("click", function () {
      if (selected[b.dataset.group] === b.dataset.value) delete selected[b.dataset.group];
      else selected[b.dataset.group] = b.dataset.value;
      refresh();
    });
  });
  document.querySelector("[data-qty-minus]").onclick = function () { qtyEl.value = Math.max(1, (+qtyEl.value || 1) - 1); };
  document.querySelector("[data-qty-plus]").onclick = function () { qtyEl.value = Math.min(+qtyEl.max || 99, (+qtyEl.value || 1) + 1); };
  // The server cart takes the SKU; it refuses more than the stock with a message that says how many are left.
  function addCurrent() {
    var sku = current();
    if (!sku) return Promise.resolve(false);
    var quantity = Math.max(1, parseInt(qtyEl.value, 10) || 1);
    addBtn.disabled = buyBtn.disabled = true;
    return window.MMCart.add(sku.id, quantity).then(function (result) {
      refresh();
      window.MMCart.toast(result.ok ? addBtn.dataset.added : window.MMCart.message(result) || addBtn.dataset.failed);
      return result.ok;
    }, function () { refresh(); window.MMCart.toast(addBtn.dataset.failed); return false; });
  }
  addBtn.addEventListener("click", function () { addCurrent(); });
  buyBtn.addEventListener("click", function () { addCurrent().then(function (ok) { if (ok) location.href = "/cart"; }); });
  // Sharing is counted (data centre) and the link carries the sharer's code (?s=), so visits through it
  // and the orders they bring are attributed to the share.
  document.querySelector("[data-copy]").addEventListener("click", function () {
    var input = document.querySelector("[data-share-url]"), button = this;
    function copy() {
      input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value);
      button.textContent = t("copied");
    }
    if (input.getAttribute("data-coded")) return copy();
    fetch("/api/v1/store/events", { method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json" },
      body: JSON.stringify({ kind: "share", product_id: data.id }) })
      .then(function (r) { return r.ok ? r.json() : {}; })
      .then(function (body) {
        if (body.share_code) {
          input.value = input.value + (input.value.indexOf("?") < 0 ? "?" : "&") + "s=" + body.share_code;
          input.setAttribute("data-coded", "1");
        }
        copy();
      }, copy);
  });
  // A product without specs has exactly one SKU: it is chosen from the start.
  refresh();
})();
