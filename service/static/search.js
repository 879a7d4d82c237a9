/* Fahras search page.
 *
 * The URL is the state: /?q=...&page=2&lang=ar&place=lachin&without=<expansion id>
 * (plus ui=ar|en for the interface language). showState() reads it, runSearch()
 * asks /api/search, the same JSON API other tools use, and renderResults() draws it.
 * Links inside the page carry data-nav: they change the URL with pushState and
 * search again, so back, forward, reload and bookmarks all work.
 *
 * Safety: text from documents and queries goes in as text nodes; the server's
 * highlighted snippet and title are parsed and rebuilt keeping only <mark>
 * (appendMarked), so even a server bug cannot put markup on the page.
 */

const SEARCH_KEYS = ["q", "page", "lang", "place", "without"];
const VISIBLE_PLACES = 5;
const VISIBLE_FACET_PLACES = 8;
const VISIBLE_VARIANTS = 4;
const UI = document.documentElement.lang === "en" ? "en" : "ar";
const UI_DIR = UI === "ar" ? "rtl" : "ltr";
const MESSAGES = JSON.parse(document.body.dataset.messages);
const TIMEOUT_MS = Number(document.body.dataset.timeoutMs) || 8000;
const NUMBER_LOCALE = UI === "ar" ? "ar-u-nu-latn" : "en";
const DATE_LOCALE = UI === "ar" ? "ar-u-nu-latn" : "en-GB";
const LABELS_KEY = "fahras.expansionLabels";

const els = {
  form: document.getElementById("search-form"),
  input: document.getElementById("q"),
  status: document.getElementById("status"),
  layout: document.getElementById("layout"),
  filtersBox: document.getElementById("filters-box"),
  filtersBody: document.getElementById("filters-body"),
  filters: document.getElementById("filters"),
  queryInfo: document.getElementById("query-info"),
  results: document.getElementById("results"),
  resultsBody: document.getElementById("results-body"),
  pagination: document.getElementById("pagination"),
  home: document.getElementById("home"),
  state: document.getElementById("state"),
  uiSwitch: document.getElementById("ui-switch"),
};

let searchCount = 0;
let inFlight = null;
let lastState = null;
let shownKey = null;

/* ---------- the URL as state ---------- */

function readState(href) {
  const params = new URL(href, window.location.href).searchParams;
  const page = Number.parseInt(params.get("page") || "1", 10);
  return {
    q: (params.get("q") || "").trim(),
    page: Number.isFinite(page) && page > 0 ? page : 1,
    lang: params.get("lang") || "",
    place: params.get("place") || "",
    without: params.getAll("without"),
  };
}

function searchParams(state) {
  const params = new URLSearchParams();
  if (state.q) params.set("q", state.q);
  if (state.page > 1) params.set("page", String(state.page));
  if (state.lang) params.set("lang", state.lang);
  if (state.place) params.set("place", state.place);
  for (const id of state.without) params.append("without", id);
  return params;
}

function explicitUi() {
  const ui = new URLSearchParams(window.location.search).get("ui");
  return ui === "ar" || ui === "en" ? ui : null;
}

function withUi(params, ui) {
  if (ui) params.set("ui", ui);
  const query = params.toString();
  return query ? `?${query}` : "";
}

function pageUrl(state) {
  return `/${withUi(searchParams(state), explicitUi())}`;
}

function documentUrl(id, state) {
  const path = id.split("/").map(encodeURIComponent).join("/");
  return `/doc/${path}${withUi(searchParams(state), explicitUi())}`;
}

function apiUrl(state) {
  return `/api/search?${searchParams(state)}`;
}

/* A query too long for a URL (an Arabic letter is six bytes once percent-encoded)
   goes in a JSON body: POST /api/search takes the same fields and answers the same. */
const LONG_URL = 2000;

function apiRequest(state) {
  const url = apiUrl(state);
  if (url.length <= LONG_URL) return { url, init: {} };
  const body = { q: state.q };
  if (state.page > 1) body.page = state.page;
  if (state.lang) body.lang = state.lang;
  if (state.place) body.place = state.place;
  if (state.without.length) body.without = state.without;
  return { url: "/api/search",
           init: { method: "POST", body: JSON.stringify(body),
                   headers: { "Content-Type": "application/json" } } };
}

function changed(state, changes) {
  return { ...state, page: 1, ...changes };
}

/* ---------- small DOM helpers ---------- */

