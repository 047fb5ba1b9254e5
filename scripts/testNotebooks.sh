#!/usr/bin/env bash
# npm run test:notebooks — execute notebooks/*.ipynb headlessly with the tslab kernel and check their outputs.
# Installs what is missing: Debian's nbconvert / nbclient / ipykernel / jupyter-client (apt, as root),
# and registers tslab's kernels (tslab is a pinned devDependency) in a private folder under notebooks/out/.
# Executed copies go to notebooks/out/ (gitignored); the committed notebooks are not touched.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT="$PWD"
OUT="$ROOT/notebooks/out"
PY=/usr/bin/python3

have_jupyter() {
  command -v jupyter-nbconvert >/dev/null 2>&1 && [ -x "$PY" ] &&
    "$PY" -c 'import nbconvert, nbclient, ipykernel, jupyter_client' >/dev/null 2>&1
}
if ! have_jupyter; then
  if [ "$(id -u)" != 0 ]; then
    echo "test:notebooks: needs jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client (apt-get install as root)" >&2
    exit 1
  fi
  echo "== installing jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client (apt)"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq jupyter-nbconvert python3-nbclient python3-ipykernel jupyter-client >/dev/null
fi

# The notebooks import 'phasewise' from dist/ (Node's self-reference at run time). tslab type-checks cells
# with TypeScript's node10 resolution, which knows no self-reference: it needs node_modules/phasewise.
npm run build >/dev/null
[ -e node_modules/phasewise ] || ln -s .. node_modules/phasewise

mkdir -p "$OUT"
TSLAB="$ROOT/node_modules/.bin/tslab"
npx --no-install tslab install --python="$PY" --prefix="$OUT/jupyter" --binary="$TSLAB" >/dev/null
export JUPYTER_PATH="$OUT/jupyter/share/jupyter"

# the committed notebooks are generated from notebooks/src/*.txt: say so when one was edited without the other
for src in notebooks/src/*.txt; do
  nb="notebooks/$(basename "$src" .txt).ipynb"
  node scripts/mkNotebook.mjs "$src" "$OUT/.generated.ipynb"
  cmp -s "$OUT/.generated.ipynb" "$nb" || echo "warning: $nb differs from what scripts/mkNotebook.mjs makes of $src" >&2
done
rm -f "$OUT/.generated.ipynb"

status=0
executed=()
for nb in notebooks/*.ipynb; do
  echo "== executing $nb"
  start=$(date +%s)
  # no --allow-errors: a failing cell fails nbconvert (tslab skips the cells after an error)
  if ! jupyter nbconvert --to notebook --execute --ExecutePreprocessor.kernel_name=tslab \
      --ExecutePreprocessor.timeout=900 --output-dir "$OUT" "$nb" 2>"$OUT/$(basename "$nb" .ipynb).log"; then
    tail -n 40 "$OUT/$(basename "$nb" .ipynb).log" >&2
    status=1
    continue
  fi
  echo "   $(( $(date +%s) - start )) s"
  executed+=("$OUT/$(basename "$nb")")
done
[ ${#executed[@]} -eq 0 ] || node scripts/checkNotebooks.mjs "${executed[@]}" || status=1
exit $status
