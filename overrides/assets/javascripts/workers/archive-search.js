/* Search worker for the archive, in place of Material's lunr worker.
 *
 * It speaks Material's worker messages (0 setup, 1 ready, 2 query, 3 result), so
 * Material's search box and result list stay as they are. Material hands us an
 * index with no documents, only `config.archive` (version, shard count); the
 * index itself lies in search/<version>/ as scripts, and a query loads only the
 * term shards its words hash to, the document rows of its results and the texts
 * of the first few (for the phrase check and excerpts). Nothing is loaded before
 * the first query. Every match is returned, so Material's count line is the true
 * count and its list shows the later results as the reader scrolls.
 *
 * Query rules mirror scripts/township_archive/search/text.py: fold (full-width →
 * ASCII, lower case, traditional → simplified), split on spaces into words, each
 * word into Han bigrams (or one character), Latin/digit words, and a number typed
 * with its unit as one term (46户, 300万元). Every word must match. The score
 * mirrors search/rank.py: BM25F from the field weights in each posting and the
 * terms' rarity, then for the first results the word whole in the title, a tag
 * equal to it, the title equal to the query, the word's characters together in
 * the text; ties go to the newer article, which has the lower id.
 *
 * Runs as a real worker over http (importScripts is synchronous) and inside our
 * iframe stand-in from file:// (importScripts returns a promise); `await` serves both.
 */
"use strict";

var SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;
var WITH_EXCERPT = 10;   // Material renders ten results at once; they get an excerpt
var EXCERPT_BEFORE = 24, EXCERPT_LENGTH = 96;
var ROOT = "../../../search/"; // from assets/javascripts/workers/ to the site's search/
var RUN = /[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[0-9]+(?:\.[0-9]+)+|[0-9a-z]+/g;
var FOLDABLE = /[A-Z\u3000\uff01-\uff5e]/g;  // what folds without fold.js
var NUMBER = /^[0-9]+(?:\.[0-9]+)*$/;
var UNIT = 2;
// search/rank.py's weights and cuts.
var W_TITLE = 2, W_LABEL = 1;
var B_TITLE_PHRASE = 2, B_TAG = 1.5, B_EXACT = 3, B_PHRASE = 1.5;
var RERANK = 100, PHRASE = 10;
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
    // Only these characters change; replacing them alone is much faster on long texts than a loop.
    data.foldable = new RegExp("[" + FOLDABLE.source.slice(1, -1) + Object.keys(map).join("") + "]", "g");
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
  return text.replace(data.foldable || FOLDABLE, foldChar);
}

function runsOf(word) { return word.match(RUN) || []; }

/* Each run with the Han run right after it when the run is a number (text.py's unit_runs). */
function unitRuns(word) {
  var found = [], match;
  var re = new RegExp(RUN.source, "g");
  while ((match = re.exec(word)) !== null) { found.push({ run: match[0], start: match.index, end: match.index + match[0].length }); }
  return found.map(function (item, i) {
    var after = found[i + 1];
    var unit = after && after.start === item.end && NUMBER.test(item.run) && HAN.test(after.run) ? after.run : null;
    return [item.run, unit];
  });
}

