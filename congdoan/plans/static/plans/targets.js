// congdoan — the target grid and the split wizard. Both pages work without it; this adds
// moving between cells with the keyboard, marking changed cells, and the wizard's live sums.
(function () {
  "use strict";

  var lang = (document.documentElement.lang || "vi").slice(0, 2);
  var marks = lang === "vi" ? { thousands: ".", decimal: "," } : { thousands: ",", decimal: "." };

  function grouped(text, sep) {
    var escaped = sep === "." ? "\\." : sep;
    return new RegExp("^\\d{1,3}(" + escaped + "\\d{3})+$").test(text);
  }

  // The same reading as plans.forms.parse_number: "1.200" is 1200 and "12,5" is 12.5 in
  // Vietnamese; a lone mark that does not group by threes is a decimal mark.
  function parseNumber(raw) {
    var text = String(raw).replace(/[\s\u00a0\u202f]/g, "");
    if (!text) return null;
    var sign = 1;
    if (text[0] === "-" || text[0] === "+") {
      if (text[0] === "-") sign = -1;
      text = text.slice(1);
    }
    if (text.indexOf(".") >= 0 && text.indexOf(",") >= 0) {
      var mark = text.lastIndexOf(".") > text.lastIndexOf(",") ? "." : ",";
      var other = mark === "." ? "," : ".";
      var at = text.lastIndexOf(mark);
      text = text.slice(0, at).split(other).join("") + "." + text.slice(at + 1);
    } else if (text.indexOf(marks.thousands) >= 0) {
      text = grouped(text, marks.thousands)
        ? text.split(marks.thousands).join("")
        : text.split(marks.thousands).join(".");
    } else {
      text = text.split(marks.decimal).join(".");
    }
    if (!/^(\d+(\.\d+)?|\.\d+)$/.test(text)) return NaN;
    return sign * parseFloat(text);
  }

  function format(value, digits) {
    return new Intl.NumberFormat(lang, { maximumFractionDigits: digits === undefined ? 2 : digits })
      .format(value);
  }

  // --- the grid ---------------------------------------------------------------------------

  function gridInputs(table) {
    return Array.prototype.slice.call(table.querySelectorAll("input.target-input"));
  }

  function inputAt(table, rowIndex, cellIndex) {
    var row = table.tBodies[0].rows[rowIndex];
    var cell = row && row.cells[cellIndex];
    return cell ? cell.querySelector("input.target-input") : null;
  }

  function moveVertically(table, input, step) {
    var cell = input.closest("td");
    var row = cell.parentElement;
    var rows = table.tBodies[0].rows.length;
    for (var i = row.sectionRowIndex + step; i >= 0 && i < rows; i += step) {
      var target = inputAt(table, i, cell.cellIndex);
      if (target) return target;
    }
    return null;
  }

  function moveAcross(table, input, step) {
    var all = gridInputs(table);
    return all[all.indexOf(input) + step] || null;
  }

  function focus(target) {
    if (!target) return false;
    target.focus();
    target.select();
    return true;
  }

  function markChanged(table) {
    var count = 0;
    gridInputs(table).forEach(function (input) {
      var changed = input.value.trim() !== input.dataset.original;
      input.closest("td").classList.toggle("changed", changed);
      if (changed) count += 1;
    });
    var counter = document.getElementById("changed-count");
    if (counter) counter.textContent = count ? counter.dataset.template.replace("%(n)s", count) : "";
  }

  function setUpGrid(table) {
    table.addEventListener("keydown", function (event) {
      var input = event.target;
      if (!input.classList || !input.classList.contains("target-input")) return;
      var moved = false;
      var atStart = input.selectionStart === 0 && input.selectionEnd === 0;
      var atEnd = input.selectionStart === input.value.length;
      var whole = input.selectionStart === 0 && input.selectionEnd === input.value.length;
      if (event.key === "ArrowDown" || (event.key === "Enter" && !event.shiftKey)) {
        moved = focus(moveVertically(table, input, 1));
        if (event.key === "Enter") moved = true; // Enter never submits from a cell
      } else if (event.key === "ArrowUp" || (event.key === "Enter" && event.shiftKey)) {
        moved = focus(moveVertically(table, input, -1)) || event.key === "Enter";
      } else if (event.key === "ArrowRight" && (atEnd || whole)) {
        moved = focus(moveAcross(table, input, 1));
      } else if (event.key === "ArrowLeft" && (atStart || whole)) {
        moved = focus(moveAcross(table, input, -1));
      }
      if (moved) event.preventDefault();
    });
    table.addEventListener("input", function () { markChanged(table); });
    table.addEventListener("focusin", function (event) {
      if (event.target.classList && event.target.classList.contains("target-input")) {
        event.target.select();
      }
    });
    markChanged(table);
  }

  // --- the split wizard -------------------------------------------------------------------

  function setUpSplit(form) {
    var total = form.dataset.total === "" ? null : parseFloat(form.dataset.total);
    var sumCell = document.getElementById("split-sum");
    var gapCell = document.getElementById("split-gap");

    function update() {
      var sum = 0;
      form.querySelectorAll("tbody tr").forEach(function (row) {
        var input = row.querySelector("input.split-input");
        var value = parseNumber(input.value);
        var current = row.dataset.current === "" ? null : parseFloat(row.dataset.current);
        var growthCell = row.querySelector(".growth");
        input.closest("td").classList.toggle("invalid", Number.isNaN(value));
        if (value !== null && !Number.isNaN(value)) sum += value;
        if (value === null || Number.isNaN(value) || !current) {
          growthCell.textContent = "—";
        } else {
          var growth = (value / current - 1) * 100;
          growthCell.textContent = (growth > 0 ? "+" : "") + format(growth, 1) + " %";
        }
      });
      sumCell.textContent = format(sum);
      if (total === null) {
        gapCell.textContent = "";
        return;
      }
      var gap = Math.round((total - sum) * 100) / 100;
      gapCell.classList.toggle("short", gap > 0);
      gapCell.classList.toggle("over", gap < 0);
      gapCell.textContent = gap === 0
        ? form.dataset.even
        : (gap > 0 ? form.dataset.short : form.dataset.over).replace("%(n)s", format(Math.abs(gap)));
    }

    form.addEventListener("input", update);
    update();
  }

  function start() {
    var table = document.getElementById("target-grid");
    if (table) setUpGrid(table);
    var form = document.getElementById("split-form");
    if (form) setUpSplit(form);
    document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
