// 拼团 pages: the activity (pick a group size, start a group, or join one that waits) and a group (members as
// initials, progress, countdown, share link, QR and poster; polls while forming so both shoppers see 拼团成功).
// Buying goes through the checkout page with the activity in its query string. Vanilla JS, no build step.
(function () {
  var root = document.querySelector("[data-gb-page]");
  if (!root) return;
  var T = JSON.parse(root.querySelector("[data-gb-i18n]").textContent);
  var api = function (method, path) { return window.MMCart.api(method, path); };
  var money = function (amount) { return window.MMCart.money(amount || 0, root.dataset.currency || "CNY"); };
  var toast = function (text) { window.MMCart.toast(text || T.failed); };
  var $ = function (sel) { return root.querySelector(sel); };
  function el(tag, cls, text) { var e = document.createElement(tag); if (cls) e.className = cls; if (text != null) e.textContent = text; return e; }
  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (_m, k) { return values[k]; }); }
  function show(on) { root.querySelectorAll("[data-gb-ready]").forEach(function (e) { e.hidden = !on; }); }
  function signedIn() { try { return !!localStorage.getItem("mm-member-token"); } catch (e) { return false; } }
  function buy(activityId, skuId, extra) {
    var q = new URLSearchParams({ activity: "group_buy", activity_id: activityId, sku: skuId, qty: 1 });
    Object.keys(extra || {}).forEach(function (k) { q.set(k, extra[k]); });
    var target = "/checkout?" + q.toString();
    location.href = signedIn() ? target : "/account?next=" + encodeURIComponent(target);
  }
  function image(url) { var img = el("img"); img.alt = ""; img.src = url || root.dataset.placeholder; return img; }
  function priceFor(item, size, groupSize) {
    if (size === groupSize) return item.price_amount;
    var tier = (item.ladder || []).filter(function (t) { return t.group_size === size; })[0];
    return tier ? tier.price_amount : item.price_amount;
  }

  // --- the activity --------------------------------------------------------------------------------------------
  function activityPage() {
    var id = root.dataset.activityId;
    api("GET", "/api/v1/store/group-buys/" + id).then(function (r) {
      if (!r.ok) { var c = $("[data-gb-closed]"); c.textContent = T.not_running; c.hidden = false; return; }
      var a = r.data, size = a.group_size;
      $("[data-gb-title]").textContent = a.title;
      if (a.status !== "running") { var closed = $("[data-gb-closed]"); closed.textContent = T.not_running; closed.hidden = false; }
      function render() {
        $("[data-gb-rule]").textContent = fill(T.persons, { size: size });
        var sizes = $("[data-gb-sizes]"); sizes.innerHTML = "";
        if (a.group_sizes.length > 1) a.group_sizes.forEach(function (n) {
          var b = el("button", n === size ? "selected" : "", fill(T.persons, { size: n }));
          b.type = "button"; b.setAttribute("role", "radio"); b.setAttribute("aria-checked", n === size);
          b.onclick = function () { size = n; render(); };
          sizes.append(b);
        });
        var ul = $("[data-gb-items]"); ul.innerHTML = "";
        a.items.forEach(function (item) {
          var li = el("li"), info = el("div", "info"), price = priceFor(item, size, a.group_size);
          info.append(el("div", "title", item.title + (Object.keys(item.specs || {}).length ? " " + Object.values(item.specs).join("/") : "")));
          var p = el("div", "price", money(Math.max(price - a.leader_discount_amount, 1)));
          p.append(el("del", "", money(item.list_price_amount)));
          info.append(p);
          var button = el("button", "btn", item.remaining > 0 ? T.start : T.sold_out);
          button.type = "button"; button.dataset.gbStart = item.sku_id;
          button.disabled = item.remaining <= 0 || a.status !== "running";
          button.onclick = function () { buy(a.id, item.sku_id, size !== a.group_size ? { size: size } : {}); };
          li.append(image(item.image_url), info, button); ul.append(li);
        });
      }
      render();
      var open = $("[data-gb-open]"); open.innerHTML = "";
      if (!a.open_groups.length) open.append(el("li", "", T.none_open));
      a.open_groups.forEach(function (g) {
        var li = el("li"), link = el("a", "btn secondary", T.go_join);
        link.href = "/groups/" + g.id;
        li.append(el("span", "info", fill(T.joined, { joined: g.joined, size: g.group_size })), link);
        open.append(li);
      });
      show(true);
    });
  }

  // --- a group -------------------------------------------------------------------------------------------------
  function groupPage() {
    var id = root.dataset.groupId, group = null, activity = null, timer = null, poll = null;
    function countdown() {
      if (!group) return;
      var left = Math.max(0, Math.floor((new Date(group.expires_at) - new Date()) / 1000));
      var h = Math.floor(left / 3600), m = Math.floor(left % 3600 / 60), s = left % 60;
      var pad = function (n) { return String(n).padStart(2, "0"); };
      $("[data-gb-countdown]").textContent = group.status !== "forming" ? "" : " · " + (left ? fill(T.left, { time: pad(h) + ":" + pad(m) + ":" + pad(s) }) : T.ended);
    }
    function render() {
      var g = group, state = $("[data-gb-state]");
      state.className = "gb-state " + g.status;
      state.textContent = g.status === "formed" ? T.formed : g.status === "failed" ? T.failed_group : fill(T.forming, { missing: g.group_size - g.joined });
      $("[data-gb-progress]").textContent = fill(T.joined, { joined: g.joined, size: g.group_size });
      var seats = $("[data-gb-seats]"); seats.innerHTML = "";
      g.seats.forEach(function (seat) {
        var d = el("span", "gb-seat" + (seat.is_virtual ? " virtual" : ""), seat.initial);
        if (seat.is_leader) d.append(el("span", "gb-badge", T.leader));
        seats.append(d);
      });
      for (var i = g.seats.length; i < g.group_size; i++) seats.append(el("span", "gb-seat empty", "?"));
      $("[data-gb-join]").hidden = !(g.status === "forming" && !g.seated && activity && activity.status === "running");
      $("[data-gb-seated]").hidden = !g.seated;
      $("[data-gb-share]").hidden = g.status !== "forming";
      $("[data-gb-link]").value = g.share_url;
      $("[data-gb-qr]").src = g.qr_url;
      $("[data-gb-poster]").href = g.poster_url;
      $("[data-gb-activity]").href = "/group-buys/" + g.activity_id;
      countdown();
      show(true);
    }
    function renderItem() {
      var box = $("[data-gb-item]"); box.innerHTML = "";
      var item = activity && activity.items[0];
      if (!item) return;
      $("[data-gb-title]").textContent = activity.title;
      var info = el("div", "info"), p = el("div", "price", money(priceFor(item, group.group_size, activity.group_size)));
      p.append(el("del", "", money(item.list_price_amount)));
      info.append(el("div", "title", item.title), p, el("div", "hint", fill(T.persons, { size: group.group_size })));
      box.append(image(item.image_url), info);
    }
    function load() {
      return api("GET", "/api/v1/store/groups/" + id).then(function (r) {
        if (!r.ok) { toast((r.data && r.data.detail) || T.failed); return; }
        group = r.data;
        if (group.status !== "forming" && poll) { clearInterval(poll); poll = null; }
        var first = !activity;
        return (first ? api("GET", "/api/v1/store/group-buys/" + group.activity_id).then(function (a) { activity = a.ok ? a.data : null; renderItem(); }) : Promise.resolve())
          .then(render);
      });
    }
    $("[data-gb-join]").onclick = function () {
      var item = activity && activity.items[0];
      if (item) buy(activity.id, item.sku_id, { group: group.id });
    };
    $("[data-gb-copy]").onclick = function () {
      var input = $("[data-gb-link]"); input.select();
      if (navigator.clipboard) navigator.clipboard.writeText(input.value).catch(function () {});
      toast(T.copied);
    };
    load().then(function () {
      timer = setInterval(countdown, 1000);
      if (group && group.status === "forming") poll = setInterval(load, 4000);
    });
  }

  if (root.dataset.gbPage === "activity") activityPage(); else groupPage();
})();