function termsOf(word) {
  var terms = [], consumed = false;
  unitRuns(word).forEach(function (pair) {
    var run = pair[0], unit = pair[1];
    if (HAN.test(run)) {
      if (run.length === 1) { if (!consumed) { terms.push(run); } }
      for (var i = 0; i + 1 < run.length; i++) { terms.push(run.slice(i, i + 2)); }
      consumed = false;
    } else {
      terms.push(unit ? run + unit.slice(0, UNIT) : run.slice(0, MAX_PREFIX));
      consumed = unit !== null;
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

/* id -> field weights (the low eight bits) for one term, or an empty map when the index does not have it. */
function postings(term) {
  var found = new Map();
  var shard = data.terms[shardOf(term)];
  // Own keys only: "constructor" or "__proto__" typed as a query are words, not object properties.
  var list = shard && Object.prototype.hasOwnProperty.call(shard, term) ? shard[term] : null;
  if (!list) { return found; }
  var id = 0;
  for (var i = 0; i < list.length; i++) { id += Math.floor(list[i] / 256); found.set(id, list[i] % 256); }
  return found;
}

function idf(having) {
  return Math.log(1 + (manifest.documents - having + 0.5) / (having + 0.5));
}

function fieldWeight(value) {
  return W_TITLE * ((value >> 1) & 7) / 7 + W_LABEL * (value & 1) + ((value >> 4) & 15) / 15;
}

/* Documents having every term with the word's BM25F score; `weight` gets the sum of the terms' idf. */
function match(terms, weight) {
  var result = null;
  terms.forEach(function (term) {
    var found = postings(term);
    var termIdf = idf(found.size);
    weight.sum += termIdf;
    var scored = new Map();
    found.forEach(function (value, id) { scored.set(id, termIdf * fieldWeight(value)); });
    if (result === null) { result = scored; return; }
    var next = new Map();
    result.forEach(function (score, id) { if (scored.has(id)) { next.set(id, score + scored.get(id)); } });
    result = next;
  });
  return result || new Map();
}

function byScore(a, b) { return b[1] - a[1] || a[0] - b[0]; }

/* Text compared whole: its runs without what lies between them (rank.py's key). */
function keyOf(folded) { return runsOf(folded).join(""); }

function rowOf(id) { return (data.docs[Math.floor(id / manifest.chunk)] || [])[id % manifest.chunk]; }

function chunksOf(entries) {
  var chunks = {};
  entries.forEach(function (entry) { chunks[Math.floor(entry[0] / manifest.chunk)] = true; });
  return Object.keys(chunks).map(function (n) { return "d/" + n + ".js"; });
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

/* Material's result items: title and excerpt marked, section and date, tags. */
function itemsOf(entries, runs, terms) {
  var items = [];
  entries.forEach(function (entry) {
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
  return items;
}

async function search(query, early) {
  if (HAN.test(query) && !data.fold) { await load(["fold.js"]); }
  var words = wordsOf(fold(query));
  if (!words.length) { return { items: [] }; }

  var shards = {};
  words.forEach(function (word) { termsOf(word).forEach(function (term) { shards[shardOf(term)] = true; }); });
  await load(Object.keys(shards).map(function (n) { return "t/" + n + ".js"; }));

  var scores = null, weights = [];
  words.forEach(function (word) {
    var weight = { sum: 0 };
    var found = match(termsOf(word), weight);
    weights.push(weight.sum);
    if (scores === null) { scores = found; return; }
    var next = new Map();
    scores.forEach(function (score, id) { if (found.has(id)) { next.set(id, score + found.get(id)); } });
    scores = next;
  });
  var order = Array.from(scores.entries()).sort(byScore);

  // The first results again, with their titles and tags.
  await load(chunksOf(order.slice(0, RERANK)));
  var keys = words.map(keyOf);
  var whole = keys.join("");
  var total = weights.reduce(function (a, b) { return a + b; }, 0);
  var head = order.slice(0, RERANK).map(function (entry) {
    var row = rowOf(entry[0]), score = entry[1];
    var title = row ? keyOf(fold(row[1])) : "";
    var tags = row ? row[4].map(function (tag) { return keyOf(fold(tag)); }) : [];
    keys.forEach(function (key, i) {
      if (key && title.indexOf(key) !== -1) { score += B_TITLE_PHRASE * weights[i]; }
      if (tags.indexOf(key) !== -1) { score += B_TAG * weights[i]; }
    });
    if (title === whole) { score += B_EXACT * total; }
    return [entry[0], score];
  }).sort(byScore);

  // The very first again, with their texts: the word's characters together, not only its bigrams
  // (only for a word of three characters or more; two always stand together).
  var phrases = words.map(function (word) {
    return runsOf(word).filter(function (run) { return HAN.test(run) && run.length > 2; });
  });
  var checked = phrases.some(function (needed) { return needed.length > 0; }) ? PHRASE : 0;
  await load(head.slice(0, checked).map(function (entry) { return "x/" + entry[0] + ".js"; }));
  var top = head.slice(0, PHRASE).map(function (entry) {
    var score = entry[1];
    if (checked && typeof data.text[entry[0]] === "string") {
      var folded = fold(data.text[entry[0]]);
      phrases.forEach(function (needed, i) {
        if (needed.length && needed.every(function (run) { return folded.indexOf(run) !== -1; })) { score += B_PHRASE * weights[i]; }
      });
    }
    return [entry[0], score];
  }).sort(byScore);
  var ranked = top.concat(head.slice(PHRASE), order.slice(RERANK)).map(function (entry) {
    return [entry[0], Math.round(entry[1] * 1e6) / 1e6];
  });

  var first = ranked.slice(0, RERANK);
  await load(chunksOf(first).concat(first.slice(0, WITH_EXCERPT).map(function (entry) { return "x/" + entry[0] + ".js"; })));

  var runs = [];
  words.forEach(function (word) { runsOf(word).forEach(function (run) { runs.push(run); }); });
  var terms = {};
  query.trim().split(/\s+/).forEach(function (word) { terms[word] = true; });


  // Every match is listed, so the count line is true; when the rows of the later ones are still to be
  // fetched, the first RERANK go out first (in their final order) and the whole list follows.
  var rest = chunksOf(ranked.slice(RERANK)).filter(function (path) { return !requested[path]; });
  if (rest.length && early) {
    early({ items: itemsOf(first, runs, terms) });
    await load(rest);
  }
  return { items: itemsOf(ranked, runs, terms) };
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
      return { type: RESULT, data: await search(message.data, function (partial) { postMessage({ type: RESULT, data: partial }); }) };
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
