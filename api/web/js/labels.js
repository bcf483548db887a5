// Display names for the API's codes.

export const DEPARTMENTS = {
  sales: "Sales",
  marketing: "Marketing",
  medical_affairs: "Medical affairs",
  clinical_research: "Clinical research",
  market_access: "Market access",
  compliance: "Compliance",
};

export const COMPONENTS = {
  scientific: "Publications",
  congress: "Congress",
  trials: "Clinical trials",
  network: "Network position",
  referral: "Referrals",
};

export const LAYERS = {
  coauthor: "Co-authorship",
  referral: "Referral",
  congress: "Congress",
  trial: "Trials",
};

export const ROLES = {
  admin: "Administrator",
  medical_affairs: "Medical affairs",
  krm_manager: "KRM manager",
  field: "Field",
  compliance: "Compliance",
  crm_integration: "CRM integration",
};

export function department(code) {
  if (!code) return "Reported payment";
  return DEPARTMENTS[code] || String(code).replaceAll("_", " ");
}

export function words(code) {
  return code ? String(code).replaceAll("_", " ") : "–";
}

/** A community's readable name from `names` (id -> label), else its number. */
export function communityName(id, names = null) {
  if (id === null || id === undefined) return "–";
  return names?.get(String(id)) || `community ${id}`;
}

/** A short "why" for a search row, from its tier, strongest component, role and trend. */
export function whyOf(hcp, names = null) {
  const parts = [];
  const best = Object.keys(COMPONENTS)
    .filter((c) => typeof hcp[c] === "number" && hcp[c] > 0)
    .sort((a, b) => hcp[b] - hcp[a])[0];
  if (best) parts.push(`strongest: ${COMPONENTS[best].toLowerCase()}`);
  const role = hcp.community_role && String(hcp.community_role).toLowerCase();
  if (role && role !== "member" && !role.includes("peripheral")) {
    // the community's leading topic (or institution) is enough for a row
    parts.push(`${words(role)} of ${communityName(hcp.community ?? "?", names).split(" · ")[0].split(", ")[0]}`);
  }
  if (hcp.scope) parts.push(`${hcp.scope} reach`);
  if (hcp.rising_star) parts.push("rising star");
  return parts.length ? parts.join(" · ") : "not scored yet";
}
