// Show only the next steps of the chosen root cause; without this script all stay visible.
(function () {
  const form = document.getElementById("diagnosis");
  if (!form) return;
  const groups = form.querySelectorAll("[data-steps-for]");
  const empty = form.querySelector("[data-steps-empty]");

  function show() {
    const checked = form.querySelector('input[name="barrier"]:checked');
    const chosen = checked ? checked.value : "";
    let shown = false;
    groups.forEach(function (group) {
      group.hidden = group.dataset.stepsFor !== chosen;
      shown = shown || !group.hidden;
    });
    if (empty) empty.hidden = shown;
  }

  form.addEventListener("change", function (event) {
    if (event.target.name === "barrier") show();
  });
  show();
})();
