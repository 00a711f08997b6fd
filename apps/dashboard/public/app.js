// The Tandem dashboard: plain browser JavaScript, no build step. The API key stays in this tab's session storage; a link
// with #key=… (printed by `tandem serve` at first start) signs in and the key is removed from the address bar at once.
const $ = (id) => document.getElementById(id);
const KEY = "tandem.apiKey";
const charts = {};

function takeKeyFromAddress() {
  const match = /(?:^#|&)key=([^&]+)/.exec(location.hash);
  if (!match) return;
  sessionStorage.setItem(KEY, decodeURIComponent(match[1]));
  history.replaceState(null, "", location.pathname + location.search);
}

async function api(path, options = {}) {
  const response = await fetch(`/api${path}`, {
    ...options,
    headers: {
      authorization: `Bearer ${sessionStorage.getItem(KEY) ?? ""}`,
      ...(options.body ? { "content-type": "application/json" } : {}),
    },
  });
  if (response.status === 401) {
    signOut("That API key is not valid or was revoked.");
    throw new Error("unauthorized");
  }
  const body = response.headers.get("content-type")?.includes("json") ? await response.json() : await response.text();
  if (!response.ok) throw new Error(body?.detail ?? `HTTP ${response.status}`);
  return body;
}

function text(element, value) {
  element.textContent = value ?? "";
}

function item(parent, content) {
  const li = document.createElement("li");
  li.textContent = content;
  parent.append(li);
  return li;
}

function signOut(message) {
  sessionStorage.removeItem(KEY);
  $("main").hidden = true;
  $("sign-out").hidden = true;
  $("sign-in").hidden = false;
  text($("sign-in-error"), message ?? "");
}

async function signedIn() {
  $("sign-in").hidden = true;
  $("main").hidden = false;
  $("sign-out").hidden = false;
  await Promise.allSettled([loadMetrics(), loadQueue(), loadDeadLetters()]);
}

function showDecision(decision) {
  $("decision").hidden = false;
  const route = $("route");
  text(route, decision.route);
  route.className = decision.route;
  text($("route-reason"), decision.routeReason);
  const triage = decision.triage;
  text(
    $("intent"),
    `${triage.intent}${triage.outOfScope ? ` (closest: ${triage.bestGuess})` : ""} · confidence ${triage.confidence.toFixed(2)} · ${triage.language.code}`,
  );
  text($("priority"), `${triage.priority} · tone ${triage.sentiment.label}`);
  text($("score"), `${decision.escalation.score} / 100 (${decision.escalation.level})`);
  text($("assignment"), `${decision.assignment.team} (${decision.assignment.channel})`);
  const reasons = $("reasons");
  reasons.replaceChildren();
  if (decision.escalation.reasons.length === 0) item(reasons, "Nothing calls for a person.");
  for (const reason of decision.escalation.reasons)
    item(reasons, `+${reason.contribution} ${reason.label}${reason.evidence.length ? `: ${reason.evidence.join(", ")}` : ""}`);
  const suggestion = decision.suggestion;
  text($("suggestion"), suggestion ? suggestion.text : "No macro or article answers this message.");
  const sources = $("sources");
  sources.replaceChildren();
  for (const source of suggestion?.sources ?? []) {
    const li = document.createElement("li");
    if (source.url) {
      const link = document.createElement("a");
      link.href = source.url;
      link.rel = "noopener";
      link.target = "_blank";
      link.textContent = source.title;
      li.append("Source: ", link);
    } else li.textContent = `Source: ${source.title}`;
    sources.append(li);
  }
  if (suggestion?.missing.length) item(sources, `Fill in before sending: ${suggestion.missing.join(", ")}`);
  $("handoff-block").hidden = !decision.handoff;
  if (decision.handoff) {
    text($("handoff-summary"), decision.handoff.summary);
    text($("handoff-next"), decision.handoff.nextStep);
  }
}

async function decide(event) {
  event.preventDefault();
  text($("playground-error"), "");
  const customer = {};
  if ($("customer-name").value.trim()) customer.name = $("customer-name").value.trim();
  if ($("customer-tier").value.trim()) customer.tier = $("customer-tier").value.trim();
  const context = { previousContacts: Number($("previous-contacts").value || 0) };
  if (Object.keys(customer).length) context.customer = customer;
  $("decide").disabled = true;
  try {
    showDecision(await api("/decide", { method: "POST", body: JSON.stringify({ message: $("message").value, context }) }));
  } catch (error) {
    text($("playground-error"), error.message);
  } finally {
    $("decide").disabled = false;
  }
}

const percent = (value) => (value === null ? "–" : `${(value * 100).toFixed(1)}%`);
const duration = (seconds) =>
  seconds === null
    ? "–"
    : seconds < 90
      ? `${Math.round(seconds)} s`
      : seconds < 5400
        ? `${Math.round(seconds / 60)} min`
        : `${(seconds / 3600).toFixed(1)} h`;

function card(label, value) {
  const div = document.createElement("div");
  div.className = "card";
  const number = document.createElement("div");
  number.className = "value";
  number.textContent = value;
  const caption = document.createElement("div");
  caption.className = "label";
  caption.textContent = label;
  div.append(number, caption);
  return div;
}

function drawChart(id, config) {
  if (!window.Chart) return;
  charts[id]?.destroy();
  charts[id] = new window.Chart($(id), config);
}

async function loadMetrics() {
  const metrics = await api(`/metrics?days=${$("days").value}`);
  $("cards").replaceChildren(
    card("decisions", metrics.decisions.toLocaleString()),
    card("automation rate", percent(metrics.automationRate)),
    card("assisted rate", percent(metrics.assistedRate)),
    card("escalation rate", percent(metrics.escalationRate)),
    card("first-contact resolution", percent(metrics.firstContactResolution)),
    card("median time to handoff", duration(metrics.timeToHandoff.median)),
    card("median time to claim", duration(metrics.timeToClaim.median)),
    card("median time to resolution", duration(metrics.timeToResolution.median)),
    card("open escalations", String(metrics.openEscalations)),
    card("model drafts used", metrics.model.calls === 0 ? "–" : `${metrics.model.used} of ${metrics.model.calls}`),
    card(
      "model tokens · cost",
      metrics.model.calls === 0
        ? "–"
        : `${(metrics.model.promptTokens + metrics.model.completionTokens).toLocaleString()} · ${metrics.model.cost.toFixed(4)}`,
    ),
  );
  const colours = { automate: "#038153", assist: "#ad5918", human: "#cc3340", urgent: "#6a0d16" };
  drawChart("by-day", {
    type: "bar",
    data: {
      labels: metrics.byDay.map((row) => row.day),
      datasets: ["automate", "assist", "human", "urgent"].map((route) => ({
        label: route,
        data: metrics.byDay.map((row) => row[route]),
        backgroundColor: colours[route],
      })),
    },
    options: { responsive: true, animation: false, scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } } },
  });
  const top = metrics.byIntent.slice(0, 12);
  drawChart("by-intent", {
    type: "bar",
    data: {
      labels: top.map((row) => row.intent),
      datasets: [
        { label: "automated", data: top.map((row) => row.automated), backgroundColor: colours.automate },
        { label: "with a person", data: top.map((row) => row.count - row.automated), backgroundColor: colours.human },
      ],
    },
    options: {
      indexAxis: "y",
      responsive: true,
      animation: false,
      scales: { x: { stacked: true, beginAtZero: true }, y: { stacked: true } },
    },
  });
}

