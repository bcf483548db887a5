// What a person may do from a profile: log an engagement, create or edit a KRM plan,
// acknowledge a conflict. Every rule is the API's: the forms send what the API takes and
// show its refusal (status, message, the field it names) beside the form.
import { ApiError, messageOf, send, session } from "./api.js";
import { h } from "./dom.js";
import { DEPARTMENTS, department, words } from "./labels.js";
import { iso } from "./period.js";

export const CRM_TYPES = ["visit", "call", "email", "meeting", "advisory_board", "speaker_programme",
  "research_collaboration", "sample_drop", "congress_invitation"];

function field(id, label, control, hint = null) {
  return h("div", { class: "field" },
    h("label", { for: id }, label, hint ? h("span", { class: "hint" }, ` ${hint}`) : null), control);
}

function departmentSelect(id, allowAny, value) {
  const own = session.me()?.department;
  const codes = allowAny ? Object.keys(DEPARTMENTS) : [own];
  return h("select", { id, name: "department" },
    codes.map((c) => h("option", { value: c, selected: c === (value || own) }, department(c))));
}

/** Show the API's refusal in `box` and mark the input the API's `field` names. */
function refuse(form, box, error) {
  for (const el of form.querySelectorAll("[aria-invalid]")) el.removeAttribute("aria-invalid");
  const name = error instanceof ApiError && error.field ? String(error.field).split(".").pop() : null;
  const input = name ? form.elements[name] : null;
  if (input && input.setAttribute) {
    input.setAttribute("aria-invalid", "true");
    input.focus();
  }
  box.textContent = error instanceof ApiError && error.status
    ? `Not saved (${error.status}${name ? `, ${name}` : ""}): ${error.message}` : messageOf(error);
  box.hidden = false;
}

function lines(text) {
  return String(text || "").split(/\n|;/).map((t) => t.trim()).filter(Boolean);
}

/** The "Log an engagement" form; `onSaved(engagement)` runs after the API accepts it. */
export function engagementForm(hcpId, onSaved) {
  const me = session.me();
  const error = h("p", { class: "notice error", role: "alert", hidden: true, id: "log-error" });
  const form = h("form", { class: "action-form", id: "log-form", "aria-label": "Log an engagement", novalidate: true },
    h("div", { class: "filters" },
      field("log-type", "Type", h("select", { id: "log-type", name: "type" },
        CRM_TYPES.map((t) => h("option", { value: t }, words(t))))),
      field("log-date", "Date", h("input", { id: "log-date", name: "date", type: "date",
        value: iso(new Date()), required: true })),
      field("log-department", "Department",
        departmentSelect("log-department", session.can("write_any_department"))),
      field("log-employee", "Employee id", h("input", { id: "log-employee", name: "employee_id",
        value: me?.employee_id || "", autocomplete: "off" }), me?.employee_id ? "(your key's)" : null),
      field("log-objective", "Objective", h("input", { id: "log-objective", name: "objective", autocomplete: "off" })),
      field("log-outcome", "Outcome", h("input", { id: "log-outcome", name: "outcome", autocomplete: "off" })),
      field("log-messages", "Key messages", h("input", { id: "log-messages", name: "key_messages",
        autocomplete: "off" }), "(separate with ;)"),
      session.can("see_spend") ? field("log-cost", "Cost (USD)", h("input", { id: "log-cost", name: "cost",
        type: "number", min: "0", step: "0.01" })) : null),
    field("log-notes", "Notes", h("textarea", { id: "log-notes", name: "notes", rows: "3" })),
    h("div", { class: "actions" }, h("button", { type: "submit" }, "Save the engagement")), error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const el = form.elements;
    const body = {
      crm_id: `web-${Date.now().toString(36)}-${Math.random().toString(36).slice(2, 8)}`,
      hcp_id: hcpId, type: el.type.value, date: el.date.value, department: el.department.value,
      employee_id: el.employee_id.value.trim() || null, objective: el.objective.value.trim() || null,
      outcome: el.outcome.value.trim() || null, key_messages: lines(el.key_messages.value),
      notes: el.notes.value.trim() || null,
    };
    if (el.cost && el.cost.value !== "") body.cost = Number(el.cost.value);
    const button = form.querySelector("button[type=submit]");
    button.disabled = true;
    try {
      const saved = await send("POST", "/engagements", body);
      error.hidden = true;
      onSaved(saved);
    } catch (err) {
      refuse(form, error, err);
    } finally {
      button.disabled = false;
    }
  });
  return form;
}

