// The dashboard page: it renders the snapshots the server pushes over
// server-sent events and sends the controls as JSON POSTs carrying the
// run's token, which only this origin's HTML holds.
"use strict";

const token = document.querySelector('meta[name="stickylab-token"]').content;
const $ = (id) => document.getElementById(id);
const esc = (s) => String(s ?? "").replace(/[&<>"']/g, (c) => ({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
const pct = (x) => (100 * x).toFixed(1) + " %";
const persistences = ["none", "cookie", "source-ip"];
let busy = false;
let lastPolicies = "", lastFailed = "";

async function post(path, body) {
  const msg = $("message");
  busy = true;
  document.querySelectorAll("button").forEach((b) => (b.disabled = true));
  msg.className = "message";
  msg.textContent = "…";
  try {
    const resp = await fetch(path, {
      method: "POST",
      headers: {"Content-Type": "application/json", "Authorization": "Bearer " + token},
      body: JSON.stringify(body),
    });
    const a = await resp.json();
    msg.textContent = a.message || a.error || resp.statusText;
    if (!resp.ok) msg.className = "message error";
  } catch (e) {
    msg.className = "message error";
    msg.textContent = "the dashboard does not answer: " + e;
  } finally {
    busy = false;
    document.querySelectorAll("button").forEach((b) => (b.disabled = false));
  }
}

function status(dc) {
  return dc.status === "up" && dc.delay ? "slowed" : dc.status;
}

function renderTopology(s) {
  const dcs = s.datacenters.map((dc) => {
    const st = status(dc);
    const insts = dc.instances.map((i) =>
      `<div class="inst ${esc(i.status)}" id="inst-${esc(i.name)}"><b>${esc(i.name)}</b><br>` +
      `<span class="num">${i.requests}</span> <span class="muted num">(${i.per_second.toFixed(0)}/s)</span></div>`).join("");
    return `<div class="dc ${esc(st)}" id="dc-${esc(dc.name)}">
      <div><b>${esc(dc.name)}</b> <span class="badge ${esc(st)}">${esc(st)}${dc.delay ? " +" + esc(dc.delay) : ""}</span></div>
      <div class="small"><span class="num">${dc.requests}</span> requests <span class="muted num">(${dc.per_second.toFixed(0)}/s)</span></div>
      <div class="node small">LB · persistence <b>${esc(dc.lb.persistence || "?")}</b></div>
      <div class="instances">${insts}</div></div>`;
  }).join("");
  $("topology").innerHTML = `<div class="topo">
    <div class="node edge" id="node-edge"><b>edge</b> (CDN) · persistence <b>${esc(s.edge.persistence || "?")}</b>
      · <span class="muted small">${esc(s.edge_url)}</span></div>
    <div class="arrow">▼ picks a datacenter per request${s.edge.persistence === "none" ? "" : " (sticky: " + esc(s.edge.persistence) + ")"}</div>
    <div class="dcs">${dcs}</div></div>`;
}

function renderCounts(s) {
  const c = s.counts;
  const cls = c.SinceFailed > 0 ? "fail" : "ok";
  $("since-rate").innerHTML = c.SinceRuns ? `<span class="${cls}">${pct(c.SinceRate)}</span>` : "–";
  $("epoch-runs").textContent = c.SinceRuns;
  $("epoch-failed").textContent = c.SinceFailed;
  $("since").textContent = c.Since;
  $("since-band").textContent = c.SinceRuns ? `(95 % interval ${pct(c.SinceLow)} – ${pct(c.SinceHigh)})` : "";
  $("total-runs").textContent = c.Runs;
  $("total-failed").textContent = c.Failures;
  $("total-rate").textContent = c.Runs ? `(${pct(c.Rate)})` : "";
  const m = s.model;
  $("model").innerHTML = m.applies
    ? `Model: <b>${pct(m.failure_rate)}</b> expected <span class="muted small">${m.formula && m.formula !== "0" ? esc(m.formula) + " · " : ""}${esc(m.why)}</span>`
    : `Model does not apply: <span class="muted small">${esc(m.why)}</span>`;
  $("traffic-state").textContent = s.users ? `${s.users} users replaying the login flow` : "traffic stopped";
}

function persistenceButtons(lb) {
  return persistences.map((p) =>
    `<button id="persist-${esc(lb.name)}-${p}" class="${lb.persistence === p ? "active" : ""}" ` +
    `data-post="/api/persistence" data-body='${esc(JSON.stringify({target: lb.name, persistence: p}))}'>${p}</button>`).join(" ");
}

function renderPolicies(s) {
  if (busy || document.activeElement?.classList.contains("latency")) return; // keep what the user is typing
  const row = (lb, dc) => `<tr>
    <td><b>${esc(lb.name)}</b>${lb.error ? `<br><span class="fail-text small">${esc(lb.error)}</span>` : ""}</td>
    <td>${persistenceButtons(lb)}</td>
    <td class="small">${esc(lb.selection)}<br>${esc(lb.cookie)}</td>
    <td class="small">${esc(lb.undecodable)} / ${esc(lb.on_member_down)}</td>
    <td><button id="rotate-${esc(lb.name)}" data-post="/api/rotate-key" data-body='${esc(JSON.stringify({target: lb.name}))}'>rotate key</button></td>
    <td>${dc ? s.faults.map((f) => `<button id="${f}-${esc(dc.name)}" data-post="/api/fault" data-body='${esc(JSON.stringify({action: f, target: dc.name}))}'>${f}</button>`).join(" ") : ""}</td>
    <td>${dc ? `<input class="latency" id="latency-${esc(dc.name)}" value="${esc(dc.delay || "0s")}"> <button id="set-latency-${esc(dc.name)}" data-latency="${esc(dc.name)}">set</button>` : ""}</td>
  </tr>`;
  const html = `<tr><th>load balancer</th><th>persistence</th><th>selection · cookie</th><th>undecodable / member down</th><th>key</th><th>datacenter</th><th>latency of its link</th></tr>` +
    row(s.edge, null) + s.datacenters.map((dc) => row(dc.lb, dc)).join("");
  if (html !== lastPolicies) $("policies").innerHTML = lastPolicies = html; // keep the buttons while nothing changed
}

function renderFailed(s) {
  if (!s.failed || s.failed.length === 0) return;
  const key = s.failed.map((r) => r.index).join(",");
  if (key === lastFailed) return;
  lastFailed = key;
  const open = new Set([...document.querySelectorAll("#failed details[open]")].map((d) => d.dataset.index));
  if (!s.failed.some((r) => open.has(String(r.index)))) open.add(String(s.failed[0].index)); // keep one run open: the newest
  $("failed").innerHTML = s.failed.map((r) => {
    const hops = r.hops.map((h) => `<tr>
      <td>${esc(h.step)}</td><td>${esc(h.method)} ${esc(h.path)}</td>
      <td class="${h.status >= 400 || h.failure ? "fail-text" : ""}">${h.status || "–"}</td>
      <td>${esc(h.datacenter)} / ${esc(h.instance)}</td>
      <td class="small">edge: ${esc(h.edge_reason)}<br>lb: ${esc(h.lb_reason)}</td>
      <td class="small">${h.cookies.map((c) => c.changed ? `<mark title="re-issued with a new value">${esc(c.name)}=${esc(c.value)}</mark>` : `${esc(c.name)}=${esc(c.value)}`).join("<br>")}</td>
      <td class="small fail-text">${esc(h.failure)}</td></tr>`).join("");
    return `<details data-index="${r.index}" ${open.has(String(r.index)) ? "open" : ""}>
      <summary>run ${r.index}: <span class="fail-text">${esc(r.failure)}</span> at ${esc(r.failed_step)} · datacenters ${esc((r.datacenters || []).join(" → "))}</summary>
      <table class="hops"><tr><th>step</th><th>request</th><th>status</th><th>served by</th><th>decisions</th><th>Set-Cookie</th><th>failure</th></tr>${hops}</table>
    </details>`;
  }).join("");
}

function render(s) {
  $("run").textContent = `run ${s.run} · ${s.runtime} runtime`;
  renderTopology(s);
  renderCounts(s);
  renderPolicies(s);
  renderFailed(s);
  if (s.chart) $("chart").innerHTML = s.chart;
  $("log").innerHTML = s.log.map((l) => `<li>${esc(l)}</li>`).join("");
}

document.addEventListener("click", (e) => {
  const b = e.target.closest("button");
  if (!b) return;
  if (b.dataset.post) post(b.dataset.post, JSON.parse(b.dataset.body));
  else if (b.dataset.latency) post("/api/latency", {datacenter: b.dataset.latency, delay: $("latency-" + b.dataset.latency).value});
});
$("start-traffic").onclick = () => post("/api/traffic", {users: Number($("users").value)});
$("stop-traffic").onclick = () => post("/api/traffic", {users: 0});
$("reset").onclick = () => post("/api/reset", {});

const events = new EventSource("/events");
events.addEventListener("state", (e) => render(JSON.parse(e.data)));
events.onopen = () => { $("conn").textContent = "live"; $("conn").className = "badge"; };
events.onerror = () => { $("conn").textContent = "offline"; $("conn").className = "badge down"; };
