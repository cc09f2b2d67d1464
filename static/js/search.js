/* statuscodes: results as you type in the search boxes, and "/" to jump to search.
   Progressive enhancement, loaded with `defer`: without it the forms submit to /search as usual,
   and if the JSON API cannot answer, the box simply stays a plain search box.
   The suggestions follow the ARIA combobox pattern: the input owns a listbox, arrow keys move
   the active option (aria-activedescendant), Enter opens it, Escape closes the list. */
(function () {
  "use strict";

  var API = "/api/v1/search?q=";
  var SHOWN = 8; // suggestions under the box; the full list is one Enter away
  var DELAY = 120; // ms of quiet typing before asking
  var MAX_LENGTH = 200; // the server refuses longer queries
  var apiMissing = false; // once the API answers 404, stop asking for this page view

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text) node.textContent = text;
    return node;
  }

  /* Text with the query's words marked, built from text nodes so nothing is parsed as HTML. */
  function marked(text, query) {
    var words = query.toLowerCase().match(/[a-z0-9]{2,}/g) || [];
    var fragment = document.createDocumentFragment();
    if (!words.length) {
      fragment.appendChild(document.createTextNode(text));
      return fragment;
    }
    var escaped = words.map(function (w) { return w.replace(/[.*+?^${}()|[\]\\]/g, "\\$&"); });
    var pattern = new RegExp("\\b(" + escaped.join("|") + ")[a-z0-9]*", "gi");
    var last = 0;
    text.replace(pattern, function (match, _word, offset) {
      fragment.appendChild(document.createTextNode(text.slice(last, offset)));
      fragment.appendChild(el("mark", "", match));
      last = offset + match.length;
      return match;
    });
    fragment.appendChild(document.createTextNode(text.slice(last)));
    return fragment;
  }

  function enhance(input) {
    var form = input.form;
    var listId = input.id + "-suggestions";
    var list = el("ul", "search-suggestions");
    list.id = listId;
    list.setAttribute("role", "listbox");
    list.setAttribute("aria-label", "Matching status codes");
    list.hidden = true;
    var status = el("p", "visually-hidden");
    status.setAttribute("role", "status");
    form.appendChild(list);
    form.appendChild(status);
    form.classList.add("has-suggestions");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-controls", listId);
    input.setAttribute("aria-expanded", "false");

    var results = [];
    var active = -1;
    var timer = null;
    var asked = 0; // numbers each request, so a slow old answer never replaces a newer one
    var controller = null;

    function close() {
      list.hidden = true;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
      active = -1;
    }

    function open() {
      if (!results.length) return;
      list.hidden = false;
      input.setAttribute("aria-expanded", "true");
    }

    function activate(index) {
      var options = list.querySelectorAll("[role=option]");
      if (!options.length) return;
      active = (index + options.length) % options.length;
      options.forEach(function (option, i) {
        option.setAttribute("aria-selected", i === active ? "true" : "false");
      });
      input.setAttribute("aria-activedescendant", options[active].id);
      options[active].scrollIntoView({ block: "nearest" });
    }

    function go(index) {
      if (results[index]) window.location.assign(results[index].url);
    }

    function show(found, query) {
      results = found.slice(0, SHOWN);
      list.textContent = "";
      results.forEach(function (result, i) {
        var option = el("li", "suggestion" + (result.source === "iana" ? "" : " vendor"));
        option.id = listId + "-" + i;
        option.setAttribute("role", "option");
        option.setAttribute("aria-selected", "false");
        var title = el("span", "suggestion-title");
        title.appendChild(el("span", "num c" + String(result.code).charAt(0), String(result.code)));
        title.appendChild(document.createTextNode(" "));
        title.appendChild(marked(result.name, query));
        // The vendor's display name ("AWS Elastic Load Balancing"), as the results page shows it;
        // the slug only from an older API that did not send the name.
        if (result.source !== "iana") {
          title.appendChild(el("span", "badge vendor", result.source_name || result.source));
        }
        option.appendChild(title);
        option.appendChild(el("span", "suggestion-summary")).appendChild(marked(result.summary, query));
        option.addEventListener("mousedown", function (event) {
          event.preventDefault(); // keep focus in the box until the click lands
        });
        option.addEventListener("click", function () { go(i); });
        list.appendChild(option);
      });
      active = -1;
      input.removeAttribute("aria-activedescendant");
      status.textContent = results.length
        ? results.length + (results.length === 1 ? " suggestion" : " suggestions") + ". Arrow keys to choose."
        : "No matching status codes.";
      if (results.length) open();
      else close();
    }

    function ask() {
      var query = input.value.trim();
      if (!query || query.length > MAX_LENGTH || apiMissing) {
        results = [];
        close();
        return;
      }
      var ticket = ++asked;
      if (controller) controller.abort();
      controller = window.AbortController ? new AbortController() : null;
      fetch(API + encodeURIComponent(query), {
        headers: { Accept: "application/json" },
        signal: controller ? controller.signal : undefined,
      })
        .then(function (response) {
          if (response.status === 404) apiMissing = true;
          if (!response.ok) throw new Error("search API answered " + response.status);
          return response.json();
        })
        .then(function (data) {
          if (ticket === asked && data && Array.isArray(data.results)) show(data.results, query);
        })
        .catch(function () {
          if (ticket === asked) close(); // offline or no API: the form still submits
        });
    }

    input.addEventListener("input", function () {
      window.clearTimeout(timer);
      timer = window.setTimeout(ask, DELAY);
    });

    input.addEventListener("keydown", function (event) {
      if (event.key === "ArrowDown" || event.key === "ArrowUp") {
        if (!results.length) return;
        event.preventDefault();
        open();
        activate(active + (event.key === "ArrowDown" ? 1 : active === -1 ? 0 : -1));
      } else if (event.key === "Enter" && !list.hidden && active >= 0) {
        event.preventDefault();
        go(active);
      } else if (event.key === "Escape" && !list.hidden) {
        event.preventDefault();
        close();
      }
    });

    input.addEventListener("blur", close);
    input.addEventListener("focus", function () {
      if (results.length && input.value.trim()) open();
    });
  }

  function editable(target) {
    return target && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
  }

  /* "/" anywhere jumps to the search box, as on many sites; typing in a field is left alone. */
  document.addEventListener("keydown", function (event) {
    if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey || editable(event.target)) return;
    var box = document.getElementById("search-page-q") || document.getElementById("site-search");
    if (!box) return;
    event.preventDefault();
    box.focus();
    box.select();
  });

  ["site-search", "search-page-q"].forEach(function (id) {
    var input = document.getElementById(id);
    if (input && input.form && window.fetch) enhance(input);
  });
})();
