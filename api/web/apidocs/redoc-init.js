// Starts ReDoc on /redoc from the assets this service ships (no CDN, no inline script).
window.addEventListener("DOMContentLoaded", () => {
  window.Redoc.init("/openapi.json", { hideDownloadButton: false }, document.getElementById("redoc"));
});