function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name === "class") node.className = value;
    else node.setAttribute(name, value === true ? "" : String(value));
  }
  node.append(...children.filter((child) => child !== null && child !== undefined));
  return node;
}

function bdi(text) {
  return el("bdi", { text });
}

/* A message with {name} placeholders filled by strings or nodes (as text, never HTML). */
function fill(template, values = {}) {
  const fragment = document.createDocumentFragment();
  let last = 0;
  for (const match of template.matchAll(/\{(\w+)\}/g)) {
    fragment.append(template.slice(last, match.index));
    const value = values[match[1]];
    fragment.append(value instanceof Node ? value : String(value ?? ""));
    last = match.index + match[0].length;
  }
  fragment.append(template.slice(last));
  return fragment;
}

function message(key, values = {}) {
  return fill(MESSAGES[key], values).textContent;
}

function plural(key, n) {
  const forms = MESSAGES[key];
  const category = n === 0 && forms.zero ? "zero" : new Intl.PluralRules(UI).select(n);
  return (forms[category] || forms.other).replace("{n}", formatNumber(n));
}

function formatNumber(n, digits = 0) {
  return new Intl.NumberFormat(NUMBER_LOCALE, {
    minimumFractionDigits: digits, maximumFractionDigits: digits,
  }).format(n);
}

function formatDate(value) {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value || "");
  if (!match) return value;
  const date = new Date(Date.UTC(Number(match[1]), Number(match[2]) - 1, Number(match[3])));
  return new Intl.DateTimeFormat(DATE_LOCALE, {
    day: "numeric", month: "long", year: "numeric", timeZone: "UTC",
  }).format(date);
}

function placeName(place) {
  return UI === "ar" ? place.name_ar || place.name : place.name || place.name_ar;
}

/* The server's highlighted HTML, rebuilt from text nodes and <mark> elements only. */
function appendMarked(parent, html) {
  const parsed = new DOMParser().parseFromString(`<body>${html}`, "text/html");
  parent.append(...copyMarked(parsed.body.childNodes));
  return parent;
}

function copyMarked(nodes) {
  const out = [];
  for (const node of nodes) {
    if (node.nodeType === Node.TEXT_NODE) {
      out.push(document.createTextNode(node.data));
    } else if (node.nodeType === Node.ELEMENT_NODE) {
      const children = copyMarked(node.childNodes);
      if (node.localName === "mark") out.push(el("mark", {}, ...children));
      else out.push(...children);
    }
  }
  return out;
}

/* ---------- searching ---------- */

function submitSearch(event) {
  event.preventDefault();
  const q = els.input.value.trim();
  const state = { q, page: 1, lang: readState(window.location.href).lang, place: "", without: [] };
  navigate(state, { focus: null });
  if (!q) {
    setStatus(MESSAGES.bad_request["q is required"]);
    els.input.focus();
  }
}

function navigate(state, { focus = "results" } = {}) {
  const url = pageUrl(state);
  const current = `${window.location.pathname}${window.location.search}`;
  if (url === current) window.history.replaceState(null, "", url);
  else window.history.pushState(null, "", url);
  showState(state, focus);
}

function showState(state, focus = null) {
  shownKey = searchParams(state).toString();
  els.input.value = state.q;
  updateSwitchLink(state);
  if (!state.q) {
    renderHome();
    return;
  }
  runSearch(state, focus);
}

async function runSearch(state, focus = null) {
  lastState = state;
  const ticket = ++searchCount;
  if (inFlight) inFlight.abort();
  inFlight = new AbortController();
  setLoading(true);
  const outcome = await fetchJson(apiRequest(state), inFlight, TIMEOUT_MS);
  if (ticket !== searchCount) return;          // a newer search replaced this one
  inFlight = null;
  setLoading(false);
  if (outcome.failure) renderFailure(outcome.failure);
  else if (outcome.body && outcome.body.ok) renderResults(outcome.body, state);
  else renderApiError(outcome, state);
  moveFocus(focus);
}

