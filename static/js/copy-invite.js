// "Copy link" beside each cohort's invite link. The buttons stay hidden without this script; the
// link is then shown in full, to select and copy by hand.
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

  Array.prototype.forEach.call(document.querySelectorAll("[data-copy]"), function (button) {
    var source = document.getElementById(button.getAttribute("data-copy"));
    if (!source) { return; }
    button.addEventListener("click", function () {
      var link = source.textContent.trim();
      var done = "Invite link copied.";
      var failed = "Could not copy. Select the link and copy it.";
      if (navigator.clipboard && window.isSecureContext) {
        navigator.clipboard.writeText(link).then(
          function () { say(done); },
          function () { say(copyBySelection(link) ? done : failed); }
        );
      } else {
        say(copyBySelection(link) ? done : failed);
      }
    });
    button.hidden = false;
  });
}());
