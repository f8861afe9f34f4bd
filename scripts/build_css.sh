#!/usr/bin/env bash
# Build surveyapp's CSS, for each entry point:
#   main.scss  (respondent pages: only what the survey journey uses, kept tiny)
#   staff.scss (staff pages: the same plus tables, filters, charts, posters, builder)
# each as:
#   surveyapp/static/scss/<entry>.scss
#     -> sass (dart-sass, compressed)
#     -> prune (postcss: drop nhsuk rules these pages can never match)
#     -> surveyapp/static/dist/main.css       (left to right)
#     -> rtlcss
#     -> surveyapp/static/dist/main.rtl.css   (right to left; link it when <html dir="rtl">)
#
# Usage (from anywhere): scripts/build_css.sh
# Needs node >= 20.19 and the npm registry; installs node_modules with `npm ci`
# when node_modules is missing or older than package-lock.json.
set -euo pipefail

cd "$(dirname "${BASH_SOURCE[0]}")/.."

OUT_DIR=surveyapp/static/dist
ENTRIES=(main staff)

# --- dependencies ------------------------------------------------------------
# npm writes node_modules/.package-lock.json on every install; use it as the
# "installed at" stamp.
stamp=node_modules/.package-lock.json
if [[ ! -f "$stamp" || ! -x node_modules/.bin/sass || ! -x node_modules/.bin/rtlcss || package-lock.json -nt "$stamp" ]]; then
  echo "build_css: installing node_modules (npm ci)"
  npm ci --no-audit --no-fund
  touch "$stamp"
else
  echo "build_css: node_modules up to date, skipping npm ci"
fi

mkdir -p "$OUT_DIR"