async function fetchJson(request, controller, timeoutMs) {
  let timedOut = false;
  const timer = window.setTimeout(() => {
    timedOut = true;
    controller.abort();
  }, timeoutMs);
  try {
    const init = request.init || {};
    const response = await fetch(request.url, {
      ...init, signal: controller.signal,
      headers: { Accept: "application/json", ...(init.headers || {}) } });
    let body = null;
    try {
      body = await response.json();
    } catch (error) {
      if (timedOut) throw error;
    }
    return { status: response.status, body, retryAfter: response.headers.get("Retry-After") };
  } catch (error) {
    if (timedOut) return { failure: "timeout" };
    return { failure: error.name === "AbortError" ? "aborted" : "network" };
  } finally {
    window.clearTimeout(timer);
  }
}

function setLoading(loading) {
  document.body.classList.toggle("is-loading", loading);
  els.results.setAttribute("aria-busy", loading ? "true" : "false");
  if (loading) setStatus(MESSAGES.loading);
}

function moveFocus(target) {
  if (target === "results" && !els.layout.hidden) {
    els.results.focus({ preventScroll: true });
    els.results.scrollIntoView({ block: "start" });
  } else if (target === "results" && !els.state.hidden) {
    els.state.focus();
  }
}

/* ---------- rendering: page states ---------- */

/* The live region: read out on every change; hidden when a panel already shows it. */
function setStatus(text, { visible = true } = {}) {
  els.status.textContent = text;
  els.status.classList.toggle("visually-hidden", !visible);
}

function showOnly(section) {
  els.home.hidden = section !== "home";
  els.layout.hidden = section !== "results";
  els.state.hidden = section !== "state";
}

function renderHome() {
  if (inFlight) inFlight.abort();
  searchCount += 1;
  setLoading(false);
  showOnly("home");
  setStatus("");
  document.title = MESSAGES.page_title;
}

function renderState({ kind, title, text, details = null, command = null, actions = [] }) {
  showOnly("state");
  els.state.className = `panel panel--state panel--${kind}`;
  const parts = [
    el("h2", { class: "panel__title", text: title }),
    el("p", { class: "panel__text" }, text),
    command ? el("pre", { class: "command", dir: "ltr", lang: "en" }, el("code", { text: command })) : null,
    details ? el("p", { class: "panel__details", dir: "auto", lang: "en", text: details }) : null,
    actions.length ? el("p", { class: "panel__actions" }, ...actions) : null,
  ];
  els.state.replaceChildren(...parts.filter(Boolean));
  setStatus(title, { visible: false });
}

function retryButton() {
  const button = el("button", { class: "button button--primary", type: "button", text: MESSAGES.retry });
  button.addEventListener("click", () => runSearch(lastState, "results"));
  return button;
}

function renderFailure(failure) {
  if (failure === "aborted") return;
  renderState({
    kind: "error",
    title: MESSAGES.error_title,
    text: MESSAGES[failure === "timeout" ? "error_timeout" : "error_network"],
    actions: [retryButton()],
  });
}

function renderApiError({ status, body, retryAfter }, state) {
  const messageText = body && typeof body.error === "string" ? body.error : "";
  if (status === 429) {
    renderState({
      kind: "warning",
      title: MESSAGES.error_title,
      text: message("error_rate", { s: formatNumber(Number.parseInt(retryAfter, 10) || 5) }),
      actions: [retryButton()],
    });
  } else if (status === 503 && !retryAfter) {
    const [, command] = messageText.split(/with: /);
    renderState({
      kind: "warning",
      title: MESSAGES.index_missing_title,
      text: MESSAGES.index_missing_text,
      command: command ? command.trim() : null,
      details: messageText,
      actions: [retryButton()],
    });
  } else if (status === 400) {
    renderState({
      kind: "warning",
      title: MESSAGES.bad_request_title,
      text: translateBadRequest(body && body.errors ? body.errors : [messageText]),
      actions: [startOverLink(state)],
    });
  } else {
    renderState({
      kind: "error",
      title: MESSAGES.error_title,
      text: message("error_server", { status: status || "?" }),
      actions: [retryButton()],
    });
  }
}

function translateBadRequest(errors) {
  return errors.map((error) => {
    const known = Object.keys(MESSAGES.bad_request).find((prefix) => error.startsWith(prefix));
    return known ? MESSAGES.bad_request[known] : error;
  }).join(" ");
}

function startOverLink(state) {
  const hasFilters = state.lang || state.place || state.without.length || state.page > 1;
  if (hasFilters && state.q) {
    return el("a", { class: "button", href: pageUrl({ q: state.q, page: 1, lang: "", place: "", without: [] }),
                     "data-nav": true, text: MESSAGES.clear_filters });
  }
  return el("a", { class: "button", href: pageUrl({ q: "", page: 1, lang: "", place: "", without: [] }),
                   "data-nav": true, text: MESSAGES.start_over });
}

