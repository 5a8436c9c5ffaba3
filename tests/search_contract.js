/* Runs the real search worker under Node, without a browser, for tests/test_search_contract.py.
 *
 * Reads one JSON object on stdin: the worker's path, index files written by index.py, and vectors
 * generated from text.py. Loads the worker file unchanged into a vm context that stands in for a
 * worker scope (self, importScripts, addEventListener, postMessage), then:
 *   - sends it Material's setup message and every search query, as the page would;
 *   - calls the functions it defines at top level (fold, wordsOf, termsOf, shardOf) on the vectors.
 * Prints one JSON object with every result; the comparing is done in Python. Without `fold` in the
 * input only the searches run (the graded set's evaluator, tests/search_graded.py).
 */
"use strict";

const fs = require("fs");
const vm = require("vm");

const ROOT = "../../../search/"; // the worker's own prefix for index files

function workerScope(files, missing, loaded) {
  let listener = null;
  let replies = [];
  const scope = {
    console: { log() {}, warn() {}, error: console.error },
    addEventListener(type, handler) { if (type === "message") { listener = handler; } },
    postMessage(message) { replies.push(message); },
    // Synchronous, as importScripts is in a real worker over http.
    importScripts(...urls) {
      for (const url of urls) {
        const path = url.startsWith(ROOT) ? url.slice(ROOT.length) : url;
        if (!(path in files)) { missing.push(path); throw new Error("no such index file: " + path); }
        loaded.push(path);
        vm.runInContext(files[path], scope, { filename: path });
      }
    },
  };
  scope.self = scope;
  vm.createContext(scope);
  // One message at a time, as Material's page talks to the worker; every reply it posts for it
  // (a search with more matches than the first rows loaded answers twice: the first results, then all).
  async function send(data) {
    if (!listener) { throw new Error("the worker registered no message listener"); }
    replies = [];
    listener({ data: data, source: null });
    await vm.runInContext("queue", scope);
    return replies;
  }
  return { scope: scope, send: send };
}

async function main() {
  const input = JSON.parse(fs.readFileSync(0, "utf8"));
  const missing = [], loaded = [];
  const { scope, send } = workerScope(input.files, missing, loaded);
  vm.runInContext(fs.readFileSync(input.worker, "utf8"), scope, { filename: input.worker });
  const worker = (name) => vm.runInContext(name, scope);

  const [ready] = await send({ type: 0, data: { config: { archive: input.manifest } } });
  const searches = [], early = [], loads = [], times = [];
  const locations = function (reply) { return reply.data.items.map(function (item) { return [item[0].location, item[0].score]; }); };
  for (const query of input.searches) {
    const before = loaded.length, start = process.hrtime.bigint();
    const replies = await send({ type: 2, data: query });
    times.push(Number(process.hrtime.bigint() - start) / 1e6);
    loads.push(loaded.slice(before));
    searches.push(locations(replies[replies.length - 1]));
    early.push(replies.slice(0, -1).map(locations));
  }

  if (!input.fold) {  // only searches (tests/search_graded.py)
    // With the files each search loaded and its milliseconds, for bench/search.py's budgets.
    process.stdout.write(JSON.stringify({ ready: ready, searches: searches, early: early, missing: missing, loads: loads, times: times }));
    return;
  }
  // The traditional → simplified map comes from the fold.js that index.py wrote, loaded the worker's way.
  await worker("load")(["fold.js"]);
  const fold = worker("fold");
  const wordsOf = worker("wordsOf");
  const termsOf = worker("termsOf");
  const shardOf = worker("shardOf");

  const shards = {};
  for (const count of input.shard.counts) {
    vm.runInContext("manifest = { shards: " + JSON.stringify(count) + " };", scope);
    shards[count] = input.shard.terms.map(function (term) { return shardOf(term); });
  }

  process.stdout.write(JSON.stringify({
    ready: ready,
    searches: searches,
    early: early,
    missing: missing,
    fold: input.fold.map(function (text) { return fold(text); }),
    queries: input.queries.map(function (folded) { return wordsOf(folded).map(termsOf); }),
    shards: shards,
  }));
}

main().catch(function (error) {
  console.error(error && error.stack || String(error));
  process.exit(1);
});
