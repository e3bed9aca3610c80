#!/usr/bin/env bash
# Benchmarks of qingdan against the floor (examples/floor.rs: parse every cell, nothing else).
#
#   bench/run.sh           # 100k and 1M CSV items, GB18030 1M, xlsx 200k  (tens of minutes)
#   bench/run.sh --quick   # 10k and 50k CSV items, GB18030 50k, xlsx 10k  (about a minute)
#   ONLY='floor-utf8|check-csv' bench/run.sh   # re-measure only the matching rows, keep the others
#
# Data is generated under bench/data (gitignored) by the hidden `qingdan generate` and reused
# across runs (delete bench/data to regenerate). Writes BENCHMARKS.md at the repository root
# (BENCHMARKS.quick.md for --quick). Needs hyperfine (installed with apt-get when missing and
# possible) and GNU time (/usr/bin/time, package `time`) for peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."

QUICK=0
[[ "${1:-}" == "--quick" ]] && QUICK=1
if ((QUICK)); then
  SMALL=10000 LARGE=50000 GB=50000 XLSX=10000 RUNS_SMALL=5 RUNS_LARGE=3 OUT_MD=BENCHMARKS.quick.md
else
  SMALL=100000 LARGE=1000000 GB=1000000 XLSX=200000 RUNS_SMALL=3 RUNS_LARGE=2 OUT_MD=BENCHMARKS.md
fi

need() { command -v "$1" >/dev/null 2>&1; }
if ! need hyperfine; then
  echo "hyperfine missing; trying apt-get install -y hyperfine" >&2
  (apt-get install -y hyperfine || sudo apt-get install -y hyperfine) >/dev/null 2>&1 || true
fi
need hyperfine || { echo "hyperfine is required" >&2; exit 1; }
if [[ ! -x /usr/bin/time ]]; then
  (apt-get install -y time || sudo apt-get install -y time) >/dev/null 2>&1 || true
fi

cargo build --release --bin qingdan --example floor
DATA=$PWD/bench/data
RES=$DATA/results
mkdir -p "$DATA/bin" "$RES"
# Copies, so that a rebuild during the (long) run does not change what is measured.
TARGET=${CARGO_TARGET_DIR:-target}
cp "$TARGET/release/qingdan" "$TARGET/release/examples/floor" "$DATA/bin/"
Q=$DATA/bin/qingdan
F=$DATA/bin/floor
# Without ONLY every row is measured afresh; with ONLY (an extended regex on the row label)
# only matching rows are re-measured and the latest value of each row is reported.
ONLY=${ONLY:-}
[[ -z $ONLY ]] && : >"$RES/rows.tsv"
touch "$RES/rows.tsv"

gen() { # name items format [extra generate flags]
  local dir=$DATA/$1
  if [[ ! -f $dir/.done ]]; then
    rm -rf "$dir"
    echo "generating $1 ($2 items, $3 ${4:-})" >&2
    "$Q" generate --items "$2" --format "$3" --out "$dir" --seed 42 --defect-rate 0.05 ${4:-}
    touch "$dir/.done"
  fi
}

human() { awk -v n="$1" 'BEGIN { if (n >= 1000000) printf "%gM", n/1000000; else printf "%gk", n/1000 }'; }
S=$(human $SMALL) L=$(human $LARGE) G=$(human $GB) X=$(human $XLSX)
gen "csv$S" "$SMALL" csv
gen "csv$L" "$LARGE" csv
gen "gb$G" "$GB" gb18030
gen "xlsx$X" "$XLSX" xlsx
# The same catalogs as one list (a platform's export of every implementation item).
gen "one-csv$S" "$SMALL" csv --one-file
gen "one-csv$L" "$LARGE" csv --one-file
gen "one-gb$G" "$GB" gb18030 --one-file
gen "one-xlsx$X" "$XLSX" xlsx --one-file

