/* What a reader would see go wrong on the page as it is now laid out, found generically (no page's own
   markup is named here): horizontal overflow, clipped controls, text and control contrast against the
   colours really painted behind them, small text and small touch targets. Evaluated by Playwright as
   `(options) => {...}`; returns {problems: [...], overImage: [...]} where overImage lists text boxes
   painted over a picture, whose contrast the caller measures from a screenshot.

   options: {scope: CSS selector of what a reader can reach (an open dialog) or null for the page,
             touch: whether targets must be 44 × 44 px, minTextPx: smallest text size allowed} */
(options) => {
  "use strict";
  const TARGET = 44;
  const TEXT_RATIO = 4.5;
  const NON_TEXT_RATIO = 3;
  const root = document.documentElement;
  const viewport = root.clientWidth;
  const scope = (options.scope && document.querySelector(options.scope)) || document.body;
  const CONTROLS = "a[href], button, input:not([type=hidden]), select, textarea, summary, label[for], [role=button], [role=tab], [tabindex]:not([tabindex='-1'])";
  const problems = [];
  const overImage = [];
  const styles = new Map();
  const style = (el) => {
    let s = styles.get(el);
    if (!s) { s = getComputedStyle(el); styles.set(el, s); }
    return s;
  };

  function describe(el) {
    let name = el.tagName.toLowerCase();
    if (el.id) { name += "#" + el.id; }
    const classes = [...el.classList].slice(0, 2);
    if (classes.length) { name += "." + classes.join("."); }
    const text = (el.getAttribute("aria-label") || el.textContent || el.getAttribute("placeholder") || "")
      .replace(/\s+/g, " ").trim().slice(0, 24);
    return text ? `${name}「${text}」` : name;
  }
  function report(kind, el, detail) { problems.push({ kind, where: describe(el), detail }); }

  // Colours: [r, g, b, a] from what getComputedStyle gives (rgb()/rgba(); color(srgb …) for some values).
  function parse(value) {
    if (!value || value === "transparent" || value === "none") { return [0, 0, 0, 0]; }
    let m = value.match(/^rgba?\(([^)]+)\)/);
    if (m) {
      const parts = m[1].split(/[\s,/]+/).filter(Boolean).map(Number);
      return [parts[0], parts[1], parts[2], parts.length > 3 ? parts[3] : 1];
    }
    m = value.match(/^color\(srgb ([^)]+)\)/);
    if (m) {
      const parts = m[1].split(/[\s/]+/).filter(Boolean).map(Number);
      return [parts[0] * 255, parts[1] * 255, parts[2] * 255, parts.length > 3 ? parts[3] : 1];
    }
    return null;
  }
  function over(top, bottom) {
    const a = top[3] + bottom[3] * (1 - top[3]);
    if (a === 0) { return [0, 0, 0, 0]; }
    const mix = (i) => (top[i] * top[3] + bottom[i] * bottom[3] * (1 - top[3])) / a;
    return [mix(0), mix(1), mix(2), a];
  }
  function luminance(c) {
    const lin = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * lin(c[0]) + 0.7152 * lin(c[1]) + 0.0722 * lin(c[2]);
  }
  function ratio(a, b) {
    const [x, y] = [luminance(a), luminance(b)].sort((p, q) => q - p);
    return (x + 0.05) / (y + 0.05);
  }
  const hex = (c) => "#" + c.slice(0, 3).map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");

  // Opacity multiplies down the tree; a faded ancestor fades the text and its own background alike.
  function opacity(el) {
    let value = 1;
    for (let e = el; e; e = e.parentElement) { value *= parseFloat(style(e).opacity); }
    return value;
  }

  const visibleCache = new Map();
  function visible(el) {
    if (visibleCache.has(el)) { return visibleCache.get(el); }
    let answer = true;
    const s = style(el);
    if (!el.getClientRects().length || s.visibility !== "visible" || opacity(el) < 0.05) {
      answer = false;
    } else {
      const r = el.getBoundingClientRect();
      // The visually-hidden pattern (1 px, clipped) and elements collapsed to nothing.
      if (r.width < 2 || r.height < 2 || s.clip === "rect(0px, 0px, 0px, 0px)" || s.clipPath === "inset(50%)") { answer = false; }
      // Clipped away by an ancestor that does not scroll (Material's collapsed navigation, for one).
      for (let a = el.parentElement; answer && a && a !== document.body; a = a.parentElement) {
        const as = style(a);
        if (as.overflowX === "visible" && as.overflowY === "visible") { continue; }
        const ar = a.getBoundingClientRect();
        if (ar.width < 1 || ar.height < 1) { answer = false; }
      }
    }
    visibleCache.set(el, answer);
    return answer;
  }

  // Off-canvas: the drawer waits left of the page, fixed; a reader opens it with its button.
  function offCanvas(rect) { return rect.right <= 0.5; }

  // The nearest ancestor that scrolls sideways, and the box that ancestors without scrolling clip to.
  function containers(el) {
    let scroller = null;
    let left = -Infinity;
    let right = Infinity;
    for (let a = el.parentElement; a && a !== document.body && a !== root; a = a.parentElement) {
      const s = style(a);
      if (s.overflowX === "visible") { continue; }
      const r = a.getBoundingClientRect();
      if ((s.overflowX === "auto" || s.overflowX === "scroll") && a.scrollWidth > a.clientWidth + 1) {
        scroller = scroller || a;
        break;  // what a scroller holds is reached by scrolling it
      }
      left = Math.max(left, r.left + parseFloat(s.borderLeftWidth));
      right = Math.min(right, r.right - parseFloat(s.borderRightWidth));
    }
    return { scroller, left, right };
  }

  // A sideways scroller must show that it scrolls: shadows at its edges (gradients that stay with the
  // content, `background-attachment: local`) or a fading mask. Scrollbars do not count: phones hide them.
  function hasScrollCue(el) {
    const s = style(el);
    const local = /gradient/.test(s.backgroundImage) && /local/.test(s.backgroundAttachment);
    const mask = /gradient/.test(s.maskImage || s.webkitMaskImage || "");
    return local || mask;
  }

  // The colour really painted behind an element: the layers under it composited from the first opaque
  // one up. Where the element is on screen, the layers are what the browser reports at that point
  // (fixed overlays and backdrops included); elsewhere its ancestors'. A picture or CSS image found on
  // the way means text over an image. `self`: count the element's own background (text) or not (the
  // surroundings of a control).
  function layersAt(el, rect) {
    const x = rect.left + Math.min(rect.width / 2, 8);
    const y = rect.top + rect.height / 2;
    if (x < 0 || y < 0 || x >= innerWidth || y >= innerHeight) { return null; }
    const stack = document.elementsFromPoint(x, y);
    const at = stack.indexOf(el);
    // Covered by something else at that point (a sticky header): judge by the ancestors instead.
    if (at < 0 || stack.slice(0, at).some((e) => !el.contains(e))) { return null; }
    return stack.slice(at).filter((e) => e === el || !el.contains(e));
  }
  function background(el, self = true, rect = null) {
    let chain = layersAt(el, rect || el.getBoundingClientRect());
    const onScreen = Boolean(chain);
    if (!chain) {
      chain = [];
      for (let e = el; e; e = e.parentElement) { chain.push(e); }
    }
    if (!self) { chain = chain.slice(1); }
    const layers = [];
    let image = null;
    let ground = null;
    for (const e of chain) {
      ground = e;
      const s = style(e);
      const colour = parse(s.backgroundColor) || [0, 0, 0, 0];
      colour[3] *= parseFloat(s.opacity);
      const bgImage = s.backgroundImage;
      const picture = /^(IMG|VIDEO|CANVAS)$/.test(e.tagName) || (bgImage && bgImage !== "none" && !/local/.test(s.backgroundAttachment));
      if (picture && !image && e !== document.body && e !== root) { image = e; }
      if (colour[3] > 0) { layers.push(colour); }
      if (colour[3] >= 1) { break; }
    }
    let result = [255, 255, 255, 1];  // the canvas behind everything
    for (let i = layers.length - 1; i >= 0; i--) { result = over(layers[i], result); }
    return { colour: result, image, onScreen, ground };
  }

  // Pictures painted under a box off screen: an <img>, <video> or <canvas> that overlaps it, inside the
  // opaque ground its layers end at (a picture outside that ground is painted beneath the ground).
  const pictures = [...document.querySelectorAll("img, video, canvas")].filter(visible);
  function pictureUnder(el, rect, ground) {
    for (const p of pictures) {
      if (el.contains(p) || p.contains(el) || (ground && !ground.contains(p))) { continue; }
      const r = p.getBoundingClientRect();
      const overlapX = Math.min(r.right, rect.right) - Math.max(r.left, rect.left);
      const overlapY = Math.min(r.bottom, rect.bottom) - Math.max(r.top, rect.top);
      if (overlapX > 2 && overlapY > 2) { return p; }
    }
    return null;
  }

  // 1. The page itself must not scroll sideways; report the outermost elements that stick out.
  if (root.scrollWidth > root.clientWidth + 1) {
    problems.push({ kind: "页面横向溢出", where: "html", detail: `${root.scrollWidth} > ${root.clientWidth}` });
  }
  const all = [...document.body.querySelectorAll("*")];
  for (const el of all) {
    if (!visible(el) || el.closest("svg")) { continue; }
    const r = el.getBoundingClientRect();
    if (r.right <= viewport + 1 || offCanvas(r)) { continue; }
    // Decoration with no text, control or picture in it (a backdrop scaled past the edges) hides nothing.
    const media = "img, video, canvas, svg, picture";
    if (!el.textContent.trim() && !el.matches(media) && !el.querySelector(CONTROLS + ", " + media)) { continue; }
    const { scroller, right } = containers(el);
    if (scroller || right <= viewport + 1) { continue; }
    const parent = el.parentElement;
    if (parent && parent !== document.body && visible(parent) && parent.getBoundingClientRect().right > viewport + 1) { continue; }
    report("超出屏幕右边", el, `右边 ${Math.round(r.right)} > ${viewport}`);
  }

  // Anything that scrolls sideways (a table, code, a row of tabs) must show that it does.
  const cueless = new Set();
  for (const el of all) {
    const s = style(el);
    if (!["auto", "scroll"].includes(s.overflowX) || el.scrollWidth <= el.clientWidth + 1 || !visible(el)) { continue; }
    if (!hasScrollCue(el)) {
      cueless.add(el);
      report("可横向滚动但没有提示", el, `内容 ${el.scrollWidth} px，可见 ${el.clientWidth} px`);
    }
    // A keyboard reader scrolls it with the arrow keys once it has focus: it takes focus itself, or
    // holds something that does (axe's scrollable-region-focusable, checked at every size here).
    if (el.tabIndex < 0 && !el.querySelector(CONTROLS)) {
      report("可横向滚动但键盘无法滚动", el, `内容 ${el.scrollWidth} px，可见 ${el.clientWidth} px`);
    }
  }

  // Text cut off by a box that neither scrolls nor ends it with an ellipsis.
  for (const el of all) {
    const s = style(el);
    if (!(s.overflowX === "hidden" || s.overflowX === "clip") || !visible(el)) { continue; }
    if (el.scrollWidth <= el.clientWidth + 1 || s.textOverflow === "ellipsis") { continue; }
    const box = el.getBoundingClientRect();
    const walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.data.trim() || !visible(node.parentElement) || style(node.parentElement).textOverflow === "ellipsis") { continue; }
      const range = document.createRange();
      range.selectNodeContents(node);
      const tr = range.getBoundingClientRect();
      if (tr.width && tr.right > box.right + 1) {
        report("文字被裁切", node.parentElement, `文字右边 ${Math.round(tr.right)} > 框 ${Math.round(box.right)}`);
        break;
      }
    }
  }

  // 2. Controls: inside the screen and their container, visible against their background, big enough.
  // Inactive components are exempt from contrast and size (WCAG); some scripts mark them by class only.
  const inactive = (el) => el.disabled || el.matches(".disabled, [aria-disabled=true]");
  // A label with nothing in it is a backdrop (Material's search overlay closes the search), not a target.
  const backdrop = (el) => el.tagName === "LABEL" && !el.children.length && !el.textContent.trim();
  const controls = [...scope.querySelectorAll(CONTROLS)].filter((el) => visible(el) && !inactive(el) && !backdrop(el));

  function nonControlText(block) {
    let text = "";
    const walker = document.createTreeWalker(block, NodeFilter.SHOW_TEXT);
    for (let node = walker.nextNode(); node; node = walker.nextNode()) {
      if (!node.parentElement.closest(CONTROLS)) { text += node.data; }
    }
    return text.replace(/\s+/g, "");
  }
  // WCAG's inline exception: a link in a sentence, sized by the line it sits in.
  function inRunningText(el) {
    if (el.tagName !== "A" || style(el).display !== "inline") { return false; }
    let block = el.parentElement;
    while (block && style(block).display.startsWith("inline")) { block = block.parentElement; }
    if (!block) { return false; }
    const own = el.textContent.replace(/\s+/g, "").length;
    return nonControlText(block).length >= Math.max(8, own);
  }

  for (const el of controls) {
    const r = el.getBoundingClientRect();
    if (offCanvas(r)) { continue; }
    const { scroller, left, right } = containers(el);
    if (scroller) {
      if (!hasScrollCue(scroller) && !cueless.has(scroller)) {
        cueless.add(scroller);
        report("可横向滚动但没有提示", scroller, `内容 ${scroller.scrollWidth} px，可见 ${scroller.clientWidth} px`);
      }
    } else if (r.left < left - 1 || r.right > right + 1) {
      report("控件被裁切", el, `${Math.round(r.left)}–${Math.round(r.right)}，容器 ${Math.round(left)}–${Math.round(right)}`);
    } else if (r.left < -1 || r.right > viewport + 1) {
      report("控件超出屏幕", el, `${Math.round(r.left)}–${Math.round(r.right)}，屏幕宽 ${viewport}`);
    }
    if (options.touch && !inRunningText(el) && (r.width < TARGET - 0.5 || r.height < TARGET - 0.5)) {
      report("点击区域太小", el, `${Math.round(r.width)}×${Math.round(r.height)} px`);
    }

    // Non-text contrast: the border or the fill that shows where the control is, against what surrounds it.
    const s = style(el);
    const outside = background(el, false, r).colour;
    const fill = background(el, true, r).colour;
    const borders = ["Top", "Right", "Bottom", "Left"]
      .filter((side) => parseFloat(s[`border${side}Width`]) >= 0.5 && !["none", "hidden"].includes(s[`border${side}Style`]))
      .map((side) => parse(s[`border${side}Color`]))
      .filter((c) => c && c[3] > 0);
    // A drawn border must be seen (older eyes lose a faint outline and with it the control's shape),
    // unless the control's own fill already shows that shape. A fill alone is not required to show:
    // the control's text or icon, checked below, identifies it.
    if (borders.length && ratio(fill, outside) < NON_TEXT_RATIO) {
      const best = Math.max(...borders.map((c) => ratio(over(c, outside), outside)));
      if (best < NON_TEXT_RATIO) {
        report("控件边框对比度不足", el, `${hex(over(borders[0], outside))} 对 ${hex(outside)}：${best.toFixed(2)}:1`);
      }
    }
    for (const icon of el.querySelectorAll("svg")) {
      if (!visible(icon)) { continue; }
      // The colour of the icon's first drawn shape (icons set it on the <path>, not the <svg>).
      const shape = icon.querySelector("path, circle, rect, polygon, polyline, line, ellipse, use") || icon;
      const is = style(shape);
      const paint = parse(is.fill !== "none" ? is.fill : is.stroke);
      if (!paint || paint[3] === 0) { continue; }
      const behind = background(icon, true).colour;
      const value = ratio(over(paint, behind), behind);
      if (value < NON_TEXT_RATIO) { report("图标对比度不足", el, `${hex(paint)} 对 ${hex(behind)}：${value.toFixed(2)}:1`); }
    }
    // A text field's typed text and its placeholder are text too.
    if (el.matches("input, textarea")) {
      const typed = el.value ? parse(s.color) : parse(getComputedStyle(el, "::placeholder").color);
      if (typed && (el.value || el.placeholder)) {
        const value = ratio(over(typed, fill), fill);
        if (value < TEXT_RATIO) { report("文字对比度不足", el, `${hex(over(typed, fill))} 对 ${hex(fill)}：${value.toFixed(2)}:1`); }
      }
    }
  }

  // 3. Every piece of visible text in reach: contrast against what is painted behind it, and its size.
  const checked = new Set();
  const walker = document.createTreeWalker(scope, NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    const el = node.parentElement;
    if (!node.data.trim() || checked.has(el) || !el || el.closest("script, style, noscript, template, svg")) { continue; }
    checked.add(el);
    if (!visible(el) || el.closest(":disabled, .disabled, [aria-disabled=true]")) { continue; }
    const range = document.createRange();
    range.selectNodeContents(node);
    const tr = range.getBoundingClientRect();
    if (tr.width < 1 || tr.height < 1 || offCanvas(tr)) { continue; }
    const s = style(el);
    const size = parseFloat(s.fontSize);
    if (size < options.minTextPx - 0.05) { report("文字太小", el, `${size.toFixed(1)} px`); }
    const colour = parse(s.color);
    if (!colour) { continue; }
    const alpha = opacity(el);
    const { colour: behind, image, onScreen, ground } = background(el, true, range.getClientRects()[0] || tr);
    const picture = !onScreen && pictureUnder(el, tr, ground);
    if (picture || image) {
      overImage.push({ where: describe(el), colour: hex(colour), x: tr.left + scrollX, y: tr.top + scrollY, width: tr.width, height: tr.height });
      continue;
    }
    const shown = over([colour[0], colour[1], colour[2], colour[3] * alpha], behind);
    const value = ratio(shown, behind);
    if (value < TEXT_RATIO) { report("文字对比度不足", el, `${hex(shown)} 对 ${hex(behind)}：${value.toFixed(2)}:1`); }
  }
  return { problems, overImage };
}
