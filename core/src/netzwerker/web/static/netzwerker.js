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
