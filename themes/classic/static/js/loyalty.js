// 签到 (check-in) and 我的积分 (points, history, invitations) pages on the store loyalty API, with the member token
// from localStorage (same key as account.js). Words come from the page's data-t-* attributes. Vanilla JS.
(function () {
  var root = document.querySelector("[data-loyalty]");
  if (!root) return;
  var t = root.dataset;
  var token = null;
  try { token = localStorage.getItem("mm-member-token"); } catch (e) { token = null; }
  function $(sel) { return root.querySelector(sel); }
  function fill(text, values) { return text.replace(/\{(\w+)\}/g, function (m, k) { return values[k] != null ? values[k] : m; }); }
  function api(path, options) {
    options = options || {};
    var headers = { "Accept": "application/json", "Authorization": "Bearer " + token,
      "Accept-Language": document.documentElement.lang || "zh-Hans" };
    return fetch(path, { method: options.method || "GET", headers: headers, credentials: "omit" })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (d) { return { status: r.status, data: d }; }); });
  }
  function message(r) {
    var d = r.data || {};
    if (d.errors) return Object.keys(d.errors).map(function (k) { return [].concat(d.errors[k]).join(" "); }).join(" ");
    return d.detail || t.tError;
  }
  function toast(text) {
    var el = document.querySelector("[data-toast]");
    if (!el) return;
    el.textContent = text; el.hidden = false;
    setTimeout(function () { el.hidden = true; }, 2500);
  }
  function yuan(fen) {
    var sign = fen < 0 ? "-" : ""; fen = Math.abs(fen);
    return sign + "¥" + Math.floor(fen / 100) + "." + String(fen % 100).padStart(2, "0");
  }
  function signed(n) { return (n > 0 ? "+" : "") + n; }
  function li(text, cls) { var e = document.createElement("li"); e.textContent = text; if (cls) e.className = cls; return e; }
  if (!token) { $("[data-loyalty-signed-out]").hidden = false; return; }

  function checkinPage() {
    function render(state) {
      $("[data-streak]").textContent = fill(t.tStreak, { days: state.streak });
      var button = $("[data-checkin]");
      button.disabled = state.checked_in_today;
      $("[data-next]").textContent = fill(state.checked_in_today ? t.tTomorrow : t.tNext, { points: state.next_points });
      var today = new Date(state.today + "T00:00:00");
      var days = new Date(today.getFullYear(), today.getMonth() + 1, 0).getDate();
      var done = {}; state.month_days.forEach(function (d) { done[d] = true; });
      var cal = $("[data-calendar]"); cal.textContent = "";
      for (var d = 1; d <= days; d++) {
        var cls = done[d] ? "done" : (d === today.getDate() ? "today" : "");
        var item = li(String(d), cls);
        if (done[d]) item.setAttribute("aria-label", d + " ✓");
        cal.appendChild(item);
      }
      var rewards = $("[data-rewards]"); rewards.textContent = "";
      state.rewards.forEach(function (points, i) {
        var item = li(fill(t.tDay, { n: i + 1 }) + " · " + fill(t.tPoints, { points: points }));
        if (i + 1 === Math.min(state.streak + (state.checked_in_today ? 0 : 1), state.rewards.length)) item.className = "current";
        rewards.appendChild(item);
      });
      var cumulative = $("[data-cumulative]"); cumulative.textContent = "";
      state.cumulative_rewards.forEach(function (row) {
        cumulative.appendChild(li(fill(t.tDays, { n: row.days }) + " · " + fill(t.tPoints, { points: row.points }),
          state.month_days.length >= row.days ? "done" : ""));
      });
      $("[data-loyalty-main]").hidden = false;
    }
    function load() {
      return api("/api/v1/store/checkin").then(function (r) {
        if (r.status === 401 || r.status === 403) { $("[data-loyalty-signed-out]").hidden = false; return; }
        if (r.status !== 200) { toast(message(r)); return; }
        render(r.data);
      });
    }
    $("[data-checkin]").onclick = function () {
      var button = this; button.disabled = true;
      api("/api/v1/store/checkin", { method: "POST" }).then(function (r) {
        if (r.status === 201) toast(fill(t.tDone, { points: r.data.points })); else toast(message(r));
        load();
      });
    };
    load();
  }

  function pointsPage() {
    Promise.all([api("/api/v1/store/points"), api("/api/v1/store/me"), api("/api/v1/store/invites")]).then(function (rs) {
      var p = rs[0], me = rs[1], inv = rs[2];
      if (p.status === 401 || p.status === 403) { $("[data-loyalty-signed-out]").hidden = false; return; }
      if (p.status !== 200) { toast(message(p)); return; }
      $("[data-balance]").textContent = p.data.balance;
      $("[data-frozen]").textContent = p.data.frozen;
      $("[data-level]").textContent = (me.data && me.data.level) || "—";
      $("[data-worth]").textContent = fill(t.tWorth, { points: p.data.redeem_points_per_yuan, amount: yuan(100) });
      var entries = $("[data-entries]"); entries.textContent = "";
      if (!p.data.entries.length) entries.appendChild(li(t.tNone));
      p.data.entries.forEach(function (e) {
        var label = t["t" + e.kind.charAt(0).toUpperCase() + e.kind.slice(1)] || e.kind;
        var amount = e.points !== 0 ? signed(e.points) : signed(e.frozen);
        entries.appendChild(li(new Date(e.created).toLocaleDateString() + " · " + label + " · " + amount + (e.reason ? " · " + e.reason : "")));
      });
      if (inv.status === 200) {
        $("[data-invite-link]").value = inv.data.invite_url;
        $("[data-invite-text]").textContent = "+" + inv.data.invite_points;
        var list = $("[data-invitations]"); list.textContent = "";
        inv.data.invitations.forEach(function (row) {
          list.appendChild(li(row.invitee + " · " + (t["t" + row.status.charAt(0).toUpperCase() + row.status.slice(1)] || row.status)));
        });
      }
      $("[data-invite-copy]").onclick = function () {
        var input = $("[data-invite-link]"); input.select();
        (navigator.clipboard ? navigator.clipboard.writeText(input.value) : Promise.resolve(document.execCommand("copy")))
          .then(function () { toast(t.tCopied); });
      };
      $("[data-loyalty-main]").hidden = false;
    });
  }

  if (t.loyalty === "checkin") checkinPage(); else pointsPage();
})();
