// Behaviours every page may use, with no inline script (the CSP allows none):
// - forms with data-confirm ask before they are sent (destructive buttons);
// - a control with data-autosubmit sends its form when it changes (a year picker, say);
//   such a form keeps a <noscript> button for browsers without scripts.
document.addEventListener("submit", function (event) {
  var message = event.target.dataset ? event.target.dataset.confirm : null;
  if (message && !window.confirm(message)) { event.preventDefault(); }
});
document.addEventListener("change", function (event) {
  var control = event.target;
  if (control.form && control.dataset && "autosubmit" in control.dataset) { control.form.requestSubmit(); }
});
