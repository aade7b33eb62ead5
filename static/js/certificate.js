// The certificate page's "Copy link" and "Print" buttons. They stay hidden without this script;
// the page then says to use the browser's print command instead.
(function () {
  "use strict";
  var copyButton = document.querySelector("[data-copy-link]");
  var printButton = document.querySelector("[data-print]");
  var status = document.querySelector("[data-copy-status]");
  var hint = document.querySelector("[data-print-hint]");

  function say(message) {
    if (status) { status.textContent = message; }
  }

  function copyBySelection(text) {
    // Without the Clipboard API (a page served over plain http), copy from a selected field.
    var field = document.createElement("textarea");
    field.value = text;
    field.setAttribute("readonly", "");
    field.className = "visually-hidden";
    document.body.appendChild(field);
    field.select();
    var copied = false;
    try { copied = document.execCommand("copy"); } catch (ignored) { copied = false; }
    document.body.removeChild(field);
    return copied;
  }

  if (copyButton) {
    copyButton.addEventListener("click", function () {
      var link = copyButton.getAttribute("data-copy-link");
      var failed = "Could not copy. Select the address under “Check it at” and copy it.";
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).then(
          function () { say("Link copied."); },
          function () { say(copyBySelection(link) ? "Link copied." : failed); }
        );
      } else {
        say(copyBySelection(link) ? "Link copied." : failed);
      }
    });
    copyButton.hidden = false;
  }
  if (printButton && typeof window.print === "function") {
    printButton.addEventListener("click", function () { window.print(); });
    printButton.hidden = false;
    if (hint) { hint.hidden = true; }
  }
}());
