// 分销中心: apply, link/QR/poster, balances, withdrawals, commissions by status, team, leaderboard.
// Reads the store distribution API with the member token from localStorage (same key as account.js).
(function () {
  var root = document.querySelector("[data-dist]");
  if (!root) return;
  var t = root.dataset;
  var token = null;
  try { token = localStorage.getItem("mm-member-token"); } catch (e) { token = null; }
  function $(sel) { return root.querySelector(sel); }
  function api(path, options) {
    options = options || {};
    var headers = { "Accept": "application/json", "Authorization": "Bearer " + token };
    if (options.body) headers["Content-Type"] = "application/json";
    return fetch(path, { method: options.method || "GET", headers: headers, credentials: "omit",
      body: options.body ? JSON.stringify(options.body) : undefined })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (d) { return { status: r.status, data: d }; }); });
  }
  function yuan(fen) {
    var sign = fen < 0 ? "-" : ""; fen = Math.abs(fen);
    return sign + "¥" + Math.floor(fen / 100) + "." + String(fen % 100).padStart(2, "0");
  }
  function message(r) {
    var d = r.data || {};
    if (d.errors) return Object.keys(d.errors).map(function (k) { return [].concat(d.errors[k]).join(" "); }).join(" ");
    return d.detail || t.tError;
  }
  function list(el, rows, render) {
    el.textContent = "";
    if (!rows.length) { var li = document.createElement("li"); li.textContent = t.tNone; el.appendChild(li); return; }
    rows.forEach(function (row) { var li = document.createElement("li"); li.textContent = render(row); el.appendChild(li); });
  }
  var statusWord = { pending: t.tPending, available: t.tAvailable, withdrawn: t.tWithdrawn, reversed: t.tReversed,
    requested: t.tRequested, paid: t.tPaid, rejected: t.tRejected };
  function commissions(status) {
    api("/api/v1/store/distribution/commissions" + (status ? "?status=" + status : "")).then(function (r) {
      list($("[data-dist-commissions]"), r.data || [], function (c) {
        return c.order_number + " · " + t.tLevel + " " + c.level + " · " + yuan(c.amount) + " · " + (statusWord[c.status] || c.status);
      });
    });
  }
  function load() {
    if (!token) { $("[data-dist-signed-out]").hidden = false; return; }
    api("/api/v1/store/distribution/me").then(function (r) {
      if (r.status === 401) { $("[data-dist-signed-out]").hidden = false; return; }
      if (r.status === 404) { $("[data-dist-apply]").hidden = false; return; }
      var me = r.data;
      if (me.status !== "approved") { $("[data-dist-review]").hidden = false; return; }
      $("[data-dist-main]").hidden = false;
      $("[data-dist-code]").textContent = me.code;
      $("[data-dist-link]").value = me.referral_url;
      $("[data-dist-qr]").src = me.qr_url;
      $("[data-dist-poster]").href = "/api/v1/store/distribution/poster/" + me.code + ".png";
      root.querySelectorAll("[data-balance]").forEach(function (el) { el.textContent = yuan(me.balances[el.dataset.balance]); });
      commissions("");
      api("/api/v1/store/distribution/team").then(function (r) {
        list($("[data-dist-team]"), r.data || [], function (m) { return t.tLevel + " " + m.level + " · " + (m.nickname || ("#" + m.member_id)); });
      });
      api("/api/v1/store/distribution/withdrawals").then(function (r) {
        list($("[data-dist-withdrawals]"), r.data || [], function (w) { return yuan(w.amount) + " · " + (statusWord[w.status] || w.status); });
      });
      api("/api/v1/store/distribution/leaderboard").then(function (r) {
        list($("[data-dist-leaders]"), r.data || [], function (l) { return (l.nickname || l.code) + " · " + yuan(l.total_amount); });
      });
    });
  }
  $("[data-dist-apply-button]").addEventListener("click", function () {
    api("/api/v1/store/distribution/apply", { method: "POST", body: {} }).then(function (r) {
      if (r.status === 200 || r.status === 201) { $("[data-dist-apply]").hidden = true; return load(); }
      var e = $("[data-dist-apply-error]"); e.textContent = message(r); e.hidden = false;
    });
  });
  $("[data-dist-copy]").addEventListener("click", function () {
    var input = $("[data-dist-link]"); input.select();
    if (navigator.clipboard) navigator.clipboard.writeText(input.value).catch(function () {});
  });
  $("[data-dist-withdraw]").addEventListener("submit", function (event) {
    event.preventDefault();
    var raw = event.target.elements.amount.value.trim();
    var m = raw.match(/^(\d+)(?:\.(\d{1,2}))?$/);
    var e = $("[data-dist-withdraw-error]");
    if (!m) { e.textContent = t.tError; e.hidden = false; return; }
    var fen = parseInt(m[1], 10) * 100 + parseInt((m[2] || "0").padEnd(2, "0"), 10);  // no floats for money
    api("/api/v1/store/distribution/withdrawals", { method: "POST", body: { amount: fen } }).then(function (r) {
      if (r.status === 201) { e.hidden = true; event.target.reset(); return load(); }
      e.textContent = message(r); e.hidden = false;
    });
  });
  root.querySelectorAll("[data-dist-filter] [data-status]").forEach(function (b) {
    b.addEventListener("click", function () {
      root.querySelectorAll("[data-dist-filter] [data-status]").forEach(function (x) { x.classList.toggle("selected", x === b); });
      commissions(b.dataset.status);
    });
  });
  load();
})();