build_entry() {
local name="$1"
local SRC="surveyapp/static/scss/$name.scss"
local LTR="$OUT_DIR/$name.css"
local RTL="$OUT_DIR/$name.rtl.css"
# Work dir inside the repo: rtlcss looks for its config ("rtlcssConfig" in
# package.json) from the input file's folder upwards.
local tmp
tmp="$(mktemp -d "$OUT_DIR/.build.XXXXXX")"
trap 'rm -rf "$tmp"' RETURN

# --- 1. Sass -------------------------------------------------------------------
# --quiet-deps: no deprecation noise from inside node_modules (nhsuk-frontend
# 10.6.1 is clean with current dart-sass, this is only a safety net); warnings
# from our own SCSS still show.
node_modules/.bin/sass \
  --load-path=node_modules \
  --style=compressed \
  --no-source-map \
  --quiet-deps \
  "$SRC" "$tmp/sass.css"

# --- 2. Prune + checks ---------------------------------------------------------
# Writes $tmp/directives.css (still has /*!rtl:...*/ directives, input for
# rtlcss) and $tmp/ltr.css (directives stripped, the final LTR file).
node - "$tmp/sass.css" "$tmp/directives.css" "$tmp/ltr.css" <<'JS'
const fs = require("fs");
const postcss = require("postcss");
const [input, withDirectives, ltr] = process.argv.slice(2);

// A selector is dropped when it matches one of these (":not(...)" parts are
// ignored when matching). A rule goes when all its selectors are dropped.
// Only things these pages never render:
const DROP = [
  // needs nhsuk-frontend's JavaScript, which we do not ship
  /^\s*\.nhsuk-frontend-supported\b/, // (body:not(.nhsuk-frontend-supported) rules are kept)
  /\[(data|aria)-sort\b/,             // sortable tables (also the only arrow-icon url()s)
  // deprecated in nhsuk-frontend 10 and not rendered by the nhsuk-frontend-jinja macros
  /\.nhsuk-expander/,
  /\.nhsuk-warning-callout/,          // the macro renders nhsuk-card--warning
  /\.nhsuk-error-summary__title/,
  /\.nhsuk-input__(prefix|suffix)/,   // now nhsuk-input-wrapper__prefix/suffix
  /\.nhsuk-card__(content|heading)--/,
  /\.nhsuk-character-count__(status|message)--disabled/,
  /\.nhsuk-table-responsive/,         // now nhsuk-table--responsive
  // variants a survey has no use for
  /\.nhsuk-card--care/,               // clinical urgency cards
  /\.nhsuk-button--login/,            // NHS login button
  /--reverse(?![a-z])/,               // for use on dark backgrounds
  /\[type="?search"?\]/,              // search inputs (cancel-button icon url())
];

const dropped = (sel) => {
  const s = sel.replace(/:not\([^()]*\)/g, "");
  return DROP.some((re) => re.test(s));
};

const root = postcss.parse(fs.readFileSync(input, "utf8"), { from: input });
let removed = 0;

root.walkRules((rule) => {
  if (rule.parent.type === "atrule" && /keyframes$/i.test(rule.parent.name)) return;
  const keep = rule.selectors.filter((s) => !dropped(s));
  if (keep.length === 0) {
    rule.remove();
    removed++;
  } else if (keep.length < rule.selectors.length) {
    rule.selector = keep.join(",");
  }
});

// Print: keep nhsuk's print rules (hide navigation, black text) but drop the
// per-element font-size/line-height pairs (pt sizes); print then uses the
// screen sizes.
root.walkAtRules("media", (at) => {
  if (at.params.trim() === "print") {
    at.walkDecls(/^(font-size|line-height)$/, (d) => d.remove());
  }
});

// Remove rules / at-rules left empty (repeat: nesting).
for (let changed = true; changed; ) {
  changed = false;
  root.walk((node) => {
    if ((node.type === "rule" || node.type === "atrule") && node.nodes && node.nodes.length === 0) {
      node.remove();
      changed = true;
    }
  });
}

// Sass emits many back-to-back rules with the same selector (one per mixin)
// and back-to-back identical @media blocks. Merging *adjacent* ones keeps
// the cascade order exactly, so it is always safe.
const mergeAdjacent = (container) => {
  let prev = null;
  container.each((node) => {
    if (node.type === "atrule" && node.nodes) mergeAdjacent(node);
    const same =
      prev &&
      node.type === prev.type &&
      ((node.type === "rule" && node.selector === prev.selector) ||
        (node.type === "atrule" && node.nodes && prev.nodes && node.name === prev.name && node.params === prev.params));
    if (same) {
      prev.append(node.nodes.map((n) => n.clone()));
      node.remove();
      if (node.type === "atrule") mergeAdjacent(prev);
    } else {
      prev = node;
    }
  });
};
mergeAdjacent(root);

// Guards: no web fonts, nothing fetched by the CSS.
const css = root.toString();
const bad = [];
if (/@font-face/i.test(css)) bad.push("@font-face");
for (const m of css.matchAll(/url\(\s*["']?([^"')]*)/gi)) {
  if (!/^data:/i.test(m[1])) bad.push(`url(${m[1]})`);
}
if (bad.length) {
  console.error("build_css: CSS would fetch assets: " + [...new Set(bad)].join(", "));
  process.exit(1);
}
fs.writeFileSync(withDirectives, css);

// LTR output: same CSS without the rtlcss directive comments.
root.walkComments((c) => {
  if (/^\s*!?\s*rtl:/.test(c.text)) c.remove();
});
fs.writeFileSync(ltr, root.toString());
console.log(`build_css: pruned ${removed} unused nhsuk rules`);
JS

# --- 3. RTL --------------------------------------------------------------------
node_modules/.bin/rtlcss "$tmp/directives.css" "$tmp/rtl.css" >/dev/null

if grep -q 'rtl:' "$tmp/rtl.css"; then
  echo "build_css: rtlcss left a directive comment in main.rtl.css" >&2
  exit 1
fi

# Replace atomically so a running server never serves a half-written file.
mv -f "$tmp/ltr.css" "$LTR"
mv -f "$tmp/rtl.css" "$RTL"

}

for entry in "${ENTRIES[@]}"; do
  build_entry "$entry"
done

# --- sizes ---------------------------------------------------------------------
for f in "$OUT_DIR"/*.css; do
  raw=$(wc -c <"$f")
  gz=$(gzip -9c "$f" | wc -c)
  printf 'build_css: %-36s %7d bytes raw, %6d bytes gzip -9\n' "$f" "$raw" "$gz"
done