# measure LABEL RUNS FLOOR_LABEL COMMAND: median (hyperfine) and peak RSS (one /usr/bin/time -v run).
measure() {
  local label=$1 runs=$2 floor=$3 cmd=$4
  if [[ -n $ONLY ]] && ! [[ $label =~ $ONLY ]]; then
    return
  fi
  echo "== $label: $cmd" >&2
  # check exits 1 when it finds errors; anything else (2, or a missing command) is a failure.
  local rc=0
  bash -c "$cmd" >/dev/null 2>"$RES/$label.err" || rc=$?
  if [[ $rc != 0 && $rc != 1 ]]; then
    echo "   skipped (exit $rc: $(head -c 200 "$RES/$label.err"))" >&2
    printf '%s\t%s\t%s\t%s\t%s\n' "$label" "skipped" "" "$floor" "$cmd" >>"$RES/rows.tsv"
    return
  fi
  # The run above warmed the page cache; hyperfine adds no warmup of its own. Without a shell
  # (-N) only for a plain command: `-N` would hand `&&` and what follows to the first program.
  if [[ $cmd == *[\&\|\;\>\<]* ]]; then
    hyperfine -i --runs "$runs" --export-json "$RES/$label.json" "$cmd" >/dev/null
  else
    hyperfine -i -N --runs "$runs" --export-json "$RES/$label.json" "$cmd" >/dev/null 2>&1 ||
      hyperfine -i --runs "$runs" --export-json "$RES/$label.json" "$cmd" >/dev/null
  fi
  local median rss
  median=$(python3 -c "import json,sys; print(json.load(open(sys.argv[1]))['results'][0]['median'])" "$RES/$label.json")
  rss=$(/usr/bin/time -v bash -c "$cmd >/dev/null 2>&1" 2>&1 | awk -F': ' '/Maximum resident set size/ {print $2}') || true
  printf '%s\t%s\t%s\t%s\t%s\n' "$label" "$median" "$rss" "$floor" "$cmd" >>"$RES/rows.tsv"
  echo "   median ${median}s, peak RSS ${rss} KiB" >&2
}

measure "floor-utf8-$S" $RUNS_SMALL - "$F utf8 $DATA/csv$S"
measure "floor-bytes-$S" $RUNS_SMALL - "$F bytes $DATA/csv$S"
measure "floor-utf8-$L" $RUNS_LARGE - "$F utf8 $DATA/csv$L"
measure "floor-bytes-$L" $RUNS_LARGE - "$F bytes $DATA/csv$L"
measure "floor-gb18030-$G" $RUNS_LARGE - "$F gb18030 $DATA/gb$G"
measure "floor-xlsx-$X" $RUNS_SMALL - "$F xlsx $DATA/xlsx$X"
measure "floor-export-$S" $RUNS_SMALL - "$F export $RES/floor-export.xlsx $DATA/csv$S"
measure "floor-utf8-one-$S" $RUNS_SMALL - "$F utf8 $DATA/one-csv$S"
measure "floor-utf8-one-$L" $RUNS_LARGE - "$F utf8 $DATA/one-csv$L"
measure "floor-gb18030-one-$G" $RUNS_LARGE - "$F gb18030 $DATA/one-gb$G"
measure "floor-xlsx-one-$X" $RUNS_SMALL - "$F xlsx $DATA/one-xlsx$X"

measure "check-csv-$S" $RUNS_SMALL "floor-utf8-$S" "$Q check $DATA/csv$S --format json"
measure "check-csv-$L" $RUNS_LARGE "floor-utf8-$L" "$Q check $DATA/csv$L --format json"
measure "check-gb18030-$G" $RUNS_LARGE "floor-gb18030-$G" "$Q check $DATA/gb$G --format json"
measure "check-xlsx-$X" $RUNS_SMALL "floor-xlsx-$X" "$Q check $DATA/xlsx$X --format json"
measure "ingest-ndjson-$S" $RUNS_SMALL "floor-utf8-$S" "$Q ingest --format ndjson $DATA/csv$S"
measure "ingest-ndjson-$L" $RUNS_LARGE "floor-utf8-$L" "$Q ingest --format ndjson $DATA/csv$L"
measure "export-$S" $RUNS_SMALL "floor-export-$S" "$Q --quiet export $DATA/csv$S -o $RES/export.xlsx"
measure "return-$S" $RUNS_SMALL "floor-export-$S" "rm -rf $RES/return && $Q --quiet return $DATA/csv$S -o $RES/return"
# One file: the whole catalog in one list, with one and two threads.
measure "check-one-csv-$S-j1" $RUNS_SMALL "floor-utf8-one-$S" "$Q -j 1 check $DATA/one-csv$S --format json"
measure "check-one-csv-$S-j2" $RUNS_SMALL "floor-utf8-one-$S" "$Q -j 2 check $DATA/one-csv$S --format json"
measure "check-one-csv-$L" $RUNS_LARGE "floor-utf8-one-$L" "$Q check $DATA/one-csv$L --format json"
measure "check-one-csv-$L-j1" $RUNS_LARGE "floor-utf8-one-$L" "$Q -j 1 check $DATA/one-csv$L --format json"
measure "ingest-ndjson-one-$L" $RUNS_LARGE "floor-utf8-one-$L" "$Q ingest --format ndjson $DATA/one-csv$L"
measure "check-one-gb18030-$G" $RUNS_LARGE "floor-gb18030-one-$G" "$Q check $DATA/one-gb$G --format json"
measure "check-one-xlsx-$X" $RUNS_SMALL "floor-xlsx-one-$X" "$Q check $DATA/one-xlsx$X --format json"
measure "check-csv-$S-j1" $RUNS_SMALL "floor-utf8-$S" "$Q -j 1 check $DATA/csv$S --format json"

