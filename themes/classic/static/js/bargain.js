// 砍价 pages: the activity (start my bargain) and a session's share page (current price, progress to the floor,
// helpers with their cuts, countdown, 帮砍一刀 for visitors, buy for the owner, share link, QR and poster). Buying goes
// through the checkout page with the activity in its query string (group = the session id). Vanilla JS.
(function () {
  var root = document.querySelector("[data-bg-page]");
  if (!root) return;
  var T = JSON.parse(root.querySelector("[data-bg-i18n]").textContent);
  var api = function (method, path) { return window.MMCart.api(method, path); };
  var money = function (amount) { return window.MMCart.money(amount || 0, root.dataset.currency || "CNY"); };
  var toast = function (text) { window.MMCart.toast(text || T.failed); };
  var $ = function (sel) { return root.querySelector(sel); };
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (_m, k) { return values[k]; }); }
  function show(on) { root.querySelectorAll("[data-bg-ready]").forEach(function (e) { e.hidden = !on; }); }
  function signedIn() { try { return !!localStorage.getItem("mm-member-token"); } catch (e) { return false; } }
  function signIn() { location.href = "/account?next=" + encodeURIComponent(location.pathname); }
  function image(url) { var img = el("img"); img.alt = ""; img.src = url || root.dataset.placeholder; return img; }
  function item(box, title, url, price, listPrice) {
    box.innerHTML = "";
    var info = el("div", "info"), p = el("div", "price", money(price));
    if (listPrice) p.append(el("del", "", money(listPrice)));
    info.append(el("div", "title", title), p);
    box.append(image(url), info);
  }

  function activityPage() {
    var id = root.dataset.activityId;
    api("GET", "/api/v1/store/bargains/" + id).then(function (r) {
      var closed = $("[data-bg-closed]");
      if (!r.ok) { closed.textContent = T.not_running; closed.hidden = false; return; }
      var a = r.data, button = $("[data-bg-start]");
      $("[data-bg-title]").textContent = a.title;
      item($("[data-bg-item]"), a.item_title, a.image_url, a.floor_price_amount, a.list_price_amount);
      $("[data-bg-rule]").textContent = fill(T.rule, { helpers: a.helpers_needed, floor: money(a.floor_price_amount), hours: a.hours });
      if (a.status !== "running") { closed.textContent = T.not_running; closed.hidden = false; button.disabled = true; }
      if (a.remaining <= 0) { button.textContent = T.sold_out; button.disabled = true; }
      button.onclick = function () {
        if (!signedIn()) return signIn();
        button.disabled = true;
        api("POST", "/api/v1/store/bargains/" + id + "/start").then(function (s) {
          if (s.ok) { location.href = "/bargain-sessions/" + s.data.id; return; }
          button.disabled = false;
          if (s.status === 401 || s.status === 403) return signIn();
          toast((s.data && s.data.detail) || T.failed);
        });
      };
      show(true);
    });
  }

  function sessionPage() {
    var id = root.dataset.sessionId, s = null, poll = null;
    function countdown() {
      if (!s) return;
      var left = Math.max(0, Math.floor((new Date(s.expires_at) - new Date()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), sec = left % 60;
      var pad = function (n) { return String(n).padStart(2, "0"); };
      var live = s.status === "active" || s.status === "reached";
      $("[data-bg-countdown]").textContent = !live ? "" : left ? fill(T.left, { time: pad(h) + ":" + pad(m) + ":" + pad(sec) }) : T.ended;
    }
    function render() {
      $("[data-bg-title]").textContent = s.title;
      item($("[data-bg-item]"), s.item_title, s.image_url, s.floor_price_amount, null);
      $("[data-bg-current]").textContent = money(s.current_price_amount);
      $("[data-bg-start-price]").textContent = money(s.start_price_amount);
      var whole = s.start_price_amount - s.floor_price_amount, done = s.start_price_amount - s.current_price_amount;
      var percent = whole > 0 ? Math.round(done * 100 / whole) : 100;
      $("[data-bg-fill]").style.width = percent + "%";
      $("[data-bg-bar]").setAttribute("aria-valuenow", percent);
      var state = $("[data-bg-state]");
      state.textContent = s.status === "reached" ? T.reached : s.status === "ordered" ? T.ordered : s.status === "expired" ? T.expired
        : fill(T.to_floor, { amount: money(s.current_price_amount - s.floor_price_amount), helpers: s.helpers_needed - s.helps });
      var help = $("[data-bg-help]");
      help.hidden = s.is_owner || s.status !== "active";
      help.disabled = s.helped;
      help.textContent = s.helped ? T.helped : T.help;
      var buy = $("[data-bg-buy]");
      buy.hidden = !s.is_owner || s.order_id || s.status === "expired" || s.status === "ordered";
      buy.disabled = !s.can_buy;
      buy.textContent = s.can_buy ? fill(T.buy_now, { amount: money(s.current_price_amount) }) : T.buy_floor;
      var order = $("[data-bg-order]");
      order.hidden = !(s.is_owner && s.order_id);
      if (s.order_id) order.href = "/orders/" + s.order_id;
      var list = $("[data-bg-helpers]"); list.innerHTML = "";
      if (!s.helpers.length) list.append(el("li", "", T.no_helpers));
      s.helpers.forEach(function (h) {
        var li = el("li");
        li.append(el("span", "avatar", h.initial), el("span", "", fill(T.cut_by, { amount: money(h.cut_amount) })));
        list.append(li);
      });
      $("[data-bg-share]").hidden = s.status !== "active";
      $("[data-bg-link]").value = s.share_url;
      $("[data-bg-qr]").src = s.qr_url;
      $("[data-bg-poster]").href = s.poster_url;
      $("[data-bg-activity]").href = "/bargains/" + s.activity_id;
      countdown();
      show(true);
    }
    function load() {
      return api("GET", "/api/v1/store/bargain-sessions/" + id).then(function (r) {
        if (!r.ok) { toast((r.data && r.data.detail) || T.failed); return; }
        s = r.data;
        if (s.status !== "active" && poll) { clearInterval(poll); poll = null; }
        render();
      });
    }
    $("[data-bg-help]").onclick = function () {
      if (!signedIn()) return signIn();
      var button = $("[data-bg-help]"); button.disabled = true;
      api("POST", "/api/v1/store/bargain-sessions/" + id + "/help").then(function (r) {
        if (r.status === 401 || r.status === 403) return signIn();
        toast(r.ok ? fill(T.you_cut, { amount: money(r.data.cut_amount) }) : (r.data && r.data.detail) || T.failed);
        load();
      });
    };
    $("[data-bg-buy]").onclick = function () {
      var q = new URLSearchParams({ activity: "bargain", activity_id: s.activity_id, sku: s.sku_id, qty: 1, group: s.id });
      location.href = "/checkout?" + q.toString();
    };
    $("[data-bg-copy]").onclick = function () {
      var input = $("[data-bg-link]"); input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).catch(function () {});
      toast(T.copied);
    };
    load().then(function () {
      setInterval(countdown, 1000);
      if (s && s.status === "active") poll = setInterval(load, 5000);
    });
  }

  function minePage() {
    if (!signedIn()) { $("[data-bg-signin]").hidden = false; return; }
    api("GET", "/api/v1/store/bargain-sessions").then(function (r) {
      if (r.status === 401 || r.status === 403) { $("[data-bg-signin]").hidden = false; return; }
      if (!r.ok) return toast((r.data && r.data.detail) || T.failed);
      var list = $("[data-bg-mine]");
      $("[data-bg-empty]").hidden = r.data.length > 0;
      r.data.forEach(function (s) {
        var li = el("li", "bg-mine-item " + s.status), a = el("a", "gb-item");
        a.href = "/bargain-sessions/" + s.id;
        item(a, s.item_title || s.title, s.image_url, s.current_price_amount, null);
        a.querySelector(".info").append(el("span", "bg-status", T["status_" + s.status] || s.status));
        li.append(a);
        list.append(li);
      });
    });
  }

  var page = root.dataset.bgPage;
  if (page === "activity") activityPage(); else if (page === "mine") minePage(); else sessionPage();
})();
