// Sign in with an API key: the key's role and department decide what the pages show.
import { api, messageOf, session } from "../api.js";
import { announce, fill, h } from "../dom.js";
import { DEPARTMENTS, ROLES } from "../labels.js";

export async function signinPage({ main, navigate }) {
  const notice = sessionStorage.getItem("kolgraph.notice");
  sessionStorage.removeItem("kolgraph.notice");
  const error = h("div", { id: "signin-error", role: "alert" });
  const input = h("input", {
    id: "api-key", name: "api-key", type: "password", autocomplete: "off", required: true,
    spellcheck: "false", "aria-describedby": "api-key-hint signin-error",
  });
  const button = h("button", { type: "submit" }, "Sign in");
  const form = h("form", { "aria-labelledby": "signin-title", novalidate: true },
    h("div", { class: "field" },
      h("label", { for: "api-key" }, "API key"),
      input,
      h("span", { id: "api-key-hint", class: "hint" },
        "A key from 'kolgraph keys create'. It stays in this browser tab only.")),
    button, error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const key = input.value.trim();
    if (!key) {
      fill(error, h("p", { class: "notice error" }, "Enter your API key."));
      input.setAttribute("aria-invalid", "true");
      input.focus();
      return;
    }
    button.disabled = true;
    fill(error);
    try {
      const me = await api("/me", {}, { key });
      session.signIn(key, me);
      announce(`Signed in as ${ROLES[me.role] || me.role}, ${DEPARTMENTS[me.department] || me.department}.`);
      navigate("#/search");
    } catch (err) {
      input.setAttribute("aria-invalid", "true");
      fill(error, h("p", { class: "notice error" }, messageOf(err)));
      input.focus();
    } finally {
      button.disabled = false;
    }
  });
  fill(main, h("section", { class: "card signin" },
    h("h1", { id: "signin-title" }, "Sign in"),
    h("p", {}, "KOL profiles, networks and contact history for KRM managers and medical affairs."),
    notice ? h("p", { class: "notice warn", role: "alert" }, notice) : null,
    form));
  input.focus();
}
