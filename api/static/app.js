// hoinghi web page: plain JavaScript over the JSON API (no build step, nothing from the network).
"use strict";

const TEXT = {
  vi: {
    title: "Hỏi đáp văn bản hội nghị", nav_ask: "Hỏi", nav_search: "Tìm kiếm", nav_docs: "Văn bản",
    question_label: "Câu hỏi (tiếng Việt hoặc tiếng Anh)", ask_button: "Hỏi", sources: "Nguồn trích dẫn",
    search_label: "Từ khóa hoặc câu hỏi", search_button: "Tìm",
    drop_help: "Kéo thả tệp .txt, .md, .docx, .pdf vào đây, hoặc bấm để chọn tệp.",
    col_title: "Tiêu đề", col_conf: "Hội nghị", col_date: "Ngày", col_passages: "Đoạn",
    back: "← Danh sách văn bản", asking: "Đang tìm câu trả lời…", searching: "Đang tìm…",
    loading: "Đang tải…", not_found_long: "Không tìm thấy: các văn bản đã lập chỉ mục không chứa thông tin này.", error: "Lỗi",
    hits: (n) => `${n} đoạn phù hợp`, no_hits: "Không có đoạn nào phù hợp.",
    page: "trang", section: "mục", conference: "Hội nghị lần thứ", open: "Xem trong văn bản",
    delete: "Xóa", confirm_delete: (t) => `Xóa văn bản “${t}” khỏi chỉ mục?`, deleted: "Đã xóa.",
    uploading: "Đang tải lên và lập chỉ mục…", added: "đã thêm", unchanged: "không đổi (đã có)",
    skipped: "bỏ qua", no_docs: "Chưa có văn bản nào.", elapsed: (ms) => `${ms} ms`,
    key_prompt: "Máy chủ yêu cầu khóa API (API key) cho thao tác này:",
  },
  en: {
    title: "Conference records Q&A", nav_ask: "Ask", nav_search: "Search", nav_docs: "Documents",
    question_label: "Question (Vietnamese or English)", ask_button: "Ask", sources: "Cited sources",
    search_label: "Keywords or a question", search_button: "Search",
    drop_help: "Drop .txt, .md, .docx, .pdf files here, or click to choose files.",
    col_title: "Title", col_conf: "Conference", col_date: "Date", col_passages: "Passages",
    back: "← All documents", asking: "Looking for the answer…", searching: "Searching…",
    loading: "Loading…", not_found_long: "Not found: the indexed records do not contain this information.", error: "Error",
    hits: (n) => `${n} matching passages`, no_hits: "No matching passages.",
    page: "page", section: "section", conference: "Conference no.", open: "Show in document",
    delete: "Delete", confirm_delete: (t) => `Remove “${t}” from the index?`, deleted: "Deleted.",
    uploading: "Uploading and indexing…", added: "added", unchanged: "unchanged (already indexed)",
    skipped: "skipped", no_docs: "No documents yet.", elapsed: (ms) => `${ms} ms`,
    key_prompt: "The server needs its API key for this:",
  },
};

let lang = localStorage.getItem("hoinghi-lang") || "vi";
let documents = {};  // id -> summary, for titles, conference numbers and dates

const $ = (sel) => document.querySelector(sel);
const t = (key, ...args) => { const v = TEXT[lang][key]; return typeof v === "function" ? v(...args) : v; };

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (k === "class") node.className = v; else if (k === "text") node.textContent = v; else node.setAttribute(k, v);
  }
  for (const c of children) node.append(c);
  return node;
}

function setStatus(id, message, kind = "") {
  const box = $(id);
  box.className = "status" + (kind ? " " + kind : "");
  box.replaceChildren();
  if (kind === "busy") box.append(el("span", { class: "spinner", "aria-hidden": "true" }));
  if (message) box.append(message);
}

