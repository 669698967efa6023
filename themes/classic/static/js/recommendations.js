// 看了又看 / 经常一起买 on the product page and 猜你喜欢 on the home page: fetched after the (cached) page is
// shown, so the page itself costs nothing more. A section stays hidden when the shop has nothing to suggest.
(function () {
  "use strict";
  function card(p, placeholder) {
    var a = document.createElement("a");
    a.className = "card"; a.href = "/p/" + p.id; a.setAttribute("data-product-id", p.id);
    var thumb = document.createElement("div"); thumb.className = "thumb";
    var img = document.createElement("img"); img.loading = "lazy"; img.alt = p.title;
    img.src = p.image_url || placeholder;
    thumb.appendChild(img);
    var body = document.createElement("div"); body.className = "card-body";
    var h = document.createElement("h3"); h.className = "card-title"; h.textContent = p.title;
    var meta = document.createElement("div"); meta.className = "card-meta";
    var price = document.createElement("span"); price.className = "price";
    price.textContent = window.MMCart ? window.MMCart.money(p.price_amount, p.currency) : String(p.price_amount / 100);
    meta.appendChild(price);
    // 会员价: the same hidden slot as a server-rendered card, filled by js/member_prices.js for a signed-in member.
    var memberPrice = window.MMMemberPrices && window.MMMemberPrices.slot(p.id, p.currency);
    if (memberPrice) meta.appendChild(memberPrice);
    body.appendChild(h); body.appendChild(meta);
    a.appendChild(thumb); a.appendChild(body);
    return a;
  }
  document.querySelectorAll("[data-recommendations]").forEach(function (section) {
    fetch(section.getAttribute("data-recommendations"), { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.ok ? r.json() : { results: [] }; })
      .then(function (body) {
        if (!body.results || !body.results.length) return;
        var grid = section.querySelector(".grid");
        var placeholder = section.getAttribute("data-placeholder") || "";
        body.results.forEach(function (p) { grid.appendChild(card(p, placeholder)); });
        section.hidden = false;
        if (window.MMMemberPrices) window.MMMemberPrices.fill(grid);
      })
      .catch(function () {});
  });
})();