/* ---------- rendering: results ---------- */

function renderResults(data, state) {
  rememberExpansionLabels(data.query.expansions || []);
  showOnly("results");
  document.title = `${state.q} — ${MESSAGES.site_name}`;
  renderSummary(data);
  renderQueryInfo(data, state);
  renderFilters(data, state);
  if (data.results.length) {
    els.resultsBody.replaceChildren(renderResultList(data, state));
  } else if (data.total > 0) {
    els.resultsBody.replaceChildren(renderPastEnd(state));
  } else {
    els.resultsBody.replaceChildren(renderNoResults(data, state));
  }
  renderPagination(data, state);
}

function renderSummary(data) {
  const parts = [plural("results_count", data.total)];
  if (data.total) parts.push(message("took", { s: formatNumber(data.took_ms / 1000, 2) }));
  if (data.timed_out) parts.push(message("timed_out"));
  if (data.results.length && data.total > data.results.length) {
    const from = (data.page - 1) * data.per_page + 1;
    parts.push(`· ${message("showing", { from: formatNumber(from), to: formatNumber(from + data.results.length - 1) })}`);
  }
  setStatus(parts.join(" "));
}

function renderQueryInfo(data, state) {
  const query = data.query;
  const lines = [];
  const method = MESSAGES[`lang_method_${query.lang_method}`];
  lines.push(el("p", { class: "query-info__lang" },
                message("understood_as", { lang: MESSAGES[`lang_${query.lang}`] || query.lang }),
                method ? el("span", { class: "query-info__method", text: ` (${method})` }) : null));
  if (query.match === "any" && data.total > 0) {
    lines.push(el("p", { class: "query-info__match", text: MESSAGES.match_any }));
  } else if (query.match === "partial") {
    lines.push(el("p", { class: "query-info__match", text: MESSAGES.match_partial }));
  }
  if (query.did_you_mean && typeof query.did_you_mean === "string") {
    const link = el("a", { href: pageUrl(changed(state, { q: query.did_you_mean, place: "", without: [] })),
                           "data-nav": true }, bdi(query.did_you_mean));
    lines.push(el("p", { class: "query-info__suggest" }, fill(MESSAGES.did_you_mean, { q: link })));
  }
  const expansions = query.expansions || [];
  if (expansions.length) lines.push(renderExpansions(expansions, state));
  if (state.without.length) lines.push(renderRemoved(state));
  els.queryInfo.replaceChildren(...lines);
}

function renderExpansions(expansions, state) {
  const list = el("ul", { class: "expansions__list" });
  for (const expansion of expansions) list.append(renderExpansion(expansion, state));
  return el("div", { class: "expansions" },
            el("span", { class: "expansions__label", id: "expansions-label", text: MESSAGES.also_searched }),
            list);
}

function renderExpansion(expansion, state) {
  const label = expansionLabel(expansion);
  const item = el("li", { class: "expansion", "data-expansion": expansion.id });
  item.append(el("span", { class: "expansion__source", text: MESSAGES[`source_${expansion.source}`] || expansion.source }));
  // Phonetic expansions search cross-script name keys, which are not words to show.
  const also = expansion.source === "phonetic" ? [label] : (expansion.also || []);
  const words = el("span", { class: "expansion__words" });
  also.forEach((word, i) => {
    const hidden = i >= VISIBLE_VARIANTS;
    if (i) words.append(separator(hidden));
    words.append(el("bdi", { class: `expansion__word${hidden ? " is-extra" : ""}`, dir: "auto", text: word }));
  });
  item.append(words);
  if (also.length > VISIBLE_VARIANTS) item.append(moreButton(item, also.length - VISIBLE_VARIANTS));
  const remove = el("a", {
    class: "expansion__remove", "data-nav": true,
    href: pageUrl(changed(state, { without: [...state.without, expansion.id] })),
    "aria-label": message("remove_expansion", { name: label }),
    title: message("remove_expansion", { name: label }),
  }, el("span", { "aria-hidden": "true", text: "×" }));
  item.append(remove);
  return item;
}

/* A dot between words on screen, a comma for screen readers. */
function separator(hidden) {
  return el("span", { class: `expansion__sep${hidden ? " is-extra" : ""}` },
            el("span", { "aria-hidden": "true", text: " · " }),
            el("span", { class: "visually-hidden", text: UI === "ar" ? "، " : ", " }));
}

