/* Inlined in <head> by {% theme_script %} and allowed by its CSP hash (statuscodes/theme.py):
   puts a stored theme choice on <html> before the first paint, without a render-blocking request.
   site.js holds the toggle that stores the choice under the same key. */
(function () {
  try {
    var theme = localStorage.getItem("theme");
    if (theme === "dark" || theme === "light") document.documentElement.setAttribute("data-theme", theme);
  } catch (e) {
    /* storage disabled: follow the system setting */
  }
})();
