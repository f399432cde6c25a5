/* Cheminement: the coach's "Écrire un retour" form (loaded with `relecture: true` only).
   The form is `hidden` in the HTML, revealed here. From it we write the exact `retours/`
   note the format reads (front matter, then the text) and offer four ways to hand it to
   the learner: download, copy, e-mail, or the repository's "new file" page. Nothing is
   sent anywhere by this script: no network, no dependency; it works offline. */
(function () {
  "use strict";

  var PLAIN = /^\p{L}[\p{L}\p{N} _.,'’()\/-]*$/u; // written as is; anything else is quoted
  var RESERVED = /^(true|false|yes|no|on|off|null|y|n)$/i;

  /* A YAML scalar: plain when unambiguous, else a JSON string (valid YAML, escapes and all). */
  function scalar(value) {
    var text = String(value);
    return PLAIN.test(text) && !RESERVED.test(text) && text === text.trim() ? text : JSON.stringify(text);
  }

  /* "Hélène Garnier, tutrice" -> "helene-garnier-tutrice": a file name part on any system. */
  function slug(text) {
    var plain = text.normalize("NFD").replace(/[\u0300-\u036f]/g, "").toLowerCase();
    return plain.replace(/[^a-z0-9]+/g, "-").replace(/^-+|-+$/g, "").slice(0, 60).replace(/-+$/, "") || "retour";
  }

  /* Today in the coach's own time zone, as the format writes dates. */
  function today() {
    var now = new Date();
    var pad = function (n) { return (n < 10 ? "0" : "") + n; };
    return now.getFullYear() + "-" + pad(now.getMonth() + 1) + "-" + pad(now.getDate());
  }

  function fill(template, values) {
    return template.replace(/\{(\w+)\}/g, function (whole, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? values[key] : whole;
    });
  }

  /* The retour note: its file name and its text. */
  function note(form, data) {
    var author = form.elements.auteur.value.replace(/\s+/g, " ").trim();
    var date = today();
    var lines = ["---", "auteur: " + scalar(author), "date: " + date, "sur: " + scalar(data.sur)];
    var statuses = [];
    var levels = [];
    form.querySelectorAll("[data-competence]").forEach(function (group) {
      var id = group.getAttribute("data-competence");
      var status = group.querySelector("select[name=statut]").value;
      var level = group.querySelector("select[name=niveau]").value;
      if (status) statuses.push("  " + scalar(id) + ": " + scalar(status));
      if (level) levels.push("- " + fill(data.texts["level-line"], { competence: data.competences[id] || id, level: level }));
    });
    if (statuses.length) lines.push("competences:", statuses.join("\n"));
    if (form.elements.relecture.checked) lines.push("relecture: true");
    if (form.elements.public.checked) lines.push("visibilite: public");
    lines.push("---");
    var body = form.elements.texte.value.replace(/\r\n?/g, "\n").replace(/\s+$/, "");
    var text = lines.join("\n") + "\n" + body + "\n" + (levels.length ? "\n" + levels.join("\n") + "\n" : "");
    return { name: date + "-" + data.id + "-" + slug(author) + ".md", text: text };
  }

  function mailto(data, file) {
    var address = data.email.split("@").map(encodeURIComponent).join("@");
    return "mailto:" + address + "?subject=" + encodeURIComponent(data.subject) +
      "&body=" + encodeURIComponent(file.text.replace(/\n/g, "\r\n"));
  }

  function repository(data, file) {
    var repo = data.repository;
    return repo.base + "?" + repo.name + "=" + encodeURIComponent(file.name) +
      "&" + repo.content + "=" + encodeURIComponent(file.text);
  }

  function download(file) {
    var url = URL.createObjectURL(new Blob([file.text], { type: "text/markdown;charset=utf-8" }));
    var link = document.createElement("a");
    link.href = url;
    link.download = file.name;
    link.hidden = true;
    document.body.appendChild(link);
    link.click();
    setTimeout(function () { URL.revokeObjectURL(url); link.remove(); }, 0);
  }

  function setup(section) {
    var form = section.querySelector("form.chm-relecture__form");
    var source = section.querySelector("script.chm-relecture__data");
    if (!form || !source || form.getAttribute("data-ready")) return;
    form.setAttribute("data-ready", "true");
    var data = JSON.parse(source.textContent);
    var status = form.querySelector(".chm-relecture__status");
    var preview = form.querySelector(".chm-relecture__apercu");

    function refresh() {
      var file = note(form, data);
      var mail = form.querySelector("[data-action=mail]");
      var repo = form.querySelector("[data-action=repository]");
      if (mail) mail.href = mailto(data, file);
      if (repo) repo.href = repository(data, file);
      preview.querySelector("summary").textContent = fill(data.texts.preview, { name: file.name });
      preview.querySelector("code").textContent = file.text;
      return file;
    }

    function say(text) {
      status.textContent = text;
    }

    form.addEventListener("input", function () { say(""); refresh(); });
    form.addEventListener("change", refresh);
    form.addEventListener("submit", function (event) { event.preventDefault(); });
    form.addEventListener("click", function (event) {
      var action = event.target.closest("[data-action]");
      if (!action) return;
      if (!form.reportValidity()) {
        event.preventDefault();
        return;
      }
      var file = refresh();
      var name = action.getAttribute("data-action");
      if (name === "download") {
        download(file);
        say(fill(data.texts.downloaded, { name: file.name, folder: data.folder }));
      } else if (name === "copy") {
        var copied = navigator.clipboard ? navigator.clipboard.writeText(file.text) : Promise.reject();
        copied.then(function () { say(data.texts.copied); }, function () {
          preview.open = true;
          say(data.texts["copy-failed"]);
        });
      }
    });
    section.querySelector(".chm-relecture__manuel").hidden = true;
    form.hidden = false;
    refresh();
  }

  function init() {
    document.querySelectorAll("section.chm-relecture").forEach(setup);
  }

  // Material's instant navigation swaps pages without reloading: document$ tells us when.
  if (window.document$ && typeof window.document$.subscribe === "function") {
    window.document$.subscribe(init);
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
