// ogi serve: the little the pages need from the browser — live progress
// over server-sent events, drag-and-drop upload with a progress line, the
// rectification fields shown only when they apply, select-all in the
// review queue, and the cells of a finding highlighted in the tables.
(function () {
  "use strict";
  var zh = document.documentElement.lang !== "en";

  function progress() {
    var el = document.querySelector("[data-events]");
    if (!el || !window.EventSource) return;
    var state = el.getAttribute("data-state");
    var reload = el.getAttribute("data-reload") === "1";
    if (reload && state !== "queued" && state !== "running") return;
    var es = new EventSource(el.getAttribute("data-events"));
    var bar = document.getElementById("bar");
    var txt = document.getElementById("progress-text");
    var st = document.getElementById("state");
    var run = document.getElementById("run");
    var seen = state;
    es.addEventListener("progress", function (ev) {
      var p = JSON.parse(ev.data);
      if (bar) bar.style.width = p.percent + "%";
      var pb = bar && bar.parentElement;
      if (pb) pb.setAttribute("aria-valuenow", p.percent);
      if (txt) {
        // As the page says it before any event: the state alone until a
        // run counts something; the phase only while there is one.
        var t;
        if (p.state === "done") t = "100% · " + p.state_name;
        else if (!p.total) t = p.state_name;
        else t = p.percent + "% · " + (p.phase ? p.phase_name : p.state_name) + " " + p.done + "/" + p.total;
        if (p.error) t += " · " + p.error;
        txt.textContent = t;
      }
      // Tests (and curious people) can see that the live state arrived.
      el.setAttribute("data-live", p.state);
      if (st) { st.textContent = p.state_name; st.className = "state state-" + p.state; }
      if (run) run.disabled = p.state === "queued" || p.state === "running";
      var finished = (p.state === "done" || p.state === "failed");
      if (finished && (seen === "queued" || seen === "running")) {
        es.close();
        window.location.reload();
        return;
      }
      seen = p.state;
    });
    es.onerror = function () { /* the browser reconnects by itself */ };
  }

  function upload() {
    var form = document.getElementById("upload-form");
    var drop = document.getElementById("drop");
    var input = document.getElementById("files");
    var status = document.getElementById("upload-status");
    if (!form || !drop || !input) return;
    ["dragenter", "dragover"].forEach(function (n) {
      drop.addEventListener(n, function (e) { e.preventDefault(); drop.classList.add("over"); });
    });
    ["dragleave", "drop"].forEach(function (n) {
      drop.addEventListener(n, function (e) { e.preventDefault(); drop.classList.remove("over"); });
    });
    drop.addEventListener("drop", function (e) {
      if (e.dataTransfer && e.dataTransfer.files.length) { send(e.dataTransfer.files); }
    });
    form.addEventListener("submit", function (e) {
      if (!input.files.length) { e.preventDefault(); return; }
      e.preventDefault();
      send(input.files);
    });
    function send(files) {
      var fd = new FormData();
      for (var i = 0; i < files.length; i++) fd.append("files", files[i], files[i].name);
      var xhr = new XMLHttpRequest();
      xhr.open("POST", form.action);
      xhr.setRequestHeader("Accept", "application/json");
      xhr.upload.onprogress = function (ev) {
        if (ev.lengthComputable && status) status.textContent = (zh ? "上传中 " : "uploading ") + Math.round(ev.loaded * 100 / ev.total) + "%";
      };
      xhr.onload = function () {
        // What became of each file is shown again after the reload that
        // brings the new list of files.
        var res;
        try { res = JSON.parse(xhr.responseText); } catch (err) { res = { refused: [xhr.status + " " + xhr.statusText] }; }
        if (res.error) res = { refused: [zh ? res.error_zh : res.error] };
        try { sessionStorage.setItem("ogi-intake", JSON.stringify(res)); } catch (err) { /* private mode */ }
        window.location.reload();
      };
      xhr.onerror = function () { if (status) status.textContent = zh ? "上传失败，请重试" : "upload failed: try again"; };
      xhr.send(fd);
    }
  }

  function intakeReport() {
    var status = document.getElementById("upload-status");
    var raw = null;
    try { raw = sessionStorage.getItem("ogi-intake"); sessionStorage.removeItem("ogi-intake"); } catch (err) { return; }
    if (!raw || !status) return;
    var res = JSON.parse(raw), box = document.createElement("div");
    box.id = "intake"; box.className = "intake";
    function list(items, cls, word) {
      if (!items || !items.length) return;
      var ul = document.createElement("ul"); ul.className = cls;
      items.forEach(function (t) { var li = document.createElement("li"); li.textContent = word + t; ul.appendChild(li); });
      box.appendChild(ul);
    }
    list(res.added && res.added.length ? [res.added.length + (zh ? " 个：" : ": ") + res.added.join(zh ? "、" : ", ")] : [], "ok", zh ? "已添加 " : "Added ");
    list(res.skipped, "warn", zh ? "跳过：" : "Skipped: ");
    list(res.refused, "error", zh ? "已拒绝：" : "Refused: ");
    status.parentNode.appendChild(box);
  }

  // chosen shows the names of the files picked in a label.file, where the
  // browser's own "no file chosen" is hidden.
  function chosen() {
    document.querySelectorAll("label.file").forEach(function (label) {
      var input = label.querySelector("input[type=file]");
      var span = label.querySelector(".chosen");
      if (!input || !span) return;
      input.addEventListener("change", function () {
        if (input.files.length) span.textContent = Array.prototype.map.call(input.files, function (f) { return f.name; }).join(zh ? "、" : ", ");
      });
    });
  }

  // localTimes shows the times the server sends as RFC 3339 (the review
  // notes) as the other times are shown: local, to the minute.
  function localTimes() {
    function two(n) { return (n < 10 ? "0" : "") + n; }
    document.querySelectorAll("time[data-local]").forEach(function (el) {
      var d = new Date(el.getAttribute("datetime"));
      if (isNaN(d.getTime())) return;
      el.textContent = d.getFullYear() + "-" + two(d.getMonth() + 1) + "-" + two(d.getDate()) + " " + two(d.getHours()) + ":" + two(d.getMinutes());
    });
  }

  function verdicts() {
    document.querySelectorAll("select[name=verdict]").forEach(function (sel) {
      var box = sel.closest("form.decide") || sel.closest("div.bulk");
      if (!box) return;
      // The browser asks for what the server would refuse: a reason for
      // "不成立", an owner and a date for 整改. The officer stays on the
      // page with what they typed instead of meeting an error page.
      var need = function (name, on) {
        var el = box.querySelector("[name=" + name + "]");
        if (el) el.required = on;
      };
      var toggle = function () {
        box.classList.toggle("show-rectify", sel.value === "rectify");
        need("reason", sel.value === "dismissed");
        need("owner", sel.value === "rectify");
        need("due", sel.value === "rectify");
      };
      sel.addEventListener("change", toggle);
      toggle();
    });
    var all = document.getElementById("select-all");
    if (all) all.addEventListener("change", function () {
      document.querySelectorAll("#queue input[name=finding]").forEach(function (c) { c.checked = all.checked; });
    });
  }

  function cells() {
    function flash(addr) {
      var td = document.getElementById("cell-" + addr);
      if (!td) return;
      td.scrollIntoView({ block: "center" });
      td.classList.remove("flash"); void td.offsetWidth; td.classList.add("flash");
    }
    document.querySelectorAll("a.cell-link").forEach(function (a) {
      a.addEventListener("click", function (e) { e.preventDefault(); flash(a.getAttribute("data-addr")); });
    });
    document.querySelectorAll("article.finding").forEach(function (art) {
      art.addEventListener("mouseenter", function () {
        (art.getAttribute("data-cells") || "").split(" ").forEach(function (addr) {
          var td = addr && document.getElementById("cell-" + addr);
          if (td) td.classList.add("hover");
        });
      });
      art.addEventListener("mouseleave", function () {
        document.querySelectorAll("td.hover").forEach(function (td) { td.classList.remove("hover"); });
      });
    });
  }

  document.addEventListener("DOMContentLoaded", function () { progress(); upload(); chosen(); intakeReport(); localTimes(); verdicts(); cells(); });
})();