function moreButton(container, hiddenCount) {
  const button = el("button", {
    class: "expansion__more", type: "button", "aria-expanded": "false",
    text: message("more_variants", { n: formatNumber(hiddenCount) }),
  });
  button.addEventListener("click", () => {
    const open = container.classList.toggle("is-open");
    button.setAttribute("aria-expanded", String(open));
    button.textContent = open ? MESSAGES.fewer_variants : message("more_variants", { n: formatNumber(hiddenCount) });
  });
  return button;
}

function expansionLabel(expansion) {
  if (expansion.entity) return placeName(expansion.entity);
  return expansion.variant;
}

function renderRemoved(state) {
  const labels = loadExpansionLabels();
  const list = el("ul", { class: "removed__list" });
  for (const id of state.without) {
    const label = labels[id] || labelFromId(id);
    list.append(el("li", {}, el("a", {
      class: "chip chip--removed", "data-nav": true,
      href: pageUrl(changed(state, { without: state.without.filter((other) => other !== id) })),
      "aria-label": message("restore_expansion", { name: label }),
      title: message("restore_expansion", { name: label }),
    }, el("bdi", { text: label }), el("span", { class: "chip__icon", "aria-hidden": "true", text: "↺" }))));
  }
  return el("div", { class: "removed" }, el("span", { class: "removed__label", text: MESSAGES.removed }), list);
}

function labelFromId(id) {
  const parts = id.split(":");
  return (parts[1] || id).replaceAll("_", " ");
}

function rememberExpansionLabels(expansions) {
  const labels = loadExpansionLabels();
  for (const expansion of expansions) labels[expansion.id] = expansionLabel(expansion);
  try {
    window.sessionStorage.setItem(LABELS_KEY, JSON.stringify(labels));
  } catch (error) {
    // Storage can be full or disabled; the label then falls back to the id.
  }
}

function loadExpansionLabels() {
  try {
    return JSON.parse(window.sessionStorage.getItem(LABELS_KEY) || "{}") || {};
  } catch (error) {
    return {};
  }
}

function renderResultList(data, state) {
  const first = (data.page - 1) * data.per_page + 1;
  const list = el("ol", { class: "result-list", start: first });
  const focusKeys = new Set((data.query.expansions || [])
    .filter((e) => e.entity).map((e) => e.entity.key));
  if (state.place) focusKeys.add(state.place);
  for (const result of data.results) list.append(renderResult(result, state, focusKeys));
  return list;
}

function renderResult(result, state, focusKeys) {
  const dir = result.dir === "rtl" ? "rtl" : "ltr";
  const item = el("li", { class: "result", lang: result.lang, dir });
  const link = el("a", { class: "result__link", href: documentUrl(result.id, state) });
  if (result.title_html) appendMarked(link, result.title_html);
  else link.textContent = result.title;
  item.append(el("h3", { class: "result__title" }, link));
  item.append(renderMeta(result));
  if (result.snippet) item.append(appendMarked(el("p", { class: "result__snippet" }), result.snippet));
  const places = orderPlaces(result.places || [], focusKeys);
  if (places.length) item.append(renderPlaceChips(places, state));
  return item;
}

function renderMeta(result) {
  const items = [el("span", { class: `badge badge--${result.lang}`, dir: UI_DIR,
                              text: MESSAGES[`badge_${result.lang}`] || result.lang })];
  if (result.source) {
    items.push(el("span", { class: "meta__item" },
                  el("span", { class: "visually-hidden", text: `${MESSAGES.source}: ` }), bdi(result.source)));
  }
  if (result.date) {
    items.push(el("span", { class: "meta__item", dir: UI_DIR },
                  el("span", { class: "visually-hidden", text: `${MESSAGES.date}: ` }),
                  el("time", { datetime: result.date, text: formatDate(result.date) })));
  }
  const meta = el("p", { class: "meta", lang: UI });
  items.forEach((item, i) => {
    if (i) meta.append(el("span", { class: "meta__sep", "aria-hidden": "true", text: "·" }));
    meta.append(item);
  });
  return meta;
}

function orderPlaces(places, focusKeys) {
  return [...places.filter((p) => focusKeys.has(p.key)), ...places.filter((p) => !focusKeys.has(p.key))];
}

