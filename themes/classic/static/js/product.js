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
      stockEl.textContent = sku.stock > 0 ? "库存 " + sku.stock + " 件" : "已售罄 · Sold out";
      qtyEl.max = Math.max(sku.stock, 1);
    } else if (candidates.length) {
      var prices = candidates.map(function (s) { return s.price_amount; });
      var lo = Math.min.apply(null, prices), hi = Math.max.apply(null, prices);
      priceEl.textContent = lo === hi ? money(lo) : money(lo) + " - " + money(hi);
      compareEl.hidden = true;
      if (groups.length) stockEl.textContent = "请选择 " + groups.filter(function (g) { return !(g in selected); }).join("、");
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
  document.querySelector("[data-copy]").addEventListener("click", function () {
    var input = document.querySelector("[data-share-url]");
    input.select();
    if (navigator.clipboard) navigator.clipboard.writeText(input.value);
    this.textContent = "已复制";
  });
  // A product without specs has exactly one SKU: it is chosen from the start.
  refresh();
})();
