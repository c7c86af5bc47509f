"use strict";
const params = new URLSearchParams(location.search);
const course = params.get("course") || "arithmetic";
let learner = null, current = null, shownAt = 0;
const $ = (id) => document.getElementById(id);

function normalize(s) { return String(s).trim().toLowerCase().replace(/\s+/g, ""); }

function drawMastery(mastery) {
  const box = $("mastery");
  box.replaceChildren();
  if (!mastery) { box.append(TK.el("p", { class: "muted", text: "This course's teacher keeps no learner model." })); return; }
  for (const [skill, p] of Object.entries(mastery)) {
    const bar = TK.el("div", { class: "bar", role: "progressbar", "aria-label": skill,
      "aria-valuemin": "0", "aria-valuemax": "100", "aria-valuenow": String(Math.round(100 * p)) },
      TK.el("span", { style: `width:${(100 * p).toFixed(1)}%` }));
    box.append(TK.el("span", { role: "listitem", text: skill.replace(/_/g, " ") }), bar,
      TK.el("span", { class: "muted", text: p.toFixed(2), "data-skill": skill }));
  }
}

async function nextQuestion() {
  $("feedback").textContent = ""; $("next").hidden = true;
  $("prompt").textContent = "…"; $("task-id").textContent = "";
  $("answer").value = ""; $("answer").disabled = false; $("submit").disabled = false;
  current = await TK.api("POST", `/v1/courses/${encodeURIComponent(course)}/learners/${encodeURIComponent(learner)}/next`);
  const content = current.content || {};
  $("prompt").textContent = content.prompt || current.task;
  $("task-id").textContent = `item ${current.task}`;
  $("card").hidden = false;
  shownAt = performance.now();
  $("answer").focus();
}

async function check(ev) {
  ev.preventDefault();
  if (!current) return;
  const content = current.content || {};
  const given = $("answer").value;
  const success = content.answer !== undefined ? normalize(given) === normalize(content.answer) : null;
  const body = { success: success === null ? false : success,
                 duration: Math.round((performance.now() - shownAt) / 100) / 10 };
  $("answer").disabled = true; $("submit").disabled = true;
  const key = current.assignment_id + ":" + (crypto.randomUUID ? crypto.randomUUID() : Date.now());
  const event = await fetchOutcome(current.assignment_id, body, key);
  $("feedback").textContent = success ? "Correct!" : `Not quite: the answer is ${content.answer}.`;
  $("feedback").className = success ? "ok" : "error";
  drawMastery(event.mastery);
  $("next").hidden = false; $("next").focus();
}

async function fetchOutcome(id, body, key) {
  const res = await fetch(`/v1/assignments/${encodeURIComponent(id)}/outcome`, { method: "POST",
    headers: { "Authorization": "Bearer " + TK.key(), "Content-Type": "application/json", "Idempotency-Key": key },
    body: JSON.stringify(body) });
  const data = await res.json();
  if (!res.ok) throw new Error(data.detail || res.statusText);
  return data;
}

function fail(e) { $("error").textContent = e.message; }

if (!TK.needKey()) {
  $("title").textContent = `Practice: ${course}`;
  $("dash-link").href = `/dashboard/${encodeURIComponent(course)}`;
  $("learner").value = localStorage.getItem("tk-learner") || "";
  $("who-form").addEventListener("submit", async (ev) => {
    ev.preventDefault();
    learner = $("learner").value.trim();
    localStorage.setItem("tk-learner", learner);
    try {
      const me = await TK.api("GET", `/v1/courses/${encodeURIComponent(course)}/learners/${encodeURIComponent(learner)}`);
      drawMastery(me.mastery);
      await nextQuestion();
    } catch (e) { fail(e); }
  });
  $("answer-form").addEventListener("submit", (ev) => check(ev).catch(fail));
  $("next").addEventListener("click", () => nextQuestion().catch(fail));
}
