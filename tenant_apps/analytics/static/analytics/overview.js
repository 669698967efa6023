// Data overview charts (ECharts 5, served from our own static files). Data comes from the json_script block.
(function () {
  "use strict";
  var data = JSON.parse(document.getElementById("dc-data").textContent);
  var w = data.words;
  var red = "#e4393c", charts = [];

  function chart(id, option, empty) {
    var el = document.getElementById(id);
    if (!el) return;
    if (empty) { el.innerHTML = '<p class="dc-note">' + w.nothing + "</p>"; el.style.height = "auto"; return; }
    var c = echarts.init(el, null, { renderer: "svg" });
    c.setOption(option);
    charts.push(c);
    return c;
  }
  var small = window.innerWidth < 480;
  var grid = { left: 8, right: 8, top: 36, bottom: 8, containLabel: true };

  chart("dc-trend", {
    color: [red, "#ff9800", "#1e88e5"],
    tooltip: { trigger: "axis" },
    legend: { top: 0 },
    grid: grid,
    xAxis: { type: "category", data: data.daily.map(function (d) { return d.date.slice(5); }) },
    yAxis: [{ type: "value" }, { type: "value", splitLine: { show: false } }],
    series: [
      { name: w.paid_amount, type: "line", smooth: true, areaStyle: { opacity: 0.12 }, data: data.daily.map(function (d) { return d.gmv_yuan; }) },
      { name: w.paid_orders, type: "bar", yAxisIndex: 1, data: data.daily.map(function (d) { return d.paid_orders; }) },
      { name: w.visitors, type: "line", yAxisIndex: 1, data: data.daily.map(function (d) { return d.visitors; }) }
    ]
  });

  chart("dc-funnel", {
    color: [red, "#f4511e", "#fb8c00", "#fdd835", "#7cb342"],
    tooltip: { trigger: "item", formatter: "{b}: {c}" },
    series: [{ type: "funnel", sort: "none", left: "5%", width: "90%", top: 8, bottom: 8, minSize: "8%",
      label: { position: "inside", formatter: "{b} {c}" },
      data: data.funnel.map(function (s) { return { name: s.label, value: s.value }; }) }]
  }, !data.funnel.some(function (s) { return s.value; }));

  chart("dc-sources", {
    tooltip: { trigger: "item" },
    legend: { bottom: 0, type: "scroll" },
    series: [{ type: "pie", radius: small ? ["30%", "60%"] : ["35%", "65%"], top: -10,
      data: data.sources.map(function (s) { return { name: s.label, value: s.visitors }; }) }]
  }, !data.sources.length);

  function ranking(id, rows, valueKey, name) {
    var list = rows.slice().reverse();
    chart(id, {
      color: [red],
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: list.map(function (r) { return r.label.length > 12 ? r.label.slice(0, 12) + "…" : r.label; }) },
      series: [{ name: name, type: "bar", data: list.map(function (r) { return r[valueKey]; }) }]
    }, !rows.length);
  }
  ranking("dc-products", data.products, "amount_yuan", w.paid_amount);
  ranking("dc-distributors", data.distributors, "amount_yuan", w.paid_amount);

  // One funnel per distributor (visitors brought → added to cart → buyers → paid orders), the one picked.
  var funnels = data.distributor_funnels, pick = document.getElementById("dc-distributor-pick");
  function distributorFunnel(f) {
    return {
      color: [red, "#f4511e", "#fb8c00", "#7cb342"],
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [{ type: "funnel", sort: "none", left: "4%", width: "58%", top: 8, bottom: 8, minSize: "12%",
        label: { position: "right", formatter: "{b} {c}" }, labelLine: { show: true }, name: f.label,
        data: f.steps.map(function (s) { return { name: s.name, value: s.value }; }) }]
    };
  }
  var funnelChart = chart("dc-distributor-funnel", funnels.length ? distributorFunnel(funnels[0]) : {}, !funnels.length);
  if (pick) {
    pick.disabled = !funnels.length;
    pick.addEventListener("change", function () {
      if (funnelChart) funnelChart.setOption(distributorFunnel(funnels[Number(pick.value)]), true);
    });
  }

  function node(n) {
    var name = (n.member_id ? w.member + " #" + n.member_id : w.visitor + " " + n.visitor.slice(-6));
    return { name: name, value: n.arrivals, paid: n.paid_amount,
      children: (n.children || []).map(node) };
  }
  chart("dc-tree", {
    tooltip: { formatter: function (p) { return p.name + "<br>" + w.arrivals + ": " + (p.value || 0); } },
    series: [{ type: "tree", data: [{ name: w.shop, children: data.tree.map(node) }],
      top: 16, left: small ? 40 : 80, bottom: 16, right: small ? 60 : 140, symbolSize: 9,
      itemStyle: { color: red }, label: { position: "left", fontSize: 11 },
      leaves: { label: { position: "right" } }, initialTreeDepth: 3, expandAndCollapse: true }]
  }, !data.tree.length);

  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
