#!/usr/bin/env bash
# gen-values-goldens.sh [HELM_BIN]
#
# Records what the real helm gives the top-level templates as .Values, for
#  * every fixture chart under tests/fixtures/values/<case>/ (a `chart/` directory and an
#    optional `args` file: one helm argument per line, e.g. `-f` then `user.yaml`,
#    relative paths resolved against the fixture directory), and
#  * every rendering case of the shared corpus (../shared/corpus/cases/*.yaml, read in
#    place; override with CAPSTAN_CORPUS), with ONLY=corpus and OUT=<scratch dir>, using the case's -f/--set/--kube-version.
#
# Each chart is copied to a scratch directory outside the repository; every file under
# every templates/ directory is removed and one probe template is added:
#     # CAPSTAN-PROBE {{ toJson .Values }}
# Output: tests/values-goldens/<case>.json (helm's toJson line) or <case>.err (helm's
# stderr when it fails, e.g. schema errors). Tests compare capstan with these files, so
# they need no helm at run time. Default HELM_BIN: the repository's .tools/helm (4.3.1).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
helm=${1:-$repo/.tools/helm}
corpus=${CAPSTAN_CORPUS:-$repo/../shared/corpus}
# ONLY=fixtures (the committed goldens), corpus (generated at CI time into OUT, never
# committed: they are helm's view of the shared corpus) or all.
only=${ONLY:-fixtures}
out=${OUT:-$here/values-goldens}
scratch=$(mktemp -d /tmp/capstan-values-gen.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
mkdir -p "$out"
"$helm" version --short > "$out/HELM_VERSION"

probe() { # probe CASE CHART_SRC ARGS...
  local name=$1 src=$2; shift 2
  local dst=$scratch/$name
  rm -rf "$dst"; mkdir -p "$dst"; cp -R "$src" "$dst/chart"
  find "$dst/chart" -type d -name templates -prune -exec sh -c 'rm -rf "$1"/*' _ {} \;
  mkdir -p "$dst/chart/templates"
  printf '# CAPSTAN-PROBE {{ toJson .Values }}\n' > "$dst/chart/templates/zz-capstan-probe.yaml"
  rm -f "$out/$name.json" "$out/$name.err"
  if "$helm" template rel "$dst/chart" --namespace ns1 "$@" > "$dst/stdout" 2> "$dst/stderr"; then
    grep '^# CAPSTAN-PROBE ' "$dst/stdout" | head -n1 | sed 's/^# CAPSTAN-PROBE //' > "$out/$name.json"
  else
    sed "s#$dst/chart#CHART#g" "$dst/stderr" > "$out/$name.err"
  fi
}

unq() { local s=$1; s=${s#\'}; s=${s%\'}; printf '%s' "${s//\'\'/\'}"; }

# Fixture charts.
[ "$only" = corpus ] || for dir in "$here"/fixtures/values/*/; do
  name=$(basename "$dir")
  args=(--kube-version 1.31.0)
  if [ -f "$dir/args" ]; then
    while IFS= read -r a || [ -n "$a" ]; do
      [ -z "$a" ] && continue
      case "$a" in -*) args+=("$a") ;; *) if [ -e "$dir/$a" ]; then args+=("$dir/$a"); else args+=("$a"); fi ;; esac
    done < "$dir/args"
  fi
  probe "fixture-$name" "$dir/chart" "${args[@]}"
done

# Corpus cases.
[ "$only" = fixtures ] || for f in "$corpus"/cases/*.yaml; do
  name=$(basename "$f" .yaml)
  chart='' kv='' list=''; args=()
  while IFS= read -r line || [ -n "$line" ]; do
    case "$line" in
      chart:*) chart=$(unq "${line#chart: }") ;;
      kube_version:*) kv=$(unq "${line#kube_version: }") ;;
      values:*) list=values ;;
      set:*) list=sets ;;
      api_versions:*) list=apis ;;
      "  - "*) item=$(unq "${line#  - }")
               case $list in values) args+=(-f "$corpus/$item") ;; sets) args+=(--set "$item") ;; esac ;;
      *) list='' ;;
    esac
  done < "$f"
  probe "corpus-$name" "$corpus/charts/$chart" --kube-version "$kv" ${args[@]+"${args[@]}"}
done
echo "goldens written to $out"

# YAML cases: each snippet of tests/yaml-cases.txt (separated by "=====" lines) as a
# values.yaml; the answer (toJson of .Values, or helm's error) goes to
# tests/yaml-goldens.txt as "ok <json>" / "err <message>" lines, one per snippet.
ychart=$scratch/yaml-case
mkdir -p "$ychart/templates"
printf 'apiVersion: v2\nname: y\nversion: 0.1.0\n' > "$ychart/Chart.yaml"
printf '# CAPSTAN-PROBE {{ toJson .Values }}\n' > "$ychart/templates/p.yaml"
: > "$here/yaml-goldens.txt"
awk -v dir="$scratch" 'BEGIN{n=0; f=sprintf("%s/snippet-%03d", dir, n)} /^=====$/ {close(f); n++; f=sprintf("%s/snippet-%03d", dir, n); next} {print > f} END{close(f)}' "$here/yaml-cases.txt"
for snip in "$scratch"/snippet-*; do
  cp "$snip" "$ychart/values.yaml"
  if "$helm" template rel "$ychart" > "$scratch/y.out" 2> "$scratch/y.err"; then
    printf 'ok %s\n' "$(grep '^# CAPSTAN-PROBE ' "$scratch/y.out" | head -n1 | sed 's/^# CAPSTAN-PROBE //')" >> "$here/yaml-goldens.txt"
  else
    printf 'err %s\n' "$(grep '^Error: ' "$scratch/y.err" | head -n1 | sed 's/^Error: //')" >> "$here/yaml-goldens.txt"
  fi
done
echo "yaml goldens written to $here/yaml-goldens.txt"

# A chart archive made by the real `helm package` (with a subchart archive inside, as
# `helm dependency build` leaves it), so that the loader is tested on helm's own tar
# headers: tests/fixtures/packaged/imports-0.1.0.tgz.
pk=$scratch/packaged
mkdir -p "$pk" "$here/fixtures/packaged"
cp -R "$here/fixtures/values/tgzsub/chart" "$pk/tgzsub"
"$helm" package "$pk/tgzsub" --destination "$here/fixtures/packaged" > /dev/null
echo "packaged chart written to $here/fixtures/packaged"
