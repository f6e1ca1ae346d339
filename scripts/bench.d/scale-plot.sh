#!/usr/bin/env bash
# Plots OUT_DIR/scale.tsv (from scale.sh) as OUT_DIR/scale.png: wall time and
# peak RSS against the number of lineages, one line per label and command.
# usage: scripts/bench.d/scale-plot.sh OUT_DIR
set -euo pipefail
out=$(realpath "$1")
tsv=$out/scale.tsv
series=$(cut -f1,2 "$tsv" | sort -u | tr '\t' ' ')
plot_cmd() { # COLUMN
  local first=1 label what
  while read -r label what; do
    ((first)) || printf ', '
    first=0
    printf "\"< awk -F'\\\\t' '\$1==\\\"%s\\\" && \$2==\\\"%s\\\"' %s\" using 3:%s with linespoints title \"%s %s\"" \
      "$label" "$what" "$tsv" "$1" "$label" "$what"
  done <<<"$series"
}
gnuplot <<GP
set terminal pngcairo size 1200,500 noenhanced
set output "$out/scale.png"
set multiplot layout 1,2
set logscale xy
set xlabel "lineages"
set key left top
set grid
set title "wall time (s)"
plot $(plot_cmd 4)
set title "peak RSS (KB)"
plot $(plot_cmd 6)
unset multiplot
GP