// When the server has an API key, uploads and deletions (maybe reads too) answer 401: ask for the
// key once per browser session and send it as X-API-Key.
function keyHeaders() {
  const key = sessionStorage.getItem("hoinghi-key");
  return key ? { "X-API-Key": key } : {};
}

function askForKey() {
  const key = prompt(t("key_prompt"));
  if (key) sessionStorage.setItem("hoinghi-key", key.trim());
  return Boolean(key);
}

async function api(method, path, body, retried = false) {
  const options = { method, headers: keyHeaders() };
  if (body !== undefined) { options.headers["Content-Type"] = "application/json"; options.body = JSON.stringify(body); }
  const response = await fetch(path, options);
  if (response.status === 401 && !retried && askForKey()) return api(method, path, body, true);
  let data = null;
  try { data = await response.json(); } catch { /* not JSON */ }
  if (!response.ok) {
    const detail = data && data.detail;
    const message = Array.isArray(detail) ? detail.map((d) => d.msg).join("; ") : (detail || response.statusText);
    throw new Error(message);
  }
  return data;
}

function applyLanguage() {
  document.documentElement.lang = lang;
  for (const node of document.querySelectorAll("[data-i18n]")) node.textContent = t(node.dataset.i18n);
  $("#lang").textContent = lang === "vi" ? "EN" : "VI";
  document.title = "hoinghi — " + t("title");
}

// Slices by Unicode code point: the API's offsets count code points, JavaScript strings count UTF-16 units.
function codePoints(text) { return Array.from(text); }

function docMeta(id, page, section) {
  const d = documents[id] || {};
  const parts = [d.title || d.name || id];
  if (d.conference_number) parts.push(`${t("conference")} ${d.conference_number}`);
  if (d.dates && d.dates.length) parts.push(d.dates[0]);
  if (section) parts.push(`${t("section")} ${section}`);
  if (page) parts.push(`${t("page")} ${page}`);
  return parts.join(" · ");
}

function docLink(id, start, end) { return `#doc/${encodeURIComponent(id)}/${start}/${end}`; }

function highlighted(text, from, to) {
  const chars = codePoints(text);
  const frag = document.createDocumentFragment();
  frag.append(chars.slice(0, from).join(""), el("mark", { text: chars.slice(from, to).join("") }), chars.slice(to).join(""));
  return frag;
}

// ---- ask -------------------------------------------------------------------------------------
async function ask(event) {
  event.preventDefault();
  const question = $("#question").value.trim();
  if (!question) return;
  const button = $("#ask-form button");
  button.disabled = true;
  $("#answer").hidden = true;
  setStatus("#ask-status", t("asking"), "busy");
  try {
    const data = await api("POST", "/ask", { question, top_k: 5 });
    showAnswer(data);
  } catch (error) {
    setStatus("#ask-status", `${t("error")}: ${error.message}`, "error");
  } finally {
    button.disabled = false;
  }
}

function showAnswer(data) {
  if (!data.found) {
    setStatus("#ask-status", t("not_found_long"), "notfound");
    $("#ask-status").dataset.state = "not-found";
    return;
  }
  $("#ask-status").dataset.state = "found";
  setStatus("#ask-status", t("elapsed", Math.round(data.elapsed_ms)));
  $("#short-answer").textContent = data.short_answer || "";
  const byN = Object.fromEntries(data.citations.map((c) => [String(c.n), c]));
  const answer = $("#answer-text");
  answer.replaceChildren();
  for (const part of data.answer.split(/(\[\d+\])/)) {
    const m = part.match(/^\[(\d+)\]$/);
    if (m && byN[m[1]]) {
      const c = byN[m[1]];
      answer.append(el("a", { class: "cite-link", href: docLink(c.document_id, c.start, c.end),
                              "aria-label": `${t("open")} [${c.n}]`, text: `[${c.n}]` }));
    } else if (part) {
      answer.append(part);
    }
  }
  const list = $("#citations");
  list.replaceChildren();
  for (const c of data.citations) {
    const from = c.start - c.passage_start, to = c.end - c.passage_start;
    list.append(el("li", { value: String(c.n), id: `citation-${c.n}` },
      el("div", { class: "meta", text: docMeta(c.document_id, c.page, c.section) }),
      el("div", { class: "passage" }, highlighted(c.text, from, to)),
      el("a", { href: docLink(c.document_id, c.start, c.end), text: t("open") })));
  }
  $("#answer").hidden = false;
}

