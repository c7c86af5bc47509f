"use strict";
async function showCourses() {
  const me = await TK.api("GET", "/v1/me");
  const list = await TK.api("GET", "/v1/courses");
  document.getElementById("tenant").textContent =
    `Tenant ${me.tenant}${me.admin ? " (admin key)" : ""}: ${list.courses.length} course(s).`;
  const ul = document.getElementById("course-list");
  ul.replaceChildren();
  for (const c of list.courses) {
    const li = TK.el("li", {}, TK.el("strong", { text: c.name }), " — ",
      TK.el("a", { href: c.dashboard, text: "dashboard" }), " · ",
      TK.el("a", { href: "/practice?course=" + encodeURIComponent(c.name), text: "practice" }));
    ul.append(li);
  }
  document.getElementById("login").hidden = true;
  document.getElementById("courses").hidden = false;
  const next = new URLSearchParams(location.search).get("next");
  if (next && next.startsWith("/")) location.href = next;
}
document.getElementById("key-form").addEventListener("submit", async (ev) => {
  ev.preventDefault();
  TK.setKey(document.getElementById("key").value.trim(), document.getElementById("remember").checked);
  try { await showCourses(); } catch (e) {
    TK.forget();
    document.getElementById("login-error").textContent = e.message;
  }
});
document.getElementById("forget").addEventListener("click", () => { TK.forget(); location.reload(); });
if (TK.key()) showCourses().catch(() => { TK.forget(); });
