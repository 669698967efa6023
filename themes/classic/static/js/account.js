// "我的" page: sign in or register a shop member through the store API; the member token lives in
// localStorage (per shop host, so one shop's token never reaches another). Vanilla JS, no build step.
(function () {
  var KEY = "mm-member-token";
  var root = document.querySelector("[data-account]");
  if (!root) return;
  var signedIn = root.querySelector("[data-signed-in]");
  var signedOut = root.querySelector("[data-signed-out]");
  var loading = root.querySelector("[data-account-loading]");
  var textsEl = document.getElementById("storefront-texts");
  var T = textsEl ? JSON.parse(textsEl.textContent) : {};
  function t(key) { return T[key] || key; }

  function token() { try { return localStorage.getItem(KEY); } catch (e) { return null; } }
  function api(path, options) {
    options = options || {};
    // The page's language, not only the browser's: API messages then match the page the shopper chose.
    var headers = { "Accept": "application/json", "Accept-Language": document.documentElement.lang || "zh-Hans" };
    if (options.body) headers["Content-Type"] = "application/json";
    if (options.token) headers["Authorization"] = "Bearer " + options.token;
    return fetch(path, { method: options.method || "GET", headers: headers, credentials: "omit",
      body: options.body ? JSON.stringify(options.body) : undefined })
      .then(function (r) { return r.json().catch(function () { return {}; }).then(function (data) { return { status: r.status, data: data }; }); });
  }
  // {"errors": {"field": ["msg"]}} or {"detail": "msg"} -> one line a shopper can read.
  function message(result) {
    var d = result.data || {};
    if (result.status === 429) return t("too_many");
    if (d.errors) return Object.keys(d.errors).map(function (k) { return [].concat(d.errors[k]).join(" "); }).join(" ");
    if (d.detail) return d.detail;
    return t("failed");
  }
  function show(member) {
    loading.hidden = true;
    signedIn.hidden = !member;
    signedOut.hidden = !!member;
    if (member) {
      root.querySelector("[data-member-email]").textContent = member.email || "";
      root.querySelector("[data-member-phone]").textContent = member.phone || "";
      var loyalty = root.querySelector("[data-member-loyalty]");
      if (loyalty && member.points_balance != null) {
        root.querySelector("[data-member-points]").textContent = member.points_balance;
        root.querySelector("[data-member-level]").textContent = member.level || "—";
        loyalty.hidden = false;
      }
    }
  }
  function load() {
    var t = token();
    if (!t) return show(null);
    api("/api/v1/store/me", { token: t }).then(function (r) {
      if (r.status === 200) return show(r.data);
      if (r.status === 401 || r.status === 403) localStorage.removeItem(KEY);
      show(null);
    }, function () { show(null); });
  }
  // The distributor code from a shared link (?ref=CODE, kept in the "ref" cookie by base.html).
  function ref() { var m = document.cookie.match(/(?:^|; )ref=([^;]*)/); return m ? decodeURIComponent(m[1]) : ""; }
  function credentials(form, path) {
    var login = form.elements.login.value.trim();
    var body = { password: form.elements.password.value };
    if (login.indexOf("@") >= 0) body.email = login; else body.phone = login;
    if (path === "/api/v1/store/auth/register" && ref()) body.ref = ref();
    return body;
  }
  // An invitation link (/account?invite=CODE): kept until a registration here accepts it.
  var INVITE = "mm-invite";
  var inviteParam = new URLSearchParams(location.search).get("invite");
  if (inviteParam) { try { localStorage.setItem(INVITE, inviteParam); } catch (e) { /* private mode */ } }
  function acceptInvite(memberToken) {
    var code = null;
    try { code = localStorage.getItem(INVITE); } catch (e) { code = null; }
    if (!code) return Promise.resolve();
    localStorage.removeItem(INVITE);
    return api("/api/v1/store/invites/accept", { method: "POST", token: memberToken, body: { code: code } })
      .then(function () {}, function () {});
  }
  function submit(form, path) {
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      var error = form.querySelector("[data-error]");
      var button = form.querySelector("button[type=submit]");
      error.hidden = true;
      if (!form.elements.login.value.trim() || !form.elements.password.value) {
        error.textContent = t("fill_in");
        error.hidden = false;
        return;
      }
      button.disabled = true;
      api(path, { method: "POST", body: credentials(form, path) }).then(function retry(r) {
        if (r.status === 400 && r.data.errors && r.data.errors.ref && ref()) {
          document.cookie = "ref=; path=/; max-age=0";  // an unknown code must not block registration
          return api(path, { method: "POST", body: credentials(form, path) }).then(retry);
        }
        button.disabled = false;
        if (r.status === 200 || r.status === 201) {
          localStorage.setItem(KEY, r.data.token);
          form.reset();
          if (r.status === 201) return acceptInvite(r.data.token).then(function () { return retry({ status: 200, data: r.data }); });
          // Back to the page that asked for a sign-in (only a path on this host).
          var next = new URLSearchParams(location.search).get("next") || "";
          if (/^\/[^\/\\]/.test(next)) { location.href = next; return; }
          return load();
        }
        error.textContent = message(r);
        error.hidden = false;
      }, function () {
        button.disabled = false;
        error.textContent = t("network");
        error.hidden = false;
      });
    });
  }
  root.querySelectorAll("[data-tab]").forEach(function (tab) {
    tab.addEventListener("click", function () {
      root.querySelectorAll("[data-tab]").forEach(function (t) {
        var on = t === tab;
        t.classList.toggle("selected", on);
        t.setAttribute("aria-selected", on ? "true" : "false");
      });
      root.querySelectorAll("[data-form]").forEach(function (f) { f.hidden = f.dataset.form !== tab.dataset.tab; });
    });
  });
  submit(root.querySelector("[data-form=signin]"), "/api/v1/store/auth/token");
  submit(root.querySelector("[data-form=register]"), "/api/v1/store/auth/register");
  root.querySelector("[data-sign-out]").addEventListener("click", function () {
    var t = token();
    localStorage.removeItem(KEY);
    show(null);
    // Revoke it on the server too, so a copied token stops working.
    if (t) api("/api/v1/store/auth/token", { method: "DELETE", token: t });
  });
  load();
})();
