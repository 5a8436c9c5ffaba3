/* Search worker for the archive, in place of Material's lunr worker.
 *
 * It speaks Material's worker messages (0 setup, 1 ready, 2 query, 3 result), so
 * Material's search box and result list stay as they are. Material hands us an
 * index with no documents, only `config.archive` (version, shard count); the
 * index itself lies in search/<version>/ as scripts, and a query loads only the
 * term shards its words hash to, the document rows of its results and the texts
 * of the first few (for excerpts). Nothing is loaded before the first query.
 *
 * Query rules mirror scripts/township_archive/search/text.py: fold (full-width →
 * ASCII, lower case, traditional → simplified), split on spaces into words, each
 * word into Han bigrams (or one character) and Latin/digit words. Every word
 * must match; a document's score is the sum over words of the weakest field its
 * terms matched in (3 title, 2 tag/section/village/pinyin, 1 body); ties go to
 * the newer article, which has the lower id.
 *
 * Runs as a real worker over http (importScripts is synchronous) and inside our
 * iframe stand-in from file:// (importScripts returns a promise); `await` serves both.
 */
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var MAX_RESULTS = 100;   // a reader never pages past this; keeps the download bounded
var WITH_EXCERPT = 10;   // Material renders ten results at once; they get an excerpt
var EXCERPT_BEFORE = 24, EXCERPT_LENGTH = 96;
var ROOT = "../../../search/"; // from assets/javascripts/workers/ to the site's search/
var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9a-z]+/g;
var HAN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]/;
var MAX_PREFIX = 16;
// What Python's str.split() splits on: JavaScript's \s also has U+FEFF but lacks U+001C-U+001F and U+0085.
var SPACE = /[\t-\r\x1c-\x20\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]+/;

var manifest = null;
var data = { terms: {}, docs: {}, text: {}, fold: null };
var requested = {};

self.archiveSearch = {
  terms: function (n, terms) { data.terms[n] = terms; },
  docs: function (n, rows) { data.docs[n] = rows; },
  text: function (id, text) { data.text[id] = text; },
  fold: function (_, pairs) {
    var map = {};
    for (var i = 0; i + 1 < pairs.length; i += 2) { map[pairs[i]] = pairs[i + 1]; }
    data.fold = map;
  }
};

function load(paths) {
  var urls = [];
  paths.forEach(function (path) {
    if (!requested[path]) { requested[path] = true; urls.push(ROOT + manifest.version + "/" + path); }
  });
  if (!urls.length) { return Promise.resolve(); }
  try {
    return Promise.resolve(importScripts.apply(self, urls)).catch(function (error) {
      console.warn("搜索索引文件加载失败", error);
    });
  } catch (error) {
    console.warn("搜索索引文件加载失败", error);
    return Promise.resolve();
  }
}

function foldChar(c) {
  var code = c.charCodeAt(0);
  if (code === 0x3000) { return " "; }
  if (code >= 0xff01 && code <= 0xff5e) { c = String.fromCharCode(code - 0xfee0); }
  if (c >= "A" && c <= "Z") { return c.toLowerCase(); }
  return (data.fold && data.fold[c]) || c;
}

function fold(text) {
  var out = "";
  for (var i = 0; i < text.length; i++) { out += foldChar(text[i]); }
  return out;
}

function runsOf(word) { return word.match(RUN) || []; }

function termsOf(word) {
  var terms = [];
  runsOf(word).forEach(function (run) {
    if (HAN.test(run)) {
      if (run.length === 1) { terms.push(run); }
      for (var i = 0; i + 1 < run.length; i++) { terms.push(run.slice(i, i + 2)); }
    } else {
      terms.push(run.slice(0, MAX_PREFIX));
    }
  });
  return terms;
}

/* A query's words that have terms; its own function so the contract test can call it (text.py's query_words). */
function wordsOf(folded) {
  return folded.split(SPACE).filter(function (word) { return termsOf(word).length > 0; });
}

function shardOf(term) {
  var hash = 0x811c9dc5;
  for (var i = 0; i < term.length; i++) { hash = Math.imul(hash ^ term.charCodeAt(i), 0x01000193) >>> 0; }
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  hash = Math.imul(hash, 0xc2b2ae35) >>> 0;
  hash ^= hash >>> 16;
  return (hash >>> 0) % manifest.shards;
}

/* id -> field for one term, or an empty map when the index does not have it. */
function postings(term) {
  var found = new Map();
  var shard = data.terms[shardOf(term)];
  // Own keys only: "constructor" or "__proto__" typed as a query are words, not object properties.
  var list = shard && Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null;
  if (!list) { return found; }
  var id = 0;
  for (var i = 0; i < list.length; i++) { id += list[i] >> 2; found.set(id, list[i] & 3); }
  return found;
}

/* Documents having every term, each with the weakest field any term matched in. */
function match(terms) {
  var result = null;
  terms.forEach(function (term) {
    var found = postings(term);
    if (result === null) { result = found; return; }
    var next = new Map();
    result.forEach(function (field, id) {
      if (found.has(id)) { next.set(id, Math.min(field, found.get(id))); }
    });
    result = next;
  });
  return result || new Map();
}

