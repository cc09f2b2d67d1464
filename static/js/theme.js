/* statuscodes: put a stored theme choice on <html> before the first paint, so a visitor who chose
   dark (or light) never sees the other theme flash first. The one script allowed to hold the
   first paint (blocking="render"; it never blocks the parser), so it stays this small.
   site.js holds the toggle that stores the choice under the same key. */
(function () {
  try {
    var theme = localStorage.getItem("theme");
    if (theme === "dark" || theme === "light") document.documentElement.setAttribute("data-theme", theme);
  } catch (e) {
    /* storage disabled: follow the system setting */
  }
})();