function renderPlaceChips(places, state) {
  const list = el("ul", { class: "chips", lang: UI, "aria-label": MESSAGES.places });
  places.forEach((place, i) => {
    const name = placeName(place);
    const link = el("a", {
      class: `chip chip--place${place.key === state.place ? " is-active" : ""}`, dir: UI_DIR,
      href: pageUrl(changed(state, { place: place.key })),
      "data-nav": true,
      "aria-label": message("place_chip_label", { place: name }),
      "aria-current": place.key === state.place ? "true" : null,
    }, el("span", { text: name }));
    list.append(el("li", { class: i >= VISIBLE_PLACES ? "is-extra" : null }, link));
  });
  if (places.length > VISIBLE_PLACES) {
    const hiddenCount = places.length - VISIBLE_PLACES;
    const button = el("button", { class: "chip chip--more", type: "button", "aria-expanded": "false", dir: UI_DIR,
                                  text: message("more_places", { n: formatNumber(hiddenCount) }) });
    button.addEventListener("click", () => {
      const open = list.classList.toggle("is-open");
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? MESSAGES.fewer_variants : message("more_places", { n: formatNumber(hiddenCount) });
    });
    list.append(el("li", { class: "chips__more" }, button));
  }
  return list;
}

function renderNoResults(data, state) {
  const tips = el("ul", { class: "tips" },
                  el("li", { text: MESSAGES.no_results_spelling }),
                  el("li", { text: MESSAGES[data.query.lang === "en" ? "no_results_language_ar" : "no_results_language_en"] }));
  if (state.lang || state.place || state.without.length) {
    tips.append(el("li", {}, `${MESSAGES.no_results_filters} `,
                   el("a", { href: pageUrl({ q: state.q, page: 1, lang: "", place: "", without: [] }),
                             "data-nav": true, text: MESSAGES.clear_filters })));
  }
  return el("div", { class: "panel panel--empty", id: "no-results" },
            el("h3", { class: "panel__title" }, fill(MESSAGES.no_results_title, { q: bdi(state.q) })),
            tips);
}

function renderPastEnd(state) {
  return el("div", { class: "panel panel--empty", id: "no-results" },
            el("h3", { class: "panel__title", text: message("page_past_end", { page: formatNumber(state.page) }) }),
            el("p", {}, el("a", { href: pageUrl(changed(state, {})), "data-nav": true, text: MESSAGES.first_page })));
}

/* ---------- rendering: filters and pages ---------- */

function renderFilters(data, state) {
  const groups = [renderLanguageFacet(data, state)];
  const places = renderPlaceFacet(data, state);
  if (places) groups.push(places);
  if (state.lang || state.place) {
    groups.push(el("p", { class: "facet__clear" },
                   el("a", { href: pageUrl(changed(state, { lang: "", place: "" })), "data-nav": true,
                             text: MESSAGES.clear_filters })));
  }
  els.filtersBody.replaceChildren(...groups);
  els.filters.hidden = data.total === 0 && !state.lang && !state.place;
  els.layout.classList.toggle("layout--single", els.filters.hidden);
}

function facetGroup(id, title, list) {
  return el("section", { class: "facet", "aria-labelledby": id },
            el("h3", { class: "facet__title", id, text: title }), list);
}

function facetLink(text, href, active, count, extraClass = "") {
  return el("li", { class: extraClass || null }, el("a", {
    class: `facet__link${active ? " is-active" : ""}`, href, "data-nav": true,
    "aria-current": active ? "true" : null,
  }, el("span", { class: "facet__name" }, text),
     count === null ? null : el("span", { class: "facet__count", text: formatNumber(count) })));
}

function renderLanguageFacet(data, state) {
  const counts = Object.fromEntries((data.facets.lang || []).map((f) => [f.value, f.count]));
  const list = el("ul", { class: "facet__list facet__list--segmented" });
  list.append(facetLink(MESSAGES.filter_lang_all, pageUrl(changed(state, { lang: "" })),
                        !state.lang, state.lang ? null : data.total));
  for (const lang of ["ar", "en"]) {
    const count = counts[lang] ?? (state.lang ? null : 0);
    list.append(facetLink(MESSAGES[`lang_${lang}`], pageUrl(changed(state, { lang })),
                          state.lang === lang, count));
  }
  return facetGroup("facet-lang", MESSAGES.filter_lang, list);
}

