// The main navigation folds into a menu button on narrow screens. Without JavaScript the
// navigation simply stays open.
document.documentElement.classList.add("js");
document.addEventListener("DOMContentLoaded", function () {
  var button = document.querySelector(".menu-toggle");
  var navigation = document.getElementById("main-navigation");
  if (!button || !navigation) return;
  button.addEventListener("click", function () {
    var open = button.getAttribute("aria-expanded") !== "true";
    button.setAttribute("aria-expanded", open ? "true" : "false");
    navigation.classList.toggle("is-open", open);
  });
});

// The task board: a card dragged into another column moves its task by the step that
// leads there, as if its "Move" form were sent; a step that needs a reason asks for it
// first. The card's form stays the way for the keyboard and without JavaScript. Events
// are caught on the document, so cards that htmx swaps in after filtering move too.
(function () {
  var dragged = null;

  function stepTo(card, status) {
    return card.querySelector("button[data-to='" + status + "']");
  }

  function columns() {
    return document.querySelectorAll(".board .column");
  }

  function say(text) {
    var message = document.getElementById("board-message");
    if (message) message.textContent = text;
  }

  // The reason's own German message, not the browser's, when it is left empty.
  document.addEventListener("submit", function (event) {
    if (!event.target.closest("#move-reason") || event.submitter.value !== "move") return;
    var text = document.getElementById("move-reason-text");
    var empty = !text.value.trim();
    document.getElementById("move-reason-error").hidden = !empty;
    text.setAttribute("aria-invalid", empty ? "true" : "false");
    if (empty) {
      event.preventDefault();
      text.focus();
    }
  });

  function move(card, button) {
    var form = button.form;
    if (button.dataset.reason !== "required") {
      form.requestSubmit(button);
      return;
    }
    var dialog = document.getElementById("move-reason");
    var text = document.getElementById("move-reason-text");
    document.getElementById("move-reason-error").hidden = true;
    text.removeAttribute("aria-invalid");
    dialog.querySelector("h2").textContent =
      button.textContent.trim() + ": " + card.querySelector("a").textContent;
    document.getElementById("move-reason-confirm").textContent = button.textContent.trim();
    text.value = form.elements.reason.value;
    dialog.returnValue = "";
    dialog.onclose = function () {
      if (dialog.returnValue !== "move") return;
      form.elements.reason.value = text.value;
      form.requestSubmit(button);
    };
    dialog.showModal();
  }

  document.addEventListener("dragstart", function (event) {
    var card = event.target.closest && event.target.closest(".board .card[draggable=true]");
    if (!card) return;
    dragged = card;
    event.dataTransfer.effectAllowed = "move";
    event.dataTransfer.setData("text/plain", card.id);
    card.classList.add("is-dragged");
    columns().forEach(function (column) {
      column.classList.toggle("can-drop", !!stepTo(card, column.dataset.status));
    });
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("is-dragged");
    dragged = null;
    columns().forEach(function (column) {
      column.classList.remove("can-drop");
    });
  });

  document.addEventListener("dragover", function (event) {
    var column = event.target.closest && event.target.closest(".board .column");
    if (column && dragged) event.preventDefault();
  });

  document.addEventListener("drop", function (event) {
    var column = event.target.closest && event.target.closest(".board .column");
    if (!column || !dragged) return;
    event.preventDefault();
    var card = dragged;
    if (column.contains(card)) return;
    var button = stepTo(card, column.dataset.status);
    if (button) move(card, button);
    else say(document.querySelector(".board").dataset.refused);
  });
})();