function cell(row, value) {
  const td = document.createElement("td");
  td.textContent = value;
  row.append(td);
  return td;
}

function actionButton(label, onClick) {
  const button = document.createElement("button");
  button.type = "button";
  button.className = "secondary";
  button.textContent = label;
  button.addEventListener("click", onClick);
  return button;
}

async function loadQueue() {
  const { escalations } = await api("/escalations");
  const rows = $("queue-rows");
  rows.replaceChildren();
  $("queue-empty").hidden = escalations.length > 0;
  for (const escalation of escalations) {
    const row = document.createElement("tr");
    for (const value of [
      escalation.id,
      escalation.route,
      escalation.intent,
      escalation.score,
      escalation.team,
      escalation.claimed_by ? `claimed by ${escalation.claimed_by}` : escalation.state,
      new Date(escalation.created_at).toLocaleString(),
    ])
      cell(row, String(value));
    const actions = cell(row, "");
    const act = (action) => async () => {
      await api(`/escalations/${escalation.id}/${action}`, { method: "POST", body: JSON.stringify({ by: "dashboard" }) });
      await Promise.allSettled([loadQueue(), loadMetrics()]);
    };
    if (escalation.state !== "claimed") actions.append(actionButton("Claim", act("claim")));
    actions.append(" ", actionButton("Resolve", act("resolve")));
    rows.append(row);
  }
}

async function loadDeadLetters() {
  const { counts, actions } = await api("/outbox?state=dead");
  text(
    $("outbox-counts"),
    `Outbox: ${counts.pending} pending, ${counts.delivering} delivering, ${counts.delivered} delivered, ${counts.dead} failed for good.`,
  );
  const rows = $("dead-rows");
  rows.replaceChildren();
  $("dead-empty").hidden = actions.length > 0;
  for (const action of actions) {
    const row = document.createElement("tr");
    for (const value of [action.id, action.kind, action.attempts, action.last_error ?? "", new Date(action.created_at).toLocaleString()])
      cell(row, String(value));
    cell(row, "").append(
      actionButton("Retry", async () => {
        await api(`/outbox/${action.id}/retry`, { method: "POST", body: "{}" });
        await loadDeadLetters();
      }),
    );
    rows.append(row);
  }
}

$("sign-in-form").addEventListener("submit", async (event) => {
  event.preventDefault();
  sessionStorage.setItem(KEY, $("api-key").value.trim());
  $("api-key").value = "";
  try {
    await api("/metrics?days=1");
    await signedIn();
  } catch {
    /* signOut already said why */
  }
});
$("sign-out").addEventListener("click", () => signOut());
$("playground-form").addEventListener("submit", decide);
$("days").addEventListener("change", () => loadMetrics());

takeKeyFromAddress();
if (sessionStorage.getItem(KEY)) signedIn();
else signOut();
