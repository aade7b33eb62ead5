// "Copy link" and "Print" buttons (the certificate, cohort invite links). They stay hidden without
// this script; the page then shows the link in full, to select and copy by hand, and says to use
// the browser's print command.
//   data-copy-link="URL"   copies that address;
//   data-copy="ID"         copies the text of the element with that id;
//   data-copied="..."      what to say once copied (default "Link copied.");
//   data-print             prints the page, and hides [data-print-hint].
(function () {
  "use strict";
  var status = document.querySelector("[data-copy-status]");

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

  function textFor(button) {
    if (button.hasAttribute("data-copy-link")) { return button.getAttribute("data-copy-link"); }
    var source = document.getElementById(button.getAttribute("data-copy"));
    return source ? source.textContent.trim() : null;
  }

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy-link], [data-copy]"), function (button) {
    var text = textFor(button);
    if (!text) { return; }
    var done = button.getAttribute("data-copied") || "Link copied.";
    var failed = "Could not copy. Select the link and copy it.";
    button.addEventListener("click", function () {
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(text).then(
          function () { say(done); },
          function () { say(copyBySelection(text) ? done : failed); }
        );
      } else {
        say(copyBySelection(text) ? done : failed);
      }
    });
    button.hidden = false;
  });

  var printButton = document.querySelector("[data-print]");
  var hint = document.querySelector("[data-print-hint]");
  if (printButton && typeof window.print === "function") {
    printButton.addEventListener("click", function () { window.print(); });
    printButton.hidden = false;
    if (hint) { hint.hidden = true; }
  }
}());
