// Back-office home charts (micromall.backoffice dashboard_chart): every canvas marked data-renderer="echarts" gets
// the ECharts option the server put in its json_script (ECharts 5, served from our own static files, SVG renderer).
(function () {
  "use strict";
  var charts = [];
  document.querySelectorAll('[data-renderer="echarts"]').forEach(function (el) {
    var source = document.getElementById(el.getAttribute("data-source"));
    if (!source || !window.echarts) return;
    var chart = echarts.init(el, null, { renderer: "svg" });
    chart.setOption(JSON.parse(source.textContent));
    charts.push(chart);
  });
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
})();