// ---- search ----------------------------------------------------------------------------------
async function search(event) {
  event.preventDefault();
  const q = $("#query").value.trim();
  if (!q) return;
  setStatus("#search-status", t("searching"), "busy");
  $("#hits").replaceChildren();
  try {
    const data = await api("GET", `/search?q=${encodeURIComponent(q)}&k=10`);
    setStatus("#search-status", data.hits.length ? t("hits", data.hits.length) : t("no_hits"));
    for (const h of data.hits) {
      $("#hits").append(el("li", {},
        el("div", { class: "meta", text: `${docMeta(h.document_id, h.page, h.section)} · ${h.score.toFixed(3)}` }),
        el("div", { class: "passage", text: h.text }),
        el("a", { href: docLink(h.document_id, h.start, h.end), text: t("open") })));
    }
  } catch (error) {
    setStatus("#search-status", `${t("error")}: ${error.message}`, "error");
  }
}

// ---- documents -------------------------------------------------------------------------------
async function loadDocuments() {
  try {
    const list = await api("GET", "/documents");
    documents = Object.fromEntries(list.map((d) => [d.id, d]));
    const body = $("#doc-table tbody");
    body.replaceChildren();
    if (!list.length) body.append(el("tr", {}, el("td", { colspan: "5", text: t("no_docs") })));
    for (const d of list) {
      const remove = el("button", { type: "button", class: "secondary", text: t("delete") });
      remove.addEventListener("click", () => removeDocument(d));
      body.append(el("tr", { "data-id": d.id },
        el("td", {}, el("a", { href: docLink(d.id, 0, 0), text: d.title || d.name })),
        el("td", { text: d.conference_number ? String(d.conference_number) : "" }),
        el("td", { text: (d.dates || [])[0] || "" }),
        el("td", { text: String(d.passages) }),
        el("td", {}, remove)));
    }
  } catch (error) {
    setStatus("#upload-status", `${t("error")}: ${error.message}`, "error");
  }
}

async function removeDocument(d) {
  if (!confirm(t("confirm_delete", d.title || d.name))) return;
  try {
    await api("DELETE", `/documents/${encodeURIComponent(d.id)}`);
    setStatus("#upload-status", t("deleted"));
    await loadDocuments();
  } catch (error) {
    setStatus("#upload-status", `${t("error")}: ${error.message}`, "error");
  }
}

function upload(files) {
  if (!files.length) return;
  const form = new FormData();
  for (const f of files) form.append("files", f, f.name);
  const bar = $("#upload-progress");
  bar.hidden = false; bar.value = 0;
  setStatus("#upload-status", t("uploading"), "busy");
  $("#upload-results").replaceChildren();
  const xhr = new XMLHttpRequest();
  xhr.open("POST", "/documents");
  for (const [name, value] of Object.entries(keyHeaders())) xhr.setRequestHeader(name, value);
  xhr.upload.onprogress = (e) => { if (e.lengthComputable) bar.value = Math.round(100 * e.loaded / e.total); };
  xhr.onload = async () => {
    bar.hidden = true;
    if (xhr.status === 401 && askForKey()) { upload(files); return; }
    let data = null;
    try { data = JSON.parse(xhr.responseText); } catch { /* not JSON */ }
    if (!data || (xhr.status >= 400 && !data.skipped)) {
      setStatus("#upload-status", `${t("error")}: ${(data && data.detail) || xhr.statusText}`, "error");
      return;
    }
    setStatus("#upload-status", "");
    const results = $("#upload-results");
    for (const d of data.added) results.append(el("li", { class: "ok", text: `${d.source}: ${t("added")}` }));
    for (const s of data.unchanged) results.append(el("li", { class: "ok", text: `${s}: ${t("unchanged")}` }));
    for (const s of data.skipped) results.append(el("li", { class: "bad", text: `${s.source}: ${t("skipped")} — ${s.reason}` }));
    await loadDocuments();
  };
  xhr.onerror = () => { bar.hidden = true; setStatus("#upload-status", `${t("error")}: network`, "error"); };
  xhr.send(form);
}

