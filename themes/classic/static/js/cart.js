// The server cart (GET/POST/PATCH/DELETE /api/v1/store/cart...): a guest's cart follows an HttpOnly cookie, a
// member's the token the 我的 page keeps in localStorage. Prices and totals always come from the server.
window.MMCart = (function () {
  var TOKEN_KEY = "mm-member-token";
  var COUNT_KEY = "mm-cart-count:" + location.host;
  var OLD_KEY = "mm-cart:" + location.host; // the browser-only cart this replaces
  var SYMBOLS = { CNY: "¥", USD: "$", EUR: "€", GBP: "£", JPY: "¥", HKD: "HK$" };
  function store(key, value) { try { if (value == null) localStorage.removeItem(key); else localStorage.setItem(key, value); } catch (e) {} }
  function read(key) { try { return localStorage.getItem(key); } catch (e) { return null; } }
  // Integer minor units in, "¥12.90" out: integer arithmetic only.
  function money(amount, currency) {
    var symbol = SYMBOLS[currency] || (currency + " ");
    if (currency === "JPY") return symbol + amount;
    return symbol + Math.floor(amount / 100) + "." + String(amount % 100).padStart(2, "0");
  }
  function api(method, path, body, retried) {
    var headers = { "Accept": "application/json" };
    var token = read(TOKEN_KEY);
    if (token) headers["Authorization"] = "Bearer " + token;
    if (body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: method, headers: headers, credentials: "same-origin", body: body ? JSON.stringify(body) : undefined })
      .then(function (r) {
        if (r.status === 401 && token && !retried) { store(TOKEN_KEY, null); return api(method, path, body, true); }
        return r.json().catch(function () { return {}; }).then(function (data) {
          if (r.ok && data && data.lines) remember(data);
          return { ok: r.ok, status: r.status, data: data };
        });
      });
  }
  // The first error message of a 4xx answer, for a toast.
  function message(result) {
    var d = result.data || {};
    if (d.errors) { var k = Object.keys(d.errors)[0]; return d.errors[k][0]; }
    return d.detail || "";
  }
  function remember(cart) { store(COUNT_KEY, String(cart.count)); badge(); }
  function badge() {
    var count = parseInt(read(COUNT_KEY) || "0", 10) || 0;
    document.querySelectorAll("[data-cart-count]").forEach(function (el) { el.textContent = count; el.hidden = count === 0; });
  }
  function add(skuId, quantity) { return api("POST", "/api/v1/store/cart/items", { sku_id: skuId, quantity: quantity }); }
  // Lines of the old localStorage cart move to the server once.
  function migrate() {
    var old; try { old = JSON.parse(read(OLD_KEY) || "[]"); } catch (e) { old = []; }
    store(OLD_KEY, null);
    return old.reduce(function (p, line) { return p.then(function () { return add(line.sku_id, line.quantity); }); }, Promise.resolve());
  }

  function renderPage(root, cart) {
    var t = root.dataset;
    var currency = cart.currency || t.currency;
    var list = root.querySelector("[data-cart-lines]");
    list.innerHTML = "";
    cart.lines.forEach(function (line) {
      var li = document.createElement("li");
      li.className = "cart-line" + (line.stock_state === "in_stock" ? "" : " unavailable");
      li.dataset.lineId = line.id;
      var pick = document.createElement("input"); pick.type = "checkbox"; pick.checked = line.selected;
      pick.setAttribute("aria-label", t.tSelect);
      pick.onchange = function () { update(root, line.id, { selected: pick.checked }); };
      var img = document.createElement("img"); img.alt = ""; img.src = line.image_url || t.placeholder;
      var info = document.createElement("div"); info.className = "info";
      var title = document.createElement("a"); title.href = "/p/" + line.product_id; title.textContent = line.title;
      var specs = document.createElement("div"); specs.className = "specs-text"; specs.textContent = Object.values(line.specs || {}).join(" / ");
      var price = document.createElement("div"); price.className = "price"; price.textContent = money(line.unit_price_amount, currency);
      info.append(title, specs, price);
      if (line.stock_state !== "in_stock") {
        var state = document.createElement("div"); state.className = "stock-note";
        state.textContent = line.stock_state === "insufficient" ? t.tInsufficient.replace("%s", line.stock) : line.stock_state === "sold_out" ? t.tSoldOut : t.tUnavailable;
        info.append(state);
      }
      var qty = document.createElement("div"); qty.className = "qty";
      var minus = document.createElement("button"); minus.type = "button"; minus.textContent = "−"; minus.setAttribute("aria-label", t.tLess);
      var n = document.createElement("span"); n.textContent = line.quantity; n.dataset.qty = "";
      var plus = document.createElement("button"); plus.type = "button"; plus.textContent = "+"; plus.setAttribute("aria-label", t.tMore);
      minus.disabled = line.quantity <= 1;
      plus.disabled = line.stock_state !== "in_stock" || line.quantity >= line.stock;
      minus.onclick = function () { update(root, line.id, { quantity: line.quantity - 1 }); };
      plus.onclick = function () { update(root, line.id, { quantity: line.quantity + 1 }); };
      var remove = document.createElement("button"); remove.type = "button"; remove.className = "remove"; remove.textContent = t.tRemove;
      remove.onclick = function () { api("DELETE", "/api/v1/store/cart/items/" + line.id).then(function (r) { after(root, r); }); };
      qty.append(minus, n, plus);
      li.append(pick, img, info, qty, remove);
      list.append(li);
    });
    var empty = cart.lines.length === 0;
    root.querySelector("[data-cart-empty]").hidden = !empty;
    root.querySelector("[data-cart-bar]").hidden = empty; // an empty cart shows no checkout bar
    root.querySelector("[data-cart-total]").textContent = money(cart.total_amount, currency);
    root.querySelector("[data-cart-selected]").textContent = cart.selected_count;
    var all = root.querySelector("[data-cart-select-all]");
    all.checked = !empty && cart.lines.every(function (l) { return l.selected; });
    var go = root.querySelector("[data-cart-checkout]");
    go.classList.toggle("disabled", cart.selected_count === 0);
    go.setAttribute("aria-disabled", cart.selected_count === 0 ? "true" : "false");
    // Tools that add to the cart page (e.g. promotions.js: "再买¥X 减¥Y") listen for the rendered cart.
    document.dispatchEvent(new CustomEvent("mm:cart", { detail: cart }));
  }
  function toast(text) {
    var el = document.querySelector("[data-toast]");
    if (!el || !text) return;
    el.textContent = text; el.hidden = false;
    clearTimeout(el._timer); el._timer = setTimeout(function () { el.hidden = true; }, 1800);
  }
  function after(root, result) {
    if (!result.ok) toast(message(result));
    return api("GET", "/api/v1/store/cart").then(function (r) { if (r.ok) renderPage(root, r.data); });
  }
  function update(root, lineId, change) {
    return api("PATCH", "/api/v1/store/cart/items/" + lineId, change).then(function (r) {
      if (r.ok) renderPage(root, r.data); else after(root, r);
    });
  }
  function initPage(root) {
    root.querySelector("[data-cart-select-all]").onchange = function () {
      api("PATCH", "/api/v1/store/cart", { selected: this.checked }).then(function (r) { after(root, r); });
    };
    root.querySelector("[data-cart-checkout]").addEventListener("click", function (e) {
      if (this.classList.contains("disabled")) e.preventDefault();
    });
    migrate().then(function () { return api("GET", "/api/v1/store/cart"); }).then(function (r) {
      root.dataset.loaded = "true";
      if (r.ok) renderPage(root, r.data);
    });
  }
  document.addEventListener("DOMContentLoaded", function () {
    badge();
    var page = document.querySelector("[data-cart-page]");
    if (page) initPage(page);
  });
  return { add: add, api: api, money: money, badge: badge, message: message, toast: toast };
})();
