// Cart shell kept in localStorage per shop host until the cart API page replaces it.
window.MMCart = (function () {
  var KEY = "mm-cart:" + location.host;
  var SYMBOLS = { CNY: "¥", USD: "$", EUR: "€", GBP: "£", JPY: "¥", HKD: "HK$" };
  function load() { try { return JSON.parse(localStorage.getItem(KEY)) || []; } catch (e) { return []; } }
  function save(lines) { localStorage.setItem(KEY, JSON.stringify(lines)); badge(); }
  // Integer minor units in, "¥12.90" out: integer arithmetic only.
  function money(amount, currency) {
    var symbol = SYMBOLS[currency] || (currency + " ");
    if (currency === "JPY") return symbol + amount;
    return symbol + Math.floor(amount / 100) + "." + String(amount % 100).padStart(2, "0");
  }
  function add(line) {
    var lines = load();
    var found = lines.find(function (l) { return l.sku_id === line.sku_id; });
    if (found) found.quantity += line.quantity; else lines.push(line);
    save(lines);
  }
  function badge() {
    var count = load().reduce(function (n, l) { return n + l.quantity; }, 0);
    document.querySelectorAll("[data-cart-count]").forEach(function (el) { el.textContent = count; el.hidden = count === 0; });
  }
  function renderPage(root) {
    var list = root.querySelector("[data-cart-lines]");
    var lines = load();
    list.innerHTML = "";
    var total = 0, currency = root.dataset.currency;
    lines.forEach(function (line, i) {
      total += line.price_amount * line.quantity;
      var li = document.createElement("li");
      li.className = "cart-line";
      var img = document.createElement("img"); img.alt = ""; if (line.image_url) img.src = line.image_url;
      var info = document.createElement("div"); info.className = "info";
      var title = document.createElement("a"); title.href = "/p/" + line.product_id; title.textContent = line.title;
      var specs = document.createElement("div"); specs.className = "specs-text"; specs.textContent = line.spec_text != null ? line.spec_text : Object.values(line.specs || {}).join(" / ");
      var price = document.createElement("div"); price.className = "price"; price.textContent = money(line.price_amount, line.currency || currency);
      info.append(title, specs, price);
      var qty = document.createElement("div"); qty.className = "qty";
      var minus = document.createElement("button"); minus.type = "button"; minus.textContent = "−";
      var n = document.createElement("span"); n.textContent = line.quantity;
      var plus = document.createElement("button"); plus.type = "button"; plus.textContent = "+";
      minus.onclick = function () { line.quantity -= 1; if (line.quantity <= 0) lines.splice(i, 1); save(lines); renderPage(root); };
      plus.onclick = function () { line.quantity += 1; save(lines); renderPage(root); };
      qty.append(minus, n, plus);
      li.append(img, info, qty);
      list.append(li);
    });
    root.querySelector("[data-cart-empty]").hidden = lines.length > 0;
    root.querySelector("[data-cart-bar]").hidden = lines.length === 0;
    root.querySelector("[data-cart-total]").textContent = money(total, currency);
  }
  document.addEventListener("DOMContentLoaded", function () {
    badge();
    var page = document.querySelector("[data-cart-page]");
    if (page) renderPage(page);
  });
  return { add: add, load: load, money: money, badge: badge };
})();