function escapeHTML(text) {
  return text.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");
}

/* Wrap every occurrence of the query's runs in <mark>; folding keeps positions. */
function highlight(text, runs) {
  var folded = fold(text);
  var marked = new Uint8Array(text.length);
  runs.forEach(function (run) {
    for (var at = folded.indexOf(run); at !== -1; at = folded.indexOf(run, at + 1)) {
      for (var i = at; i < at + run.length; i++) { marked[i] = 1; }
    }
  });
  var html = "", open = false;
  for (var i = 0; i < text.length; i++) {
    if (marked[i] && !open) { html += "<mark>"; open = true; }
    if (!marked[i] && open) { html += "</mark>"; open = false; }
    html += escapeHTML(text[i]);
  }
  return html + (open ? "</mark>" : "");
}

/* A window of the text around the first place the query occurs. */
function excerpt(text, runs) {
  var folded = fold(text).replace(/\s+/g, " ");
  var plain = text.replace(/\s+/g, " ");
  var first = -1;
  runs.forEach(function (run) {
    var at = folded.indexOf(run);
    if (at !== -1 && (first === -1 || at < first)) { first = at; }
  });
  var start = Math.max(0, first - EXCERPT_BEFORE);
  var end = Math.min(plain.length, start + EXCERPT_LENGTH);
  return (start > 0 ? "…" : "") + highlight(plain.slice(start, end), runs) + (end < plain.length ? "…" : "");
}

async function search(query) {
  if (HAN.test(query) && !data.fold) { await load(["fold.js"]); }
  var words = wordsOf(fold(query));
  if (!words.length) { return { items: [] }; }

  var shards = {};
  words.forEach(function (word) { termsOf(word).forEach(function (term) { shards[shardOf(term)] = true; }); });
  await load(Object.keys(shards).map(function (n) { return "t/" + n + ".js"; }));

  var scores = null;
  words.forEach(function (word) {
    var found = match(termsOf(word));
    if (scores === null) { scores = found; return; }
    var next = new Map();
    scores.forEach(function (score, id) { if (found.has(id)) { next.set(id, score + found.get(id)); } });
    scores = next;
  });
  var ranked = Array.from(scores.entries())
    .sort(function (a, b) { return b[1] - a[1] || a[0] - b[0]; })
    .slice(0, MAX_RESULTS);

  var chunks = {};
  ranked.forEach(function (entry) { chunks[Math.floor(entry[0] / manifest.chunk)] = true; });
  await load(Object.keys(chunks).map(function (n) { return "d/" + n + ".js"; })
    .concat(ranked.slice(0, WITH_EXCERPT).map(function (entry) { return "x/" + entry[0] + ".js"; })));

  var runs = [];
  words.forEach(function (word) { runsOf(word).forEach(function (run) { runs.push(run); }); });
  var terms = {};
  query.trim().split(/\s+/).forEach(function (word) { terms[word] = true; });

  var items = [];
  ranked.forEach(function (entry) {
    var id = entry[0];
    var row = (data.docs[Math.floor(id / manifest.chunk)] || [])[id % manifest.chunk];
    if (!row) { return; }
    var meta = [row[2], row[3]].filter(Boolean).map(escapeHTML).join(" · ");
    var text = meta ? '<p class="ta-search-meta">' + meta + "</p>" : "";
    if (typeof data.text[id] === "string") { text += "<p>" + excerpt(data.text[id], runs) + "</p>"; }
    items.push([{
      location: row[0],
      title: highlight(row[1], runs),
      text: text,
      tags: row[4].length ? row[4].map(escapeHTML) : undefined,
      score: entry[1],
      terms: terms
    }]);
  });
  return { items: items };
}

/* The index's address is built from the manifest, so only the shape the build writes is accepted. */
function checkedManifest(archive) {
  var whole = function (n) { return typeof n === "number" && n > 0 && n % 1 === 0; };
  if (!archive || !/^[0-9a-f]{1,64}$/.test(archive.version) || !whole(archive.shards) || !whole(archive.chunk)) {
    throw new TypeError("搜索索引的配置不完整。");
  }
  return archive;
}

async function handle(message) {
  switch (message.type) {
    case SETUP:
      manifest = checkedManifest(message.data.config.archive);
      return { type: READY };
    case QUERY:
      if (!manifest) { return { type: RESULT, data: { items: [] } }; }
      return { type: RESULT, data: await search(message.data) };
    default:
      throw new TypeError("未知的搜索消息类型：" + message.type);
  }
}

/* One message at a time, so results never arrive out of order while the reader types. */
var queue = Promise.resolve();
addEventListener("message", function (event) {
  // Only the page that started us: in the file:// stand-in this scope is a frame's window,
  // which any other frame could post to (such messages carry their sender as `source`).
  if (event.source) { return; }
  queue = queue
    .then(function () { return handle(event.data); })
    .then(function (reply) { postMessage(reply); }, function (error) {
      console.warn(error);
      postMessage({ type: RESULT, data: { items: [] } });
    });
});
