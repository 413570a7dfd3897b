// Run in the page by the browser tests (through WebDriver, which the page's
// CSP does not govern). Returns what a reader would meet: every piece of text
// with its colour, background and WCAG contrast ratio, and the form controls
// without a label.
const parse = (css) => {
  const m = css.match(/rgba?\(([\d.]+),? ([\d.]+),? ([\d.]+)(?:,? \/? ?([\d.]+))?\)/);
  if (!m) throw new Error(`unexpected colour ${css}`);
  return { r: +m[1], g: +m[2], b: +m[3], a: m[4] === undefined ? 1 : +m[4] };
};
const hex = (c) => "#" + [c.r, c.g, c.b].map((v) => Math.round(v).toString(16).padStart(2, "0")).join("");
const luminance = (c) => {
  const [r, g, b] = [c.r, c.g, c.b].map((v) => {
    const s = v / 255;
    return s <= 0.04045 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
  });
  return 0.2126 * r + 0.7152 * g + 0.0722 * b;
};
const ratio = (a, b) => {
  const [hi, lo] = [luminance(a), luminance(b)].sort((x, y) => y - x);
  return (hi + 0.05) / (lo + 0.05);
};
// The colour behind an element: the nearest ancestor that paints one.
const backgroundOf = (element) => {
  for (let e = element; e; e = e.parentElement) {
    const c = parse(getComputedStyle(e).backgroundColor);
    if (c.a > 0) return c;
  }
  return parse(getComputedStyle(document.documentElement).backgroundColor);
};
// checkVisibility also sees content hidden by a closed <details>.
const visible = (e) => e.checkVisibility({ visibilityProperty: true });
const large = (style) => {
  const size = parseFloat(style.fontSize);
  return size >= 24 || (size >= 18.66 && +style.fontWeight >= 700);
};

const texts = [];
const record = (element, style, background, what) => {
  const color = parse(style.color);
  texts.push({
    what, color: hex(color), background: hex(background),
    ratio: Math.round(ratio(color, background) * 100) / 100,
    needed: large(style) ? 3 : 4.5,
  });
};
for (const e of document.body.querySelectorAll("*")) {
  if (!visible(e)) continue;
  const ownText = [...e.childNodes].some((n) => n.nodeType === Node.TEXT_NODE && n.textContent.trim());
  if (ownText || e.tagName === "INPUT") {
    record(e, getComputedStyle(e), backgroundOf(e), `${e.tagName.toLowerCase()}.${e.className || "-"}`);
  }
  const before = getComputedStyle(e, "::before");  // the numbers of the enrolment steps
  if (before.content && !["none", "normal", '""'].includes(before.content)) {
    const own = parse(before.backgroundColor);
    record(e, before, own.a > 0 ? own : backgroundOf(e), `${e.tagName.toLowerCase()}::before`);
  }
}
// Non-text contrast (WCAG 1.4.11): a field's border must be seen against what surrounds it.
const borders = [...document.querySelectorAll("input:not([type=hidden])")].filter(visible).map((e) => {
  const border = parse(getComputedStyle(e).borderTopColor);
  return { what: `input#${e.id}`, ratio: Math.round(ratio(border, backgroundOf(e.parentElement)) * 100) / 100 };
});
const unlabelled = [...document.querySelectorAll("input:not([type=hidden])")]
  .filter((e) => !e.labels || e.labels.length === 0).map((e) => e.id || e.name);
return { texts, borders, unlabelled };
