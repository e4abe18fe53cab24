// The archive's search page (templates/archive/search.html): asks the Pagefind index in
// pagefind/ for the words and filters in the form, and lists the articles found. The form
// works as a plain GET form too, so its address (?q=...&topic=...) can be shared.
const PAGE_SIZE = 10;
const form = document.querySelector("form.search");
const words = form.elements.q;
const status = document.getElementById("search-status");
const list = document.getElementById("search-results");
const more = document.getElementById("search-more");
const FILTERS = ["series", "year", "topic"];

let pagefind = null;
try {
  pagefind = await import(new URL(form.dataset.index, document.baseURI).href);
  await pagefind.options({ excerptLength: 30 });
} catch {
  status.textContent = "The search could not be loaded: it works only on the archive's web "
    + "site, not from files opened on this computer. Browse the topics or the list of every issue.";
}

let results = [];
let shown = 0;
let asked = 0;

function chosen() {
  const filters = {};
  for (const name of FILTERS) {
    const values = [...form.querySelectorAll(`input[name="${name}"]:checked`)].map((box) => box.value);
    if (values.length) filters[name] = { any: values };
  }
  return { query: words.value.trim(), filters };
}

function remember({ query, filters }) {
  const params = new URLSearchParams();
  if (query) params.set("q", query);
  for (const [name, { any }] of Object.entries(filters)) for (const value of any) params.append(name, value);
  const address = params.toString() ? `?${params}` : location.pathname;
  history.replaceState(null, "", address);
}

function restore() {
  const params = new URLSearchParams(location.search);
  words.value = params.get("q") || "";
  let filtered = false;
  for (const name of FILTERS) {
    const wanted = params.getAll(name);
    for (const box of form.querySelectorAll(`input[name="${name}"]`)) {
      box.checked = wanted.includes(box.value);
      filtered ||= box.checked;
    }
  }
  if (filtered) form.querySelector(".search__filters").open = true;
}

function described({ query, filters }) {
  const parts = Object.values(filters).map(({ any }) => any.join(" or "));
  const within = parts.length ? ` in ${parts.join(", ")}` : "";
  return query ? `for “${query}”${within}` : within.trim();
}

// An excerpt keeps Pagefind's <mark>s around the words found, and nothing else. Pagefind
// escapes the text's < and > but not its &, which the parser would take for the start of an
// entity ("&not" in "&notes" is ¬): escaped here.
function excerpt(html) {
  const template = document.createElement("template");
  template.innerHTML = html.replace(/&(?!lt;|gt;)/g, "&amp;");
  const paragraph = document.createElement("p");
  paragraph.className = "search-result__excerpt";
  for (const node of template.content.childNodes) {
    if (node.nodeName === "MARK") {
      const mark = document.createElement("mark");
      mark.textContent = node.textContent;
      paragraph.append(mark);
    } else {
      paragraph.append(node.textContent);
    }
  }
  return paragraph;
}

function item(data) {
  const entry = document.createElement("li");
  entry.className = "search-result";
  const heading = document.createElement("h3");
  heading.className = "search-result__title";
  const link = document.createElement("a");
  link.href = new URL(data.url.replace(/^\/+/, ""), document.baseURI).href;
  link.textContent = data.meta.title;
  heading.append(link);
  const where = document.createElement("p");
  where.className = "search-result__meta";
  const inIssue = data.meta.title !== data.meta.issue_title ? `${data.meta.issue_title}: ` : "";
  where.textContent = `${inIssue}${data.meta.issue}, ${data.meta.date}`;
  entry.append(heading, where, excerpt(data.excerpt));
  return entry;
}

// `mine` is the search the results are of: a later search drops what an earlier one loads.
async function showMore(mine) {
  const next = results.slice(shown, shown + PAGE_SIZE);
  const data = await Promise.all(next.map((result) => result.data()));
  if (mine !== asked) return;
  list.append(...data.map(item));
  shown += next.length;
  more.parentElement.hidden = shown >= results.length;
}

async function search() {
  const wanted = chosen();
  remember(wanted);
  const mine = ++asked;
  if (!wanted.query && !Object.keys(wanted.filters).length) {
    results = [];
    list.replaceChildren();
    more.parentElement.hidden = true;
    status.textContent = "";
    return;
  }
  const found = await pagefind.search(wanted.query || null, { filters: wanted.filters });
  if (mine !== asked || found === null) return; // a later search has started
  results = found.results;
  shown = 0;
  list.replaceChildren();
  await showMore(mine);
  if (mine !== asked) return;
  const count = results.length;
  // A result is an article, or an issue's opening words: "results", not "articles".
  status.textContent = count
    ? `${count} result${count === 1 ? "" : "s"} found ${described(wanted)}.`
    : `Nothing found ${described(wanted)}. Try fewer words, or another spelling.`;
}

let waiting;
words.addEventListener("input", () => {
  clearTimeout(waiting);
  waiting = setTimeout(search, 300);
});
form.addEventListener("change", (event) => {
  if (event.target !== words) search();
});
form.addEventListener("submit", (event) => {
  event.preventDefault();
  clearTimeout(waiting);
  search();
});
more.addEventListener("click", async () => {
  const first = shown;
  await showMore(asked);
  list.children[first]?.querySelector("a")?.focus();
});

if (pagefind) {
  restore();
  search();
}
