/* statuscodes: the theme toggle and copy buttons; the pages work without it. Loaded with `defer`.
   theme.js has already applied any stored choice before the first paint. */
(function () {
  "use strict";

  var root = document.documentElement;
  var KEY = "theme"; // the key theme.js reads
  var systemDark = window.matchMedia ? window.matchMedia("(prefers-color-scheme: dark)") : null;

  function systemTheme() {
    return systemDark && systemDark.matches ? "dark" : "light";
  }

  function applyTheme(theme) {
    if (theme) root.setAttribute("data-theme", theme);
    else root.removeAttribute("data-theme");
  }

  function setUpThemeToggle() {
    var button = document.getElementById("theme-toggle");
    if (!button) return;
    function current() {
      return root.getAttribute("data-theme") || systemTheme();
    }
    function show() {
      button.setAttribute("aria-pressed", current() === "dark" ? "true" : "false");
    }
    button.addEventListener("click", function () {
      var next = current() === "dark" ? "light" : "dark";
      // Choosing what the system already shows means "follow the system" again.
      var choice = next === systemTheme() ? null : next;
      try {
        if (choice) localStorage.setItem(KEY, choice);
        else localStorage.removeItem(KEY);
      } catch (e) {
        /* not persisted, still applied for this page */
      }
      applyTheme(choice);
      show();
    });
    if (systemDark && systemDark.addEventListener) systemDark.addEventListener("change", show);
    show();
    root.setAttribute("data-js", "");
  }

  function setUpCopyButtons() {
    var blocks = document.querySelectorAll(".example pre, .fixes pre, .prose pre, pre.copyable");
    if (!blocks.length || !navigator.clipboard) return;
    var status = document.createElement("p");
    status.className = "visually-hidden";
    status.setAttribute("role", "status");
    (document.querySelector("main") || document.body).appendChild(status); // inside a landmark
    Array.prototype.forEach.call(blocks, function (pre) {
      // The button sits in a bar above the code, never over its first line.
      var wrapper = document.createElement("div");
      wrapper.className = "code-block";
      var bar = document.createElement("div");
      bar.className = "code-bar";
      pre.parentNode.insertBefore(wrapper, pre);
      wrapper.appendChild(bar);
      wrapper.appendChild(pre);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "copy-button";
      button.textContent = "Copy";
      button.setAttribute("aria-label", pre.closest(".example") ? "Copy example" : "Copy code");
      button.addEventListener("click", function () {
        navigator.clipboard.writeText(pre.textContent.replace(/\n$/, "")).then(
          function () {
            flash(button, "Copied", status);
          },
          function () {
            flash(button, "Copy failed", status);
          }
        );
      });
      bar.appendChild(button);
    });
  }

  // A block that scrolls sideways (a long line of code, a wide table) must be reachable from the
  // keyboard: while it overflows it takes focus, under a name; when it no longer does, it stops.
  function nearestHeading(element) {
    var section = element.closest(".fix, section, article, main");
    var heading = section && section.querySelector("h2, h3, h4, h5, h6");
    return heading ? heading.textContent.replace(/\s+/g, " ").trim() : "";
  }

  function setAttribute(element, name, value) {
    if (value) element.setAttribute(name, value);
    else element.removeAttribute(name);
  }

  function setUpScrollers() {
    var scrollers = [];
    var candidates = document.querySelectorAll("main pre, main table, main .table-scroll");
    Array.prototype.forEach.call(candidates, function (element) {
      var overflow = getComputedStyle(element).overflowX;
      if (overflow !== "auto" && overflow !== "scroll") return;
      if (element.tagName === "TABLE" && element.closest(".table-scroll")) return; // its box scrolls instead
      var pageSetIt = element.hasAttribute("tabindex") || element.hasAttribute("aria-label");
      if (pageSetIt || element.hasAttribute("aria-labelledby")) return;
      var heading = nearestHeading(element);
      var table = element.tagName === "TABLE";
      var kind = element.tagName === "PRE" ? "Code" : "Table";
      scrollers.push({
        element: element,
        role: table ? "" : "group",
        name: table ? (element.caption ? "" : heading) : heading ? kind + ": " + heading : kind,
      });
    });
    if (!scrollers.length) return;
    function update() {
      scrollers.forEach(function (scroller) {
        var element = scroller.element;
        var scrolls = element.scrollWidth > element.clientWidth + 1;
        setAttribute(element, "tabindex", scrolls ? "0" : "");
        setAttribute(element, "role", scrolls ? scroller.role : "");
        setAttribute(element, "aria-label", scrolls ? scroller.name : "");
      });
    }
    var pending = false;
    window.addEventListener("resize", function () {
      if (pending) return;
      pending = true;
      requestAnimationFrame(function () {
        pending = false;
        update();
      });
    });
    update();
  }

  function flash(button, message, status) {
    button.textContent = message;
    status.textContent = message === "Copied" ? "Copied to the clipboard" : "Could not copy";
    clearTimeout(button.resetTimer);
    button.resetTimer = setTimeout(function () {
      button.textContent = "Copy";
      status.textContent = "";
    }, 2000);
  }

  setUpThemeToggle();
  setUpCopyButtons();
  setUpScrollers();
})();
