#!/usr/bin/env bash
# Plots OUT_DIR/scale.tsv (from scale.sh) as OUT_DIR/scale.png: wall time and
# peak RSS against the number of lineages, one line per label and command.
# usage: scripts/bench.d/scale-plot.sh OUT_DIR
set -euo pipefail
out=$(realpath "$1")
series=$out/scale-series
rm -rf "$series"
mkdir -p "$series"
# one file per label+command: N wall cpu rss
awk -F'\t' -v d="$series" '{ print $3, $4, $5, $6 / 1024 > (d "/" $1 "-" $2 ".dat") }' "$out/scale.tsv"
plots() { # COLUMN
  local f first=1
  for f in "$series"/*.dat; do
    ((first)) || printf ', '
    first=0
    printf '"%s" using 1:%s with linespoints title "%s"' "$f" "$1" "$(basename "$f" .dat)"
  done
}
gnuplot <<GP
set terminal pngcairo size 1200,500 noenhanced
set output "$out/scale.png"
set multiplot layout 1,2
set logscale xy
set xlabel "lineages"
set key left top
set grid
set title "CPU time, user+sys (s)"
plot $(plots 3)
set title "peak RSS (MB)"
plot $(plots 4)
unset multiplot
GP
