// The single-page shell: hash routes, the signed-in header, errors without stack traces.
import { messageOf, session } from "./api.js";
import { announce, fill, h } from "./dom.js";
import { DEPARTMENTS, ROLES } from "./labels.js";
import { dashboardPage } from "./pages/dashboard.js";
import { profilePage } from "./pages/profile.js";
import { searchPage } from "./pages/search.js";
import { signinPage } from "./pages/signin.js";

const ROUTES = [
  { name: "signin", pattern: /^#\/signin$/, page: signinPage, open: true },
  { name: "search", pattern: /^#\/search(?:\?(.*))?$/, page: searchPage },
  { name: "profile", pattern: /^#\/hcp\/([^?]+)(?:\?(.*))?$/, page: profilePage },
  { name: "dashboard", pattern: /^#\/dashboard(?:\?(.*))?$/, page: dashboardPage },
];

let generation = 0;

function header(routeName) {
  const me = session.me();
  const signedIn = Boolean(session.key() && me) && routeName !== "signin";
  document.getElementById("nav").hidden = !signedIn;
  document.getElementById("who").hidden = !signedIn;
  if (signedIn) {
    document.getElementById("who-text").textContent =
      `${ROLES[me.role] || me.role}, ${DEPARTMENTS[me.department] || me.department}`;
  }
}

function markNav(name) {
  for (const link of document.querySelectorAll("#nav a")) {
    if (link.dataset.route === name) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
}

async function render() {
  const main = document.getElementById("main");
  const hash = window.location.hash || "#/search";
  const route = ROUTES.find((r) => r.pattern.test(hash)) || ROUTES[1];
  if (!route.open && !session.key()) {
    window.location.replace("#/signin");
    return;
  }
  header(route.name);
  markNav(route.name);
  const mine = ++generation;
  const match = hash.match(route.pattern);
  main.replaceChildren();
  const context = {
    main,
    arg: route.name === "profile" && match?.[1] ? decodeURIComponent(match[1]) : null,
    params: new URLSearchParams((route.name === "profile" ? match?.[2] : match?.[1]) || ""),
    current: () => mine === generation,
    navigate: (to) => { window.location.hash = to; },
  };
  try {
    await route.page(context);
  } catch (error) {
    if (mine !== generation) return;
    fill(main, h("h1", { tabindex: "-1" }, "Something went wrong"),
      h("p", { class: "notice error", role: "alert" }, messageOf(error)));
  }
  if (mine === generation) {
    const heading = main.querySelector("h1");
    if (heading && route.name !== "signin") {
      heading.setAttribute("tabindex", "-1");
      heading.focus({ preventScroll: true });
    }
    document.title = `${heading ? heading.textContent : "kolgraph"} · kolgraph`;
  }
}

window.addEventListener("hashchange", render);
window.addEventListener("kolgraph:signed-out", (event) => {
  sessionStorage.setItem("kolgraph.notice", event.detail || "Your key was not accepted.");
  window.location.hash = "#/signin";
});
window.addEventListener("unhandledrejection", (event) => {
  event.preventDefault();
  announce("Something went wrong. Reload the page and try again.");
});
document.querySelector(".skip").addEventListener("click", (event) => {
  event.preventDefault(); // the hash is the route: move focus without navigating
  const main = document.getElementById("main");
  (main.querySelector("h1") || main).focus();
});
document.getElementById("sign-out").addEventListener("click", () => {
  session.signOut();
  announce("Signed out.");
  window.location.hash = "#/signin";
});
render();
