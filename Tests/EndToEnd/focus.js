// Run in the page by the browser tests: how the focused element shows its
// focus. The ring is an outline; it must be there, thick enough, and stand
// out (3:1) against the background around the element.
const e = document.activeElement;
if (!e || e === document.body) return null;
const controls = [...document.querySelectorAll(arguments[0])];
const style = getComputedStyle(e);
const parse = (css) => css.match(/[\d.]+/g).map(Number);
const luminance = ([r, g, b]) => 0.2126 * lin(r) + 0.7152 * lin(g) + 0.0722 * lin(b);
const lin = (v) => (v / 255 <= 0.04045 ? v / 255 / 12.92 : ((v / 255 + 0.055) / 1.055) ** 2.4);
let around = null;
for (let p = e.parentElement; p && !around; p = p.parentElement) {
  const c = parse(getComputedStyle(p).backgroundColor);
  if (c.length < 4 || c[3] > 0) around = c;
}
const [hi, lo] = [luminance(parse(style.outlineColor)), luminance(around)].sort((x, y) => y - x);
return {
  index: controls.indexOf(e),
  element: `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className ? "." + e.className : ""}`,
  focusVisible: e.matches(":focus-visible"),
  outlineStyle: style.outlineStyle,
  outlineWidth: parseFloat(style.outlineWidth),
  contrast: Math.round(((hi + 0.05) / (lo + 0.05)) * 100) / 100,
};
