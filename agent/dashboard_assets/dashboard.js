(function () {
  "use strict";
  const LIVE = document.body.dataset.live === "1";
  const $ = (sel, el) => (el || document).querySelector(sel);
  const esc = (s) => String(s == null ? "" : s).replace(/[&<>"']/g, (c) => (
    {"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;"}[c]));
  const EMBED = {actions: false, renderer: "svg"};
  const SYMBOLS = {USD: "$", EUR: "€", GBP: "£", JPY: "¥"};

  function fmt(v, unit, currency) {  // the same formats as the answer text
    if (v == null) return "-";
    if (typeof v !== "number") return String(v);
    const n = (x, d) => x.toLocaleString("en-US", {minimumFractionDigits: d, maximumFractionDigits: d});
    if (unit === "currency") {
      const sym = SYMBOLS[currency] || (currency ? currency + " " : "$");
      return (v < 0 ? "-" : "") + sym + n(Math.abs(v), Math.abs(v) >= 1000 ? 0 : 2);
    }
    if (unit === "ratio") return n(v * 100, 1) + "%";
    if (unit === "multiple") return n(v, 2) + "x";
    if (["days", "minutes", "hours", "seconds"].includes(unit)) return n(v, 1) + " " + unit;
    if (unit === "count") return Number.isInteger(v) ? n(v, 0) : n(v, 2);
    return String(v);
  }
  let page = JSON.parse($("#page-data").textContent);
  // a shared file: the pages its filters can show, precomputed (none: the filters are fixed)
  const VIEWS = LIVE ? {} : JSON.parse($("#views-data").textContent);
  const SWITCHABLE = Object.keys(VIEWS).length > 0;
  const viewKey = (f) => `${f.period}|${f.region || ""}|${f.team || ""}`;

  function fillFilters(p) {
    const form = $("#filters");
    const labels = {quarter: "This fiscal quarter", previous_quarter: "Last fiscal quarter",
                    year: "This fiscal year"};
    for (const name of ["period", "region", "team"]) {
      const sel = form.elements[name];
      const values = p.choices[name] || [];
      const all = name === "period" ? [] : [["", name === "region" ? "All regions" : "All teams"]];
      sel.innerHTML = all.concat(values.map((v) => [v, labels[v] || v]))
        .map(([v, t]) => `<option value="${esc(v)}">${esc(t)}</option>`).join("");
      sel.value = p.filters[name] || "";
      sel.disabled = !LIVE && !SWITCHABLE;
    }
    if (!LIVE) {
      const snap = $("#snapshot");
      snap.hidden = false;
      if (SWITCHABLE) {
        snap.textContent = "Snapshot · precomputed views";
        snap.title = `A shared file with ${Object.keys(VIEWS).length} precomputed views: every period, for everyone, ` +
          "each region or each team (one at a time). Numbers are as of the date shown; the live page (revops serve) answers any filter.";
      } else {
        snap.textContent = "Snapshot · filters fixed";
        snap.title = "A shared file holds the numbers of the filters it was written with, as of the date shown. " +
          "`revops dashboard --all-views` writes a file whose filters switch between precomputed views; the live page (revops serve) answers any filter.";
      }
    }
  }

  function switchView(event) {  // a shared file: show the precomputed page of the choice
    const form = $("#filters");
    const changed = event.target.name;
    if (changed === "region" && form.elements.region.value) form.elements.team.value = "";
    if (changed === "team" && form.elements.team.value) form.elements.region.value = "";
    const f = {period: form.elements.period.value, region: form.elements.region.value,
               team: form.elements.team.value};
    const found = VIEWS[viewKey(f)];
    if (!found) return;
    page = found;
    document.body.dataset.ready = "0";
    draw(page);
  }

  function table(columns, rows) {
    if (!columns.length || !rows.length) return "";
    const num = columns.map((_, i) => rows.every((r) => /^[-$€£¥]?[\d,.]+(%|x| days| minutes| hours| seconds)?$|^-$/.test(r[i]) ));
    const head = columns.map((c, i) => `<th class="${num[i] ? "num" : ""}">${esc(c)}</th>`).join("");
    const body = rows.map((r) => "<tr>" + r.map((v, i) =>
      `<td class="${num[i] ? "num" : ""}">${esc(v)}</td>`).join("") + "</tr>").join("");
    return `<div class="tablewrap"><table><thead><tr>${head}</tr></thead><tbody>${body}</tbody></table></div>`;
  }

  function kpis(p) {
    $("#kpis").innerHTML = p.kpis.map((k) => `
      <div class="kpi" data-kpi="${esc(k.key)}" title="${esc(k.definition)}">
        <div class="label">${esc(k.label)}</div>
        <div class="value">${esc(k.text)}</div>
        <div class="detail">${esc(k.detail)}</div>
      </div>`).join("");
  }

  function panelHtml(pn) {
    const meta = [pn.period, pn.as_of ? `as of ${pn.as_of}` : "",
                  `${Number(pn.n_records).toLocaleString("en-US")} ${pn.n_records === 1 ? "record" : "records"}`].filter(Boolean).join(" · ");
    const mini = pn.kpis.length ? `<div class="mini">${pn.kpis.map((k) =>
      `<div>${esc(k.label)}<b>${esc(k.text)}</b>${k.detail ? esc(k.detail) : ""}</div>`).join("")}</div>` : "";
    const body = pn.error ? `<div class="error">${esc(pn.error)}</div>`
      : pn.chart ? `${mini}<div class="chart" id="chart-${esc(pn.key)}"></div>`
      : `${mini}<div class="error">Nothing to draw for these filters.</div>`;
    const warns = pn.warnings.map((w) => `<div class="warn">⚠ ${esc(w)}</div>`).join("");
    const notes = pn.notes.map((n) => `<div class="note">${esc(n)}</div>`).join("");
    const how = pn.error && !pn.sql ? "" : `
      <details class="how"><summary>How it is computed</summary>
        <div class="def">${esc(pn.definition)}</div>
        <div class="def">Tools: ${pn.tools.map(esc).join(", ")}</div>
        <details class="sqlbox"><summary>SQL</summary><pre class="sql">${esc(pn.sql)}</pre></details>
      </details>
      ${pn.rows.length ? `<details class="data"><summary>Data</summary>${table(pn.columns, pn.rows)}</details>` : ""}`;
    return `<article class="panel${pn.wide ? " wide" : ""}" data-panel="${esc(pn.key)}"
      data-records="${pn.n_records}" data-drawn="0">
      <h2>${esc(pn.title)}</h2><div class="meta">${esc(meta)}</div>
      ${body}${warns}${notes}${how}</article>`;
  }

  function query() {
    const form = $("#filters");
    const qs = new URLSearchParams();
    for (const name of ["period", "region", "team"]) {
      if (form.elements[name].value) qs.set(name, form.elements[name].value);
    }
    return qs;
  }

  async function drawPanel(pn) {
    const slot = document.querySelector(`article[data-panel="${pn.key}"]`);
    const holder = document.createElement("div");
    holder.innerHTML = panelHtml(pn);
    const card = holder.firstElementChild;
    slot.replaceWith(card);
    const el = document.getElementById(`chart-${pn.key}`);
    if (!el || !pn.chart) return;
    await vegaEmbed(el, pn.chart, EMBED);
    card.dataset.drawn = "1";
  }

  async function load(pn) {  // a pending panel: computed by the server, then drawn
    if (!pn.pending) return drawPanel(pn);
    const reply = await fetch(`/dashboard/panel/${encodeURIComponent(pn.key)}?${query()}`,
                              {credentials: "same-origin"});
    if (!reply.ok) {
      return drawPanel(Object.assign({}, pn, {pending: false,
        error: `This panel could not be loaded (${reply.status}).`}));
    }
    return drawPanel(await reply.json());
  }

  async function draw(p) {
    $("#subtitle").textContent = `${p.company} · as of ${p.as_of} · amounts in ${p.currency}` +
      (p.viewer ? ` · signed in as ${p.viewer}` : "");
    kpis(p);
    $("#panels").innerHTML = p.panels.map((pn) => pn.pending
      ? `<article class="panel${pn.wide ? " wide" : ""} loading" data-panel="${esc(pn.key)}"
           data-drawn="0"><h2>${esc(pn.title)}</h2><div class="meta">Computing…</div>
           <div class="skeleton"></div></article>`
      : `<article data-panel="${esc(pn.key)}"></article>`).join("");
    await Promise.all(p.panels.map(load));  // every panel at once
    document.body.dataset.ready = "1";
  }

  async function refresh() {
    document.body.dataset.ready = "0";
    const qs = query();
    history.replaceState(null, "", "?" + qs.toString());
    qs.set("shell", "1");
    const reply = await fetch("/dashboard/data?" + qs.toString(), {credentials: "same-origin"});
    if (!reply.ok) {
      $("#panels").innerHTML = `<div class="error">The dashboard could not be loaded (${reply.status}).</div>`;
      return;
    }
    page = await reply.json();
    await draw(page);
  }

  function answerTable(r) {
    // data-quality counts beside the measures show only when non-zero (the warnings say why)
    const quality = (c) => c.startsWith("dq_") || c.includes("_unresolved_") || c === "without_amount";
    const keep = r.columns.map((c, i) => i).filter((i) => !quality(r.columns[i]) ||
      r.rows.some((row) => row[i]));
    return table(keep.map((i) => r.columns[i].replace(/_/g, " ")), r.rows.slice(0, 12).map(
      (row) => keep.map((i) => fmt(row[i], r.units[r.columns[i]], r.currency))));
  }

  async function ask(event) {
    event.preventDefault();
    const q = $("#ask-input").value.trim();
    if (!q) return;
    const out = $("#ask-answer");
    out.hidden = false;
    out.dataset.state = "asking";
    out.innerHTML = `<div class="note">Answering…</div>`;
    const id = (crypto.randomUUID ? crypto.randomUUID() : String(Date.now() + Math.random()));
    const reply = await fetch("/v1/tasks", {
      method: "POST", credentials: "same-origin", headers: {"Content-Type": "application/json"},
      body: JSON.stringify({task_id: `dashboard-${id}`, sender: "dashboard", question: q,
                            as_of: page.as_of})});
    const body = await reply.json();
    if (!reply.ok) {
      out.innerHTML = `<div class="warn">${esc(body.detail || body.error || reply.status)}</div>`;
      out.dataset.state = "error";
      return;
    }
    const r = body.result;
    const warns = (body.warnings || []).map((w) => `<div class="warn">⚠ ${esc(w.message)}</div>`).join("");
    out.innerHTML = `<div class="text">${esc(body.answer)}</div>
      ${r && r.chart ? '<div class="chart" id="ask-chart"></div>' : ""}
      ${r ? answerTable(r) : ""}
      ${warns}
      ${r ? `<details><summary>SQL</summary><pre class="sql">${esc(r.sql)}</pre></details>` : ""}`;
    if (r && r.chart) await vegaEmbed("#ask-chart", r.chart, EMBED);
    out.dataset.state = body.status;
  }

  fillFilters(page);
  if (SWITCHABLE) $("#filters").addEventListener("change", switchView);
  if (LIVE) {
    $("#ask").hidden = false;
    $("#filters").addEventListener("change", refresh);
    $("#ask-form").addEventListener("submit", ask);
  }
  draw(page);
})();
