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
      var wrapper = document.createElement("div");
      wrapper.className = "code-block";
      pre.parentNode.insertBefore(wrapper, pre);
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
      wrapper.appendChild(button);
    });
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
})();