function renderPlaceFacet(data, state) {
  const places = data.facets.places || [];
  if (!places.length && !state.place) return null;
  const list = el("ul", { class: "facet__list" });
  list.append(facetLink(MESSAGES.filter_place_all, pageUrl(changed(state, { place: "" })), !state.place, null));
  places.forEach((place, i) => {
    const hidden = i >= VISIBLE_FACET_PLACES && place.key !== state.place;
    list.append(facetLink(el("span", { text: placeName(place) }),
                          pageUrl(changed(state, { place: place.key })),
                          place.key === state.place, place.count, hidden ? "is-extra" : ""));
  });
  const group = facetGroup("facet-place", MESSAGES.filter_place, list);
  const hiddenCount = list.querySelectorAll(".is-extra").length;
  if (hiddenCount) {
    const button = el("button", { class: "facet__more", type: "button", "aria-expanded": "false",
                                  text: message("more_places", { n: formatNumber(hiddenCount) }) });
    button.addEventListener("click", () => {
      const open = list.classList.toggle("is-open");
      button.setAttribute("aria-expanded", String(open));
      button.textContent = open ? MESSAGES.fewer_variants : message("more_places", { n: formatNumber(hiddenCount) });
    });
    group.append(button);
  }
  return group;
}

function renderPagination(data, state) {
  const pages = Math.ceil(data.total / data.per_page);
  if (pages <= 1 || !data.results.length) {
    els.pagination.hidden = true;
    els.pagination.replaceChildren();
    return;
  }
  const list = el("ul", { class: "pagination__list" });
  if (data.page > 1) {
    list.append(el("li", {}, el("a", { class: "pagination__link pagination__step", rel: "prev", "data-nav": true,
                                       href: pageUrl({ ...state, page: data.page - 1 }), text: MESSAGES.previous })));
  }
  let previous = 0;
  for (const n of pageNumbers(data.page, pages)) {
    if (n - previous > 1) list.append(el("li", { class: "pagination__gap", "aria-hidden": "true", text: "…" }));
    list.append(el("li", {}, el("a", {
      class: `pagination__link${n === data.page ? " is-current" : ""}`, "data-nav": true,
      href: pageUrl({ ...state, page: n }), "aria-current": n === data.page ? "page" : null,
      "aria-label": message("page_label", { n: formatNumber(n) }), text: formatNumber(n),
    })));
    previous = n;
  }
  if (data.page < pages) {
    list.append(el("li", {}, el("a", { class: "pagination__link pagination__step", rel: "next", "data-nav": true,
                                       href: pageUrl({ ...state, page: data.page + 1 }), text: MESSAGES.next })));
  }
  els.pagination.replaceChildren(list);
  els.pagination.hidden = false;
}

function pageNumbers(current, pages) {
  const wanted = new Set([1, pages, current - 1, current, current + 1]);
  return [...wanted].filter((n) => n >= 1 && n <= pages).sort((a, b) => a - b);
}

function updateSwitchLink(state) {
  const other = UI === "ar" ? "en" : "ar";
  els.uiSwitch.href = `/${withUi(searchParams(state), other)}`;
}

/* ---------- events ---------- */

function onNavClick(event) {
  const link = event.target.closest("a[data-nav]");
  if (!link || event.defaultPrevented || event.button !== 0 ||
      event.metaKey || event.ctrlKey || event.shiftKey || event.altKey) return;
  event.preventDefault();
  navigate(readState(link.href), { focus: "results" });
}

/* Back and forward; a jump to #results (the skip link) changes only the hash. */
function onPopState() {
  const state = readState(window.location.href);
  if (searchParams(state).toString() !== shownKey) showState(state);
}

function onKeyDown(event) {
  if (event.key !== "/" || event.ctrlKey || event.metaKey || event.altKey) return;
  const target = event.target;
  if (target.closest("input, textarea, select, [contenteditable]")) return;
  event.preventDefault();
  els.input.focus();
  els.input.select();
}

function collapseFiltersOnSmallScreens() {
  if (window.matchMedia("(max-width: 52rem)").matches) els.filtersBox.open = false;
}

function start() {
  els.form.addEventListener("submit", submitSearch);
  document.addEventListener("click", onNavClick);
  document.addEventListener("keydown", onKeyDown);
  window.addEventListener("popstate", onPopState);
  collapseFiltersOnSmallScreens();
  showState(readState(window.location.href));
}

start();
