/* 朗读 (read aloud) for the reading bar, on article pages: the browser's own speech synthesis in
 * Mandarin, so it works offline and sends nothing anywhere.
 *
 * - The voice: the device's zh-CN voice, else another Mandarin one (zh, cmn, zh-Hans, zh-SG,
 *   zh-TW), Cantonese last. Voices may arrive late (Chrome fills the list after a
 *   "voiceschanged" event), so the first 朗读 waits for them a moment. With no Chinese voice,
 *   or no speech synthesis at all, a polite note says so and how to add one.
 * - What is read: the title, then the body's headings, paragraphs, list items and captions in
 *   order, each highlighted (.ta-speaking) and scrolled into view while it is read. A long
 *   paragraph is spoken in sentences (some engines stop an utterance after about 15 s).
 * - The controls: 朗读 (aria-pressed while reading; pressed again it stops), 暂停 (aria-pressed
 *   while paused; pressed again it goes on), 停止, and 慢速朗读 (head.js keeps it with the other
 *   settings; it applies from the next sentence). 重置 (head.js) stops reading too.
 */
(function () {
  "use strict";
  var group = document.querySelector("[data-ta-speech]");
  var body = document.querySelector(".ta-article-body");
  if (!group || !body) { return; }
  var play = group.querySelector("[data-ta-speech-play]");
  var pause = group.querySelector("[data-ta-speech-pause]");
  var stop = group.querySelector("[data-ta-speech-stop]");
  var synth = window.speechSynthesis && window.SpeechSynthesisUtterance ? window.speechSynthesis : null;

  var NO_SPEECH = "这个浏览器不能朗读网页。可以换用手机或电脑自带的浏览器，或打开系统的读屏功能。";
  var NO_VOICE = "这台设备上没有中文语音，暂时无法朗读。可以在系统设置的“语音”或“文字转语音”中添加中文（普通话），再点“朗读”。";
  var FAILED = "朗读中断了，请再点一次“朗读”。";
  var DONE = "全文朗读完毕。";
  var WAIT_FOR_VOICES_MS = 1500;
  var LONGEST = 120;  // characters a single utterance may carry

  var session = 0;  // bumped on every start and stop: callbacks of a finished session do nothing
  var current = null;  // the element being read
  var state = "idle";  // idle | speaking | paused

  function say(message) {
    var notes = document.querySelectorAll(".ta-reading__note");
    for (var i = 0; i < notes.length; i++) { notes[i].textContent = message; }
  }

  /* ---- the voice ---- */
  function rank(voice) {
    var lang = String(voice.lang || "").replace(/_/g, "-").toLowerCase();
    if (lang === "zh-cn" || lang === "zh-hans-cn" || lang === "cmn-cn" || lang === "cmn-hans-cn") { return 0; }
    if (lang === "zh" || lang === "cmn" || /^(zh-hans|cmn-hans)(-|$)/.test(lang)) { return 1; }
    if (lang === "zh-sg" || lang === "cmn-sg") { return 2; }
    if (/^(zh|cmn)-(tw|hant)/.test(lang)) { return 3; }
    if (/^(zh|cmn|yue)(-|$)/.test(lang)) { return 4; }
    return -1;
  }
  function chineseVoice(voices) {
    var best = null, bestRank = 99;
    for (var i = 0; i < voices.length; i++) {
      var r = rank(voices[i]);
      if (r >= 0 && (r < bestRank || (r === bestRank && voices[i].localService && !best.localService))) { best = voices[i]; bestRank = r; }
    }
    return best;
  }
  function withVoices(done) {
    var voices = synth.getVoices();
    if (voices.length) { done(voices); return; }
    var finished = false;
    function finish() {
      if (finished) { return; }
      finished = true;
      synth.removeEventListener("voiceschanged", finish);
      done(synth.getVoices());
    }
    synth.addEventListener("voiceschanged", finish);
    setTimeout(finish, WAIT_FOR_VOICES_MS);
  }

  /* ---- the text ---- */
  var READ = "h1, h2, h3, h4, h5, h6, p, li, dt, dd, figcaption, th, td";
  var SKIP = ".headerlink, .footnote-backref, [aria-hidden='true'], script, style";
  function textOf(element) {
    var parts = [];
    (function walk(node) {
      for (var child = node.firstChild; child; child = child.nextSibling) {
        if (child.nodeType === 3) { parts.push(child.nodeValue); }
        else if (child.nodeType === 1 && !child.matches(SKIP)) { walk(child); }
      }
    })(element);
    return parts.join("").replace(/\s+/g, " ").trim();
  }
  function sentences(text) {
    var pieces = text.match(/[^。！？；!?;]+[。！？；!?;”’」』）)]*|[。！？；!?;]+/g) || [text];
    var chunks = [], chunk = "";
    pieces.forEach(function (piece) {
      if (chunk && (chunk + piece).length > LONGEST) { chunks.push(chunk); chunk = ""; }
      while (piece.length > LONGEST) { chunks.push(piece.slice(0, LONGEST)); piece = piece.slice(LONGEST); }
      chunk += piece;
    });
    if (chunk.trim()) { chunks.push(chunk); }
    return chunks;
  }
  function blocks() {
    var found = [];
    var title = document.querySelector(".ta-article-header h1");
    if (title) { found.push(title); }
    var candidates = body.querySelectorAll(READ);
    for (var i = 0; i < candidates.length; i++) {
      var element = candidates[i];
      if (element.querySelector(READ) || element.closest(SKIP)) { continue; }  // its inner blocks are read instead
      if (textOf(element)) { found.push(element); }
    }
    return found;
  }

  /* ---- what the reader sees ---- */
  function show(next) {
    state = next;
    play.setAttribute("aria-pressed", String(state !== "idle"));
    pause.setAttribute("aria-pressed", String(state === "paused"));
    pause.hidden = stop.hidden = state === "idle";
  }
  function highlight(element) {
    if (current) { current.classList.remove("ta-speaking"); }
    current = element;
    if (!element) { return; }
    element.classList.add("ta-speaking");
    var box = element.getBoundingClientRect();
    if (box.top < 0 || box.bottom > window.innerHeight) {
      var still = window.matchMedia && window.matchMedia("(prefers-reduced-motion: reduce)").matches;
      element.scrollIntoView({ block: "center", behavior: still ? "auto" : "smooth" });
    }
  }

  /* ---- speaking ---- */
  function slow() {
    var saved = null;
    try { saved = window.__md_get("ta-reading"); } catch (error) { /* no storage */ }
    return Boolean(saved && saved.slow === true);
  }
  function speak(list, index, chunks, part, voice, mine) {
    if (mine !== session) { return; }
    if (index >= list.length) { finish(DONE); return; }
    if (!chunks) {
      chunks = sentences(textOf(list[index]));
      part = 0;
      highlight(list[index]);
    }
    if (part >= chunks.length) { speak(list, index + 1, null, 0, voice, mine); return; }
    var utterance = new SpeechSynthesisUtterance(chunks[part]);
    utterance.lang = voice.lang || "zh-CN";
    utterance.voice = voice;
    utterance.rate = slow() ? 0.7 : 1;
    utterance.onend = function () { speak(list, index, chunks, part + 1, voice, mine); };
    utterance.onerror = function (event) {
      if (mine !== session || event.error === "interrupted" || event.error === "canceled") { return; }
      finish(FAILED);
    };
    synth.speak(utterance);
  }
  function start() {
    if (!synth) { say(NO_SPEECH); return; }
    var mine = ++session;
    say("");
    withVoices(function (voices) {
      if (mine !== session) { return; }
      var voice = chineseVoice(voices);
      if (!voice) { say(NO_VOICE); return; }
      synth.cancel();
      show("speaking");
      speak(blocks(), 0, null, 0, voice, mine);
    });
  }
  function finish(message) {
    session++;
    if (synth) { synth.cancel(); }
    highlight(null);
    var focused = document.activeElement === pause || document.activeElement === stop;
    show("idle");
    if (focused) { play.focus(); }  // the button pressed is hidden now: the keyboard stays in the bar
    if (message !== undefined) { say(message); }  // 重置 leaves head.js's note alone
  }

  play.addEventListener("click", function () {
    if (state === "idle") { start(); } else { finish(""); }
  });
  pause.addEventListener("click", function () {
    if (state === "speaking") { synth.pause(); show("paused"); }
    else if (state === "paused") { synth.resume(); show("speaking"); }
  });
  stop.addEventListener("click", function () { finish(""); });
  document.addEventListener("ta:reading", function (event) {
    if (!event.detail || !event.detail.reset) { return; }
    if (state !== "idle") { finish(); } else { session++; }  // also a 朗读 still waiting for its voice
  });
  // Speech belongs to this page: leaving it (or a kiosk's idle return) ends it.
  window.addEventListener("pagehide", function () { if (synth) { synth.cancel(); } });
  if (synth) { synth.cancel(); }  // whatever an earlier page left queued
})();
