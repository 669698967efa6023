// 秒杀 page: session tabs, countdowns on the server's clock (the page carries the server time), and the items'
// remaining stock refreshed from /api/v1/store/flash-sales. The buy button opens checkout with the activity.
(function () {
  var root = document.querySelector("[data-flash]");
  if (!root) return;
  var t = root.dataset;
  var skew = Number(t.serverNow) * 1000 - Date.now(); // server clock minus this device's
  var now = function () { return Date.now() + skew; };
  var all = function (sel, from) { return Array.prototype.slice.call((from || root).querySelectorAll(sel)); };
  var two = function (n) { return String(n).padStart(2, "0"); };
  function clock(ms) {
    var s = Math.max(0, Math.floor(ms / 1000));
    var h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h >= 24 ? Math.floor(h / 24) + "d " + two(h % 24) : two(h)) + ":" + two(m) + ":" + two(s % 60);
  }
  all("[data-slot]").forEach(function (tab) {
    tab.onclick = function () {
      all("[data-slot]").forEach(function (b) { var on = b === tab; b.classList.toggle("selected", on); b.setAttribute("aria-selected", on); });
      all("[data-session]").forEach(function (s) { s.hidden = s.dataset.session !== tab.dataset.slot; });
    };
  });
  function setButton(button, state) {
    var off = state !== "buy";
    button.toggleAttribute("data-off", off);
    if (off) button.setAttribute("aria-disabled", "true"); else button.removeAttribute("aria-disabled");
    button.textContent = { buy: t.tBuy, soon: t.tSoon, sold_out: t.tSoldOut, ended: t.tEnded }[state];
  }
  function tick() {
    var at = now();
    all("[data-session]").forEach(function (section) {
      var starts = Number(section.dataset.startsAt) * 1000, ends = Number(section.dataset.endsAt) * 1000;
      var paused = section.dataset.status === "paused";
      var label = section.querySelector("[data-countdown-label]"), out = section.querySelector("[data-countdown]");
      var phase = at >= ends ? "ended" : at >= starts ? "running" : "upcoming";
      if (phase === "running") { label.textContent = t.tEndsIn; out.textContent = clock(ends - at); }
      else if (phase === "upcoming") { label.textContent = t.tStartsIn; out.textContent = clock(starts - at); }
      else { label.textContent = t.tEnded; out.textContent = "00:00:00"; }
      all("[data-item]", section).forEach(function (li) {
        var left = Number(li.dataset.remaining);
        var state = phase === "ended" ? "ended" : phase === "upcoming" || paused ? "soon" : left < 1 ? "sold_out" : "buy";
        var button = li.querySelector("[data-buy]");
        if (button.dataset.state !== state) { button.dataset.state = state; setButton(button, state); }
      });
    });
  }
  function refresh() {
    window.MMCart.api("GET", "/api/v1/store/flash-sales?page_size=100").then(function (r) {
      if (!r.ok) return;
      (r.data.results || []).forEach(function (session) {
        var section = root.querySelector('[data-session="' + session.id + '"]');
        if (!section) return;
        section.dataset.status = session.status;
        session.items.forEach(function (item) {
          var li = section.querySelector('[data-item="' + item.id + '"]');
          if (!li) return;
          li.dataset.remaining = item.remaining;
          li.querySelector("[data-progress]").style.width = item.sold_percent + "%";
          li.querySelector("[data-grabbed]").textContent = t.tGrabbed.replace("{percent}", item.sold_percent + "%");
        });
      });
      tick();
    });
  }
  tick();
  setInterval(tick, 1000);
  refresh();
  setInterval(refresh, 15000);
})();
