// Small conveniences; every page works without them.
document.addEventListener("DOMContentLoaded", () => {
  // Ask before a bulk action touches many alerts.
  const bulk = document.getElementById("bulk");
  if (bulk) {
    bulk.addEventListener("submit", (event) => {
      const ticked = document.querySelectorAll('input[name="alert_id"][form="bulk"]:checked').length;
      if (ticked === 0) { event.preventDefault(); alert(bulk.dataset.none || "Tick at least one alert."); }
    });
  }
});
