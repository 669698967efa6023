/* 店铺装修 (tenant_apps/storefront/admin.py): list settings as rows that can be added, removed and dragged into
 * order, and picture settings with an upload button. Field names carry the row number
 * (`banner_slides.0.image_url`); they are renumbered in page order after every change, so the server reads
 * the rows in the order shown. Plain script, no build step; the server validates everything again. */
(function () {
  "use strict";
  var form = document.getElementById("theme-settings-form");
  if (!form) return;

  function escapeRegExp(text) { return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); }

  function setUpRows(block) {
    var path = block.dataset.rows;
    var list = block.querySelector("[data-rows-list]");
    var template = block.querySelector("[data-rows-template]");
    var add = block.querySelector("[data-rows-add]");
    var max = parseInt(block.dataset.max || "0", 10);
    var pattern = new RegExp("^(id_)?" + escapeRegExp(path) + "\\.(\\d+|__index__)\\.");
    var rows = function () { return Array.prototype.slice.call(list.children); };

    function renumber() {
      rows().forEach(function (row, index) {
        var swap = function (value) { return value.replace(pattern, function (_m, id) { return (id || "") + path + "." + index + "."; }); };
        Array.prototype.slice.call(row.querySelectorAll("[name], [id], label[for]")).forEach(function (el) {
          ["name", "id", "for"].forEach(function (attr) {
            var value = el.getAttribute(attr);
            if (value) el.setAttribute(attr, swap(value));
          });
        });
        var number = row.querySelector("[data-row-number]");
        if (number) number.textContent = String(index + 1);
      });
      if (add) add.disabled = max > 0 && rows().length >= max;
      form.dispatchEvent(new Event("input", { bubbles: true }));
    }

    if (add) {
      add.addEventListener("click", function () {
        if (max > 0 && rows().length >= max) return;
        var holder = document.createElement("ol");
        holder.innerHTML = template.innerHTML.trim();
        var row = holder.firstElementChild;
        list.appendChild(row);
        setUpImages(row);
        renumber();
        var first = row.querySelector("input[type=text], select");
        if (first) first.focus();
      });
    }

    list.addEventListener("click", function (event) {
      var row = event.target.closest("[data-row]");
      if (!row) return;
      if (event.target.closest("[data-row-remove]")) {
        row.remove();
        renumber();
        return;
      }
      var move = event.target.closest("[data-row-move]");
      if (move) {
        var all = rows(), at = all.indexOf(row), to = at + parseInt(move.dataset.rowMove, 10);
        if (to < 0 || to >= all.length) return;
        list.insertBefore(row, to > at ? all[to].nextSibling : all[to]);
        renumber();
        move.focus();
      }
    });

    // Drag by the handle only, so text in the row's inputs can still be selected with the mouse.
    var dragged = null;
    list.addEventListener("pointerdown", function (event) {
      var handle = event.target.closest(".bo-rows__handle");
      var row = event.target.closest("[data-row]");
      if (row) row.draggable = !!handle;
    });
    list.addEventListener("dragstart", function (event) {
      var row = event.target.closest && event.target.closest("[data-row]");
      if (!row || !row.draggable) { event.preventDefault(); return; }
      dragged = row;
      row.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
    });
    list.addEventListener("dragover", function (event) {
      if (!dragged) return;
      event.preventDefault();
      var over = event.target.closest && event.target.closest("[data-row]");
      if (!over || over === dragged || over.parentElement !== list) return;
      var box = over.getBoundingClientRect();
      list.insertBefore(dragged, event.clientY > box.top + box.height / 2 ? over.nextSibling : over);
    });
    list.addEventListener("drop", function (event) { if (dragged) event.preventDefault(); });
    list.addEventListener("dragend", function () {
      if (!dragged) return;
      dragged.classList.remove("is-dragging");
      dragged.draggable = false;
      dragged = null;
      renumber();
    });
    rows().forEach(function (row) { row.draggable = false; });
    renumber();
  }

  // Picture settings: upload the file, put its link in the text input, show a thumbnail.
  function setUpImages(root) {
    Array.prototype.slice.call(root.querySelectorAll("[data-image-url]")).forEach(function (box) {
      if (box.dataset.ready) return;
      box.dataset.ready = "1";
      var text = box.querySelector('input[type="text"]');
      var file = box.querySelector("[data-image-upload]");
      var preview = box.querySelector("[data-image-url-preview]");
      var status = box.querySelector("[data-image-url-status]");
      var show = function () {
        var url = text.value.trim();
        var usable = /^(https?:\/\/|\/)/.test(url);
        preview.hidden = !usable;
        if (usable) preview.src = url;
      };
      text.addEventListener("input", show);
      file.addEventListener("change", function () {
        if (!file.files.length) return;
        var body = new FormData();
        body.append("image", file.files[0]);
        status.textContent = form.dataset.uploading || "";
        fetch(form.dataset.uploadUrl, {
          method: "POST",
          body: body,
          credentials: "same-origin",
          headers: { "X-CSRFToken": form.querySelector("[name=csrfmiddlewaretoken]").value },
        }).then(function (response) {
          return response.json().then(function (data) { return { ok: response.ok, data: data }; });
        }).then(function (result) {
          if (result.ok) {
            text.value = result.data.url;
            status.textContent = "";
            show();
            text.dispatchEvent(new Event("input", { bubbles: true }));
          } else {
            var errors = (result.data && result.data.errors) || {};
            status.textContent = (errors.image || errors.detail || [form.dataset.uploadFailed]).join(" ");
          }
        }).catch(function () {
          status.textContent = form.dataset.uploadFailed || "";
        }).finally(function () { file.value = ""; });
      });
    });
  }

  Array.prototype.slice.call(form.querySelectorAll("[data-rows]")).forEach(setUpRows);
  setUpImages(form);
})();