# Optional peers, only when installed.
if need qsv; then
  measure "qsv-count-$L" $RUNS_LARGE "floor-utf8-$L" "qsv count $DATA/csv$L/*.csv"
fi
if need frictionless; then
  measure "frictionless-validate-$S" 1 "floor-utf8-$S" "frictionless validate $DATA/csv$S/基本目录.csv"
fi

python3 - "$RES/rows.tsv" "$OUT_MD" "$S" "$L" "$QUICK" <<'PY'
import os, subprocess, sys
rows_path, out, small, large, quick = sys.argv[1:]
rows = {}
order = []
for line in open(rows_path, encoding="utf-8"):
    label, median, rss, floor, cmd = line.rstrip("\n").split("\t")
    rows[label] = (median, rss, floor, cmd)
    if label not in order:
        order.append(label)

def sh(c):
    try:
        return subprocess.run(c, shell=True, capture_output=True, text=True).stdout.rstrip()
    except Exception:
        return "?"

cpu = sh("grep -m1 'model name' /proc/cpuinfo | cut -d: -f2").strip()
lines = [
    "# Benchmarks" + (" (quick)" if quick == "1" else ""),
    "",
    "Generated by `bench/run.sh" + (" --quick" if quick == "1" else "") + "` (hyperfine medians; peak RSS from `/usr/bin/time -v`).",
    "Data: `qingdan generate --seed 42 --defect-rate 0.05` (four-level 包头市 catalog, 48 columns, ~2.5 KB per row).",
    "The floors (`examples/floor.rs`) parse every cell and count them, nothing else; the export floor writes the cells `export` writes (item rows, 办事指南 label/value rows, 申请材料 rows) as plain strings.",
    "",
    f"Machine: `nproc` = {sh('nproc')}; CPU: {cpu}; load average at the end: {sh('cat /proc/loadavg')}.",
    "",
    "```",
    sh("free -h"),
    "```",
    "",
    "| run | median (s) | floor | floor median (s) | ratio to floor | peak RSS (MiB) |",
    "|---|---:|---|---:|---:|---:|",
]
for label in order:
    median, rss, floor, cmd = rows[label]
    if median == "skipped":
        lines.append(f"| {label} | skipped (command failed) | {floor} | | | |")
        continue
    fm = rows.get(floor, ("", "", "", ""))[0] if floor != "-" else ""
    ratio = f"{float(median) / float(fm):.2f}" if fm not in ("", "skipped") else ""
    rss_mib = f"{int(rss) / 1024:.0f}" if rss else ""
    lines.append(f"| {label} | {float(median):.3f} | {floor if floor != '-' else ''} | {float(fm):.3f} | {ratio} | {rss_mib} |" if fm not in ("", "skipped") else f"| {label} | {float(median):.3f} | | | | {rss_mib} |")
a, b = rows.get(f"check-csv-{small}"), rows.get(f"check-csv-{large}")
if a and b and "skipped" not in (a[0], b[0]):
    lines += ["", f"Scaling: check {large} / check {small} time ratio = {float(b[0]) / float(a[0]):.2f}."]
lines += ["", "Commands:", ""]
for label in order:
    lines.append(f"- `{label}`: `{rows[label][3].replace(os.getcwd() + '/', '')}`")
if os.path.exists("bench/NOTES.md"):
    lines += ["", open("bench/NOTES.md", encoding="utf-8").read().rstrip()]
open(out, "w", encoding="utf-8").write("\n".join(lines) + "\n")
print("\n".join(lines))
PY