// ---- one document, a sentence highlighted ----------------------------------------------------
async function showDocument(id, start, end) {
  $("#doc-title").textContent = "";
  $("#doc-text").replaceChildren();
  setStatus("#doc-status", t("loading"), "busy");
  try {
    const data = await api("GET", `/documents/${encodeURIComponent(id)}`);
    const d = data.document;
    $("#doc-title").textContent = d.title || d.name;
    $("#doc-meta").textContent = [d.source, d.conference_number ? `${t("conference")} ${d.conference_number}` : "",
                                  (d.dates || []).join(", ")].filter(Boolean).join(" · ");
    setStatus("#doc-status", "");
    const chars = codePoints(data.text);
    const box = $("#doc-text");
    if (end > start) {
      const passage = data.passages.find((p) => p.start <= start && end <= p.end) || { start, end };
      box.append(chars.slice(0, passage.start).join(""));
      const wrap = el("span", { class: "passage-hl" }, chars.slice(passage.start, start).join(""));
      const mark = el("mark", { id: "hl", text: chars.slice(start, end).join("") });
      wrap.append(mark, chars.slice(end, passage.end).join(""));
      box.append(wrap, chars.slice(passage.end).join(""));
      mark.scrollIntoView({ block: "center" });
    } else {
      box.textContent = data.text;
    }
    box.focus({ preventScroll: true });
  } catch (error) {
    setStatus("#doc-status", `${t("error")}: ${error.message}`, "error");
  }
}

// ---- routing ---------------------------------------------------------------------------------
function route() {
  const hash = location.hash.slice(1) || "ask";
  const [view, ...rest] = hash.split("/");
  const name = ["ask", "search", "documents", "doc"].includes(view) ? view : "ask";
  for (const section of document.querySelectorAll(".view")) section.hidden = section.id !== `view-${name}`;
  for (const link of document.querySelectorAll("nav a")) {
    if (link.dataset.view === (name === "doc" ? "documents" : name)) link.setAttribute("aria-current", "page");
    else link.removeAttribute("aria-current");
  }
  if (name === "doc") showDocument(decodeURIComponent(rest[0] || ""), Number(rest[1] || 0), Number(rest[2] || 0));
  if (name === "documents") loadDocuments();
}

document.addEventListener("DOMContentLoaded", () => {
  applyLanguage();
  $("#lang").addEventListener("click", () => {
    lang = lang === "vi" ? "en" : "vi";
    localStorage.setItem("hoinghi-lang", lang);
    applyLanguage();
  });
  $("#ask-form").addEventListener("submit", ask);
  $("#search-form").addEventListener("submit", search);
  const drop = $("#drop"), input = $("#files");
  drop.addEventListener("click", () => input.click());
  drop.addEventListener("keydown", (e) => { if (e.key === "Enter" || e.key === " ") { e.preventDefault(); input.click(); } });
  drop.addEventListener("dragover", (e) => { e.preventDefault(); drop.classList.add("over"); });
  drop.addEventListener("dragleave", () => drop.classList.remove("over"));
  drop.addEventListener("drop", (e) => { e.preventDefault(); drop.classList.remove("over"); upload([...e.dataTransfer.files]); });
  input.addEventListener("change", () => { upload([...input.files]); input.value = ""; });
  window.addEventListener("hashchange", route);
  loadDocuments().then(route);
});
