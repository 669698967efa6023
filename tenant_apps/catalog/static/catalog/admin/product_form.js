/* The product page (tenant_apps/catalog/admin.py ProductAdmin): the SKU matrix follows the spec groups as they
 * are typed, a column can be filled for every row at once, pictures are added and reordered by dragging, and
 * the description is edited in Quill. Plain script, no build step; the server checks everything again. */
(function () {
  "use strict";

  // --- Spec groups: "颜色: 红, 蓝" per line, the same parsing as admin.text_to_specs -------------------------
  function parseSpecs(text) {
    var specs = [];
    var lines = text.split(/\r?\n/);
    for (var i = 0; i < lines.length; i++) {
      var line = lines[i].trim();
      if (!line) continue;
      line = line.replace(/：/g, ":");
      var at = line.indexOf(":");
      if (at < 0) return null;
      var name = line.slice(0, at).trim();
      var values = line.slice(at + 1).replace(/[，、]/g, ",").split(",")
        .map(function (v) { return v.trim(); }).filter(Boolean);
      if (!name || !values.length) return null;
      specs.push({ name: name, values: values });
    }
    return specs;
  }

  function combinations(specs) {
    var combos = [{}];
    specs.forEach(function (group) {
      var next = [];
      combos.forEach(function (combo) {
        group.values.forEach(function (value) {
          var extended = Object.assign({}, combo);
          extended[group.name] = value;
          next.push(extended);
        });
      });
      combos = next;
    });
    return combos;
  }

  function comboKey(combo) {
    return JSON.stringify(Object.keys(combo).sort().map(function (k) { return [k, combo[k]]; }));
  }

  // --- The SKU matrix -----------------------------------------------------------------------------------
  function Matrix(table) {
    this.table = table;
    this.prefix = table.dataset.prefix;
    this.body = table.querySelector("[data-sku-rows]");
    this.template = document.querySelector("[data-sku-template]");
    this.total = document.getElementById("id_" + this.prefix + "-TOTAL_FORMS");
    this.noSpecs = table.dataset.noSpecs;
  }

  Matrix.prototype.rows = function () {
    return Array.prototype.slice.call(this.body.querySelectorAll("[data-sku-row]"));
  };

  Matrix.prototype.rowCombo = function (row) {
    var hidden = row.querySelector('input[name$="-specs_json"]');
    var raw = row.dataset.combo || (hidden && hidden.value) || "{}";
    try { return JSON.parse(raw); } catch (e) { return {}; }
  };

  Matrix.prototype.newRow = function (combo) {
    var index = parseInt(this.total.value, 10);
    var html = this.template.innerHTML.replace(/__prefix__/g, String(index));
    var holder = document.createElement("tbody");
    holder.innerHTML = html.trim();
    var row = holder.firstElementChild;
    this.total.value = String(index + 1);
    row.dataset.combo = JSON.stringify(combo);
    row.dataset.new = "";
    var hidden = row.querySelector('input[name$="-specs_json"]');
    if (hidden) hidden.value = JSON.stringify(combo);
    return row;
  };

  Matrix.prototype.setSpecCells = function (row, specs, combo) {
    Array.prototype.slice.call(row.querySelectorAll("[data-spec-cell]")).forEach(function (cell) { cell.remove(); });
    var first = row.firstElementChild;
    var cells = specs.length ? specs.map(function (g) { return [g.name, combo[g.name] || ""]; }) : [["", this.noSpecs]];
    cells.forEach(function (pair) {
      var cell = document.createElement("td");
      cell.setAttribute("data-spec-cell", "");
      cell.dataset.label = pair[0];
      cell.textContent = pair[1];
      row.insertBefore(cell, first);
    });
  };

  Matrix.prototype.setHeader = function (specs) {
    var head = this.table.querySelector("thead tr");
    Array.prototype.slice.call(head.querySelectorAll("[data-spec-col]")).forEach(function (th) { th.remove(); });
    var first = head.firstElementChild;
    var names = specs.length ? specs.map(function (g) { return g.name; }) : [""];
    names.forEach(function (name) {
      var th = document.createElement("th");
      th.setAttribute("data-spec-col", "");
      th.textContent = name;
      head.insertBefore(th, first);
    });
  };

  /* One row per combination, in the order of the groups and values typed; rows keep what was typed in them.
   * Saved rows whose combination is gone are hidden (the server drops them); new ones are removed. */
  Matrix.prototype.sync = function (specs) {
    var self = this;
    var byKey = {};
    this.rows().forEach(function (row) { byKey[comboKey(self.rowCombo(row))] = row; });
    var wanted = combinations(specs);
    var keep = {};
    this.setHeader(specs);
    wanted.forEach(function (combo) {
      var key = comboKey(combo);
      var row = byKey[key] || self.newRow(combo);
      keep[key] = true;
      row.hidden = false;
      self.setSpecCells(row, specs, combo);
      self.body.appendChild(row);
    });
    Object.keys(byKey).forEach(function (key) {
      if (keep[key]) return;
      var row = byKey[key];
      if ("new" in row.dataset) row.remove(); else row.hidden = true;
    });
    this.table.dispatchEvent(new CustomEvent("matrix:sync", { bubbles: true }));
  };

  Matrix.prototype.fill = function (field, value) {
    this.rows().forEach(function (row) {
      if (row.hidden) return;
      var input = row.querySelector('[name$="-' + field + '"]');
      if (input && !input.disabled) {
        input.value = value;
        input.dispatchEvent(new Event("input", { bubbles: true }));
      }
    });
  };

  function setUpMatrix() {
    var table = document.querySelector("[data-sku-matrix]");
    if (!table) return;
    var matrix = new Matrix(table);
    var specsInput = document.querySelector("textarea[data-specs]");
    if (specsInput && !specsInput.disabled) {
      var timer = null;
      var resync = function () {
        var specs = parseSpecs(specsInput.value);
        if (specs !== null) matrix.sync(specs);
      };
      specsInput.addEventListener("input", function () {
        clearTimeout(timer);
        timer = setTimeout(resync, 250);
      });
      resync();
    }
    var bulk = document.querySelector("[data-bulk]");
    if (bulk) {
      var apply = function () {
        Array.prototype.slice.call(bulk.querySelectorAll("[data-bulk-field]")).forEach(function (input) {
          if (input.value.trim() !== "") matrix.fill(input.dataset.bulkField, input.value.trim());
        });
      };
      bulk.querySelector("[data-bulk-apply]").addEventListener("click", apply);
      bulk.addEventListener("keydown", function (event) {
        if (event.key === "Enter") { event.preventDefault(); apply(); }
      });
    }
    // SKU image: a thumbnail of the picture chosen in the row's <select>.
    var showThumb = function (select) {
      var img = select.parentElement.querySelector("[data-sku-thumb]");
      var option = select.options[select.selectedIndex];
      var src = option && option.dataset.src;
      if (!img) return;
      img.hidden = !src;
      if (src) img.src = src;
    };
    table.addEventListener("change", function (event) {
      if (event.target.matches('select[name$="-image"]')) showThumb(event.target);
    });
    Array.prototype.slice.call(table.querySelectorAll('select[name$="-image"]')).forEach(showThumb);
  }

  // --- Pictures: add, drag to reorder, remove -------------------------------------------------------------
  function setUpGallery() {
    var list = document.querySelector("[data-gallery]");
    if (!list) return;
    var prefix = list.dataset.gallery;
    var total = document.getElementById("id_" + prefix + "-TOTAL_FORMS");
    var template = document.querySelector("[data-gallery-template]");
    var addTile = list.querySelector("[data-gallery-drop]");
    var items = function () { return Array.prototype.slice.call(list.querySelectorAll("[data-gallery-item]")); };

    function renumber() {
      var position = 0;
      items().forEach(function (item) {
        var input = item.querySelector('input[name$="-position"]');
        var removed = item.querySelector('input[name$="-DELETE"]');
        item.classList.toggle("is-removed", !!(removed && removed.checked));
        if (input) input.value = String(position);
        if (!(removed && removed.checked)) {
          item.classList.toggle("is-main", position === 0);
          position += 1;
        } else {
          item.classList.remove("is-main");
        }
      });
    }

    function addFile(file) {
      if (!template || !total) return;
      var index = parseInt(total.value, 10);
      var holder = document.createElement("ul");
      holder.innerHTML = template.innerHTML.replace(/__prefix__/g, String(index)).trim();
      var item = holder.firstElementChild;
      total.value = String(index + 1);
      var input = item.querySelector('input[type="file"]');
      var transfer = new DataTransfer();
      transfer.items.add(file);
      input.files = transfer.files;
      var preview = item.querySelector("[data-gallery-preview]");
      preview.src = URL.createObjectURL(file);
      preview.hidden = false;
      list.insertBefore(item, addTile);
    }

    function addFiles(files) {
      Array.prototype.slice.call(files).forEach(function (file) {
        if (/^image\//.test(file.type)) addFile(file);
      });
      renumber();
    }

    var picker = list.querySelector("[data-gallery-add]");
    if (picker) {
      picker.addEventListener("change", function () { addFiles(picker.files); picker.value = ""; });
    }

    var dragged = null;
    list.addEventListener("dragstart", function (event) {
      var item = event.target.closest && event.target.closest("[data-gallery-item]");
      if (!item) return;
      dragged = item;
      item.classList.add("is-dragging");
      event.dataTransfer.effectAllowed = "move";
      event.dataTransfer.setData("text/plain", "");
    });
    list.addEventListener("dragover", function (event) {
      if (dragged) {
        event.preventDefault();
        var over = event.target.closest && event.target.closest("[data-gallery-item]");
        if (!over || over === dragged) return;
        var box = over.getBoundingClientRect();
        var after = event.clientX > box.left + box.width / 2;
        list.insertBefore(dragged, after ? over.nextSibling : over);
      } else if (event.dataTransfer && Array.prototype.indexOf.call(event.dataTransfer.types, "Files") >= 0) {
        event.preventDefault();  // files dropped from the desktop
        event.dataTransfer.dropEffect = "copy";
      }
    });
    list.addEventListener("drop", function (event) {
      event.preventDefault();
      if (!dragged && event.dataTransfer && event.dataTransfer.files.length) addFiles(event.dataTransfer.files);
    });
    list.addEventListener("dragend", function () {
      if (dragged) dragged.classList.remove("is-dragging");
      dragged = null;
      renumber();
    });
    list.addEventListener("click", function (event) {
      var button = event.target.closest && event.target.closest("[data-gallery-move]");
      if (!button) return;
      var item = button.closest("[data-gallery-item]");
      var siblings = items();
      var to = siblings.indexOf(item) + parseInt(button.dataset.galleryMove, 10);
      if (to < 0 || to >= siblings.length) return;
      list.insertBefore(item, to > siblings.indexOf(item) ? siblings[to].nextSibling : siblings[to]);
      renumber();
      button.focus();
    });
    list.addEventListener("change", function (event) {
      if (event.target.matches('input[name$="-DELETE"]')) renumber();
    });
    renumber();
  }

  // --- Description: Quill writing clean HTML into the form's textarea -------------------------------------
  function setUpRichText() {
    if (typeof window.Quill === "undefined") return;  // the plain textarea still works
    Array.prototype.slice.call(document.querySelectorAll("[data-richtext]")).forEach(function (box) {
      var textarea = box.querySelector("textarea");
      if (!textarea || textarea.disabled) return;
      var editor = document.createElement("div");
      editor.className = "bo-richtext__editor";
      box.appendChild(editor);
      var quill = new window.Quill(editor, {
        theme: "snow",
        placeholder: box.dataset.placeholder || "",
        modules: {
          toolbar: [
            [{ header: [2, 3, false] }],
            ["bold", "italic", "underline", "strike"],
            [{ list: "ordered" }, { list: "bullet" }],
            ["blockquote", "link"],
            ["clean"],
          ],
        },
      });
      if (textarea.value.trim()) quill.clipboard.dangerouslyPasteHTML(textarea.value);  // cleaned by nh3 on save
      textarea.hidden = true;
      var write = function () {
        // getSemanticHTML gives real <ul>/<ol>; Quill 2.0 writes every space as &nbsp;, which would stop wrapping.
        textarea.value = quill.getLength() > 1 ? quill.getSemanticHTML().replace(/&nbsp;/g, " ") : "";
      };
      quill.on("text-change", write);
      var form = textarea.form;
      if (form) form.addEventListener("submit", write);
    });
  }

  function start() {
    setUpMatrix();
    setUpGallery();
    setUpRichText();
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();

  window.micromallProductForm = { parseSpecs: parseSpecs, combinations: combinations };
})();
