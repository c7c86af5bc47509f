// What every page shares: the API key (kept in this browser only) and calls to /v1.
"use strict";
const TK = {
  key() { return sessionStorage.getItem("tk-key") || localStorage.getItem("tk-key") || ""; },
  setKey(key, remember) {
    sessionStorage.setItem("tk-key", key);
    if (remember) localStorage.setItem("tk-key", key); else localStorage.removeItem("tk-key");
  },
  forget() { sessionStorage.removeItem("tk-key"); localStorage.removeItem("tk-key"); },
  async api(method, path, body) {
    const headers = { "Authorization": "Bearer " + TK.key() };
    if (body !== undefined) headers["Content-Type"] = "application/json";
    const res = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    const data = text ? JSON.parse(text) : null;
    if (!res.ok) {
      const err = new Error((data && (data.detail || data.title)) || res.statusText);
      err.status = res.status;
      throw err;
    }
    return data;
  },
  el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [k, v] of Object.entries(attrs || {})) {
      if (k === "text") node.textContent = v; else node.setAttribute(k, v);
    }
    for (const c of children) node.append(c);
    return node;
  },
  needKey() {
    if (!TK.key()) { location.href = "/?next=" + encodeURIComponent(location.pathname + location.search); return true; }
    return false;
  },
  color(p) {  // mastery 0 -> red, 0.5 -> yellow, 1 -> green
    if (p === null || p === undefined) return "#f0f2f4";
    return `hsl(${Math.round(120 * p)}, 65%, ${Math.round(82 - 22 * Math.abs(p - 0.5))}%)`;
  },
  palette(i) { return `hsl(${(i * 137.5) % 360}, 55%, 55%)`; },
};
