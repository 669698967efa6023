// Auto-advance scroll-snap carousels every 4 s; swiping still works (no library, no build step).
(function () {
  document.querySelectorAll("[data-carousel]").forEach(function (track) {
    if (track.children.length < 2 || !track.closest(".banner")) return;
    var index = 0;
    setInterval(function () {
      index = (index + 1) % track.children.length;
      track.scrollTo({ left: track.clientWidth * index, behavior: "smooth" });
    }, 4000);
  });
})();
