"use strict";
const course = decodeURIComponent(location.pathname.split("/").filter(Boolean).pop());
const $ = (id) => document.getElementById(id);
const SVG = "http://www.w3.org/2000/svg";
function svgEl(tag, attrs, text) {
  const n = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) n.setAttribute(k, v);
  if (text !== undefined) n.textContent = text;
  return n;
}

function heatmap(d) {
  const t = $("heatmap");
  t.replaceChildren();
  const head = TK.el("tr", {}, TK.el("th", { scope: "col", text: "learner" }));
  for (const s of d.skills) head.append(TK.el("th", { scope: "col", text: s.replace(/_/g, " ") }));
  t.append(TK.el("thead", {}, head));
  const body = TK.el("tbody", {});
  d.learners.forEach((learner, r) => {
    const row = TK.el("tr", {}, TK.el("th", { scope: "row", text: learner }));
    const m = d.mastery[r];
    d.skills.forEach((skill, c) => {
      const p = m ? m[c] : null;
      row.append(TK.el("td", { class: "cell", style: `background:${TK.color(p)}`,
        "data-learner": learner, "data-skill": skill, title: `${learner} · ${skill}`,
        text: p === null ? "–" : p.toFixed(2) }));
    });
    body.append(row);
  });
  if (!d.learners.length) body.append(TK.el("tr", {}, TK.el("td", { text: "No answers yet." })));
  t.append(body);
}

function chosen(d) {
  const svg = $("chosen"), legend = $("chosen-legend");
  svg.replaceChildren(); legend.replaceChildren();
  const buckets = d.chosen, skills = d.skills, h = 180, bw = 18;
  svg.setAttribute("width", Math.max(300, 40 + buckets.length * (bw + 4)));
  const max = Math.max(1, ...buckets.map((b) => Object.values(b.counts).reduce((a, c) => a + c, 0)));
  buckets.forEach((b, i) => {
    let y = h;
    skills.forEach((s, k) => {
      const n = b.counts[s] || 0;
      if (!n) return;
      const bh = (n / max) * (h - 10);
      y -= bh;
      const rect = svgEl("rect", { x: 30 + i * (bw + 4), y, width: bw, height: bh, fill: TK.palette(k) });
      rect.append(svgEl("title", {}, `asks ${b.from}–${b.from + d.bucket - 1}: ${s} ×${n}`));
      svg.append(rect);
    });
  });
  svg.append(svgEl("text", { x: 30, y: h + 18 }, buckets.length ? `ask ${buckets[0].from}` : "no asks yet"));
  skills.forEach((s, k) => legend.append(TK.el("span", {}, TK.el("i", { style: `background:${TK.palette(k)}` }), s.replace(/_/g, " "))));
  $("c-desc").textContent = `Each bar is ${d.bucket} tasks handed out, coloured by the skill of the item chosen.`;
}

function items(d) {
  const t = $("items");
  t.replaceChildren();
  const head = TK.el("tr", {});
  for (const c of ["item", "prompt", "skills", "attempts", "success rate", "difficulty", "status"]) head.append(TK.el("th", { scope: "col", text: c }));
  t.append(TK.el("thead", {}, head));
  const body = TK.el("tbody", {});
  for (const it of d.items) {
    body.append(TK.el("tr", {}, TK.el("th", { scope: "row", text: it.id }), TK.el("td", { text: it.prompt || "" }),
      TK.el("td", { text: it.skills.join(", ") }), TK.el("td", { text: String(it.attempts) }),
      TK.el("td", { text: it.success_rate === null ? "" : (100 * it.success_rate).toFixed(0) + "%" }),
      TK.el("td", { text: it.difficulty === null || it.difficulty === undefined ? "" : it.difficulty.toFixed(2) }),
      TK.el("td", { text: it.retired ? "retired" : "active" })));
  }
  t.append(body);
}

function graph(d) {
  const svg = $("graph");
  svg.replaceChildren();
  const nodes = d.graph.nodes, edges = d.graph.edges;
  const pre = Object.fromEntries(nodes.map((n) => [n, []]));
  for (const [a, b] of edges) (pre[b] = pre[b] || []).push(a);
  const level = {};
  const depth = (n, seen = new Set()) => {
    if (level[n] !== undefined) return level[n];
    if (seen.has(n)) return 0;
    seen.add(n);
    level[n] = pre[n].length ? 1 + Math.max(...pre[n].map((p) => depth(p, seen))) : 0;
    return level[n];
  };
  nodes.forEach((n) => depth(n));
  const cols = {};
  nodes.forEach((n) => (cols[level[n]] = cols[level[n]] || []).push(n));
  const colW = 170, rowH = 34, pos = {};
  let rows = 1;
  Object.entries(cols).forEach(([lv, ns]) => { rows = Math.max(rows, ns.length);
    ns.forEach((n, i) => (pos[n] = { x: 10 + Number(lv) * colW, y: 20 + i * rowH })); });
  svg.setAttribute("width", 20 + Object.keys(cols).length * colW);
  svg.setAttribute("height", 30 + rows * rowH);
  const defs = svgEl("defs", {});
  const marker = svgEl("marker", { id: "arrow", viewBox: "0 0 10 10", refX: "10", refY: "5", markerWidth: "6", markerHeight: "6", orient: "auto" });
  marker.append(svgEl("path", { d: "M0,0 L10,5 L0,10 z", fill: "#8c959f" }));
  defs.append(marker); svg.append(defs);
  for (const [a, b] of edges) {
    if (!pos[a] || !pos[b]) continue;
    svg.append(svgEl("line", { x1: pos[a].x + 140, y1: pos[a].y, x2: pos[b].x - 4, y2: pos[b].y, stroke: "#8c959f", "marker-end": "url(#arrow)" }));
  }
  for (const n of nodes) {
    svg.append(svgEl("rect", { x: pos[n].x, y: pos[n].y - 11, width: 140, height: 22, rx: 5, fill: "#eef4ff", stroke: "#1f6feb" }));
    svg.append(svgEl("text", { x: pos[n].x + 6, y: pos[n].y + 4 }, n.replace(/_/g, " ").slice(0, 22)));
  }
  $("g-desc").textContent = edges.length ? `${nodes.length} ${d.graph.level || "tasks"}, ${edges.length} prerequisite links; an arrow points from a prerequisite to what needs it.` : "No prerequisites.";
}

function due(d) {
  const ul = $("due");
  ul.replaceChildren();
  if (!d.due_reviews.length) ul.append(TK.el("li", { class: "muted", text: "Nothing is due." }));
  for (const r of d.due_reviews) ul.append(TK.el("li", {}, TK.el("strong", { text: r.learner }), ": " + r.skills.join(", ")));
}

async function load() {
  try {
    const d = await TK.api("GET", `/v1/courses/${encodeURIComponent(course)}/dashboard`);
    heatmap(d); chosen(d); items(d); graph(d); due(d);
    $("status").textContent = `${d.events} answers, ${d.ops} ops; updated ${new Date().toLocaleTimeString()}`;
    $("error").textContent = "";
  } catch (e) { $("error").textContent = e.message; }
}

if (!TK.needKey()) {
  $("title").textContent = `Dashboard: ${course}`;
  $("practice-link").href = `/practice?course=${encodeURIComponent(course)}`;
  $("refresh").addEventListener("click", load);
  setInterval(() => { if ($("auto").checked && !document.hidden) load(); }, 5000);
  load();
}