/** May this key change `plan`? Its own department's, or any for admin and compliance. */
export function mayEditPlan(plan) {
  const me = session.me();
  if (!session.can("write_plans") && me?.role !== "compliance") return false;
  return me?.role === "admin" || me?.role === "compliance" || plan.department === me?.department;
}

/** The plan form: a new plan when `plan` is null, else an edit of it. */
export function planForm(hcpId, plan, onSaved) {
  const year = new Date().getUTCFullYear();
  const id = plan ? `plan-${plan.id.replace(/[^A-Za-z0-9]/g, "")}` : "plan-new";
  const error = h("p", { class: "notice error", role: "alert", hidden: true });
  const byType = plan?.planned_by_type || {};
  const form = h("form", { class: "action-form plan-form", "aria-label": plan ? "Edit the plan" : "New plan", novalidate: true },
    h("div", { class: "filters" },
      field(`${id}-department`, "Department", plan
        ? h("select", { id: `${id}-department`, name: "department", disabled: true },
          h("option", { value: plan.department }, department(plan.department)))
        : departmentSelect(`${id}-department`, session.can("write_any_department"))),
      field(`${id}-owner`, "Owner", h("input", { id: `${id}-owner`, name: "owner",
        value: plan?.owner || session.me()?.employee_id || "", autocomplete: "off" }), "(employee id)"),
      field(`${id}-start`, "Starts", h("input", { id: `${id}-start`, name: "period_start", type: "date",
        value: plan?.period_start || `${year}-01-01` })),
      field(`${id}-end`, "Ends", h("input", { id: `${id}-end`, name: "period_end", type: "date",
        value: plan?.period_end || `${year}-12-31` })),
      field(`${id}-planned`, "Planned engagements", h("input", { id: `${id}-planned`, name: "planned_engagements",
        type: "number", min: "0", value: String(plan?.planned_engagements ?? 4) })),
      field(`${id}-by-type`, "By type", h("input", { id: `${id}-by-type`, name: "planned_by_type",
        autocomplete: "off", value: Object.entries(byType).map(([t, n]) => `${t} ${n}`).join("; ") }),
      "(e.g. meeting 3; email 2)"),
      session.can("see_spend") ? field(`${id}-budget`, "Budget (USD)", h("input", { id: `${id}-budget`,
        name: "budget", type: "number", min: "0", value: plan?.budget ?? "" })) : null,
      field(`${id}-status`, "Status", h("select", { id: `${id}-status`, name: "status" },
        ["active", "draft", "closed"].map((s) => h("option", { value: s, selected: s === (plan?.status || "active") }, s))))),
    field(`${id}-objectives`, "Objectives", h("textarea", { id: `${id}-objectives`, name: "objectives", rows: "3" },
      (plan?.objectives || []).join("\n")), "(one per line)"),
    h("div", { class: "actions" }, h("button", { type: "submit" }, plan ? "Save the plan" : "Create the plan")),
    error);
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const el = form.elements;
    const planned = {};
    for (const part of lines(el.planned_by_type.value)) {
      const [type, n] = part.split(/\s+/);
      planned[type] = Number(n);
    }
    const body = {
      hcp_id: hcpId, department: plan ? plan.department : el.department.value,
      owner: el.owner.value.trim() || null, objectives: lines(el.objectives.value),
      period_start: el.period_start.value, period_end: el.period_end.value,
      planned_engagements: Number(el.planned_engagements.value || 0), planned_by_type: planned,
      status: el.status.value,
    };
    if (el.budget) body.budget = el.budget.value === "" ? (plan?.budget ?? null) : Number(el.budget.value);
    else if (plan && plan.budget !== null && plan.budget !== undefined) body.budget = plan.budget;
    try {
      const saved = plan ? await send("PUT", `/plans/${encodeURIComponent(plan.id)}`, body)
        : await send("POST", "/plans", body);
      onSaved(saved);
    } catch (err) {
      refuse(form, error, err);
    }
  });
  return form;
}

/** The stable key the API gives a conflict: kind, sorted departments, first date. */
export function conflictKey(c) {
  return `${c.kind}:${[...c.departments].sort().join("+")}:${c.first_date || ""}`;
}

/** "Acknowledge" for one conflict; `onDone()` after the API records it. */
export function ackButton(hcpId, conflict, onDone) {
  const button = h("button", { type: "button", class: "secondary small ack" }, "Acknowledge");
  button.addEventListener("click", async () => {
    button.disabled = true;
    try {
      await send("POST", `/hcps/${encodeURIComponent(hcpId)}/conflicts/acknowledge`, { key: conflictKey(conflict) });
      onDone();
    } catch (err) {
      button.disabled = false;
      button.after(h("span", { class: "notice error", role: "alert" }, messageOf(err)));
    }
  });
  return button;
}
