#!/usr/bin/env bash
# End-to-end training times, reported beside the step benchmark (docs/benchmarks.md):
#  1. the main job's training (scripts/main-job.sh's `tapekit train` of the MLP sample, 10 epochs), and
#  2. one epoch of the CNN sample (samples/configs/fashion-mnist-cnn.yaml with --epochs 1).
# Needs a source build of the CLI (mvn -B -DskipTests install, as main-job.sh does; this script does not
# build). Extra arguments go to both `tapekit train` runs. TAPEKIT_THREADS=N passes -Dtapekit.threads=N.
# Prints one Markdown table; the runs' own output is kept under out/bench-end-to-end/.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-data.sh
out=out/bench-end-to-end
mkdir -p "$out"
opts="-Xmx4g"
if [ -n "${TAPEKIT_THREADS:-}" ]; then opts="$opts -Dtapekit.threads=$TAPEKIT_THREADS"; fi
export TAPEKIT_JAVA_OPTS="${TAPEKIT_JAVA_OPTS:-$opts}"

# run NAME CONFIG [ARGS...]: wall seconds of one `tapekit train`, its log in $out/NAME.log
run() {
  local name=$1 config=$2
  shift 2
  local t0 t1
  t0=$(date +%s.%N)
  bin/tapekit train --config "$config" --output "$out/$name" "$@" >"$out/$name.log" 2>&1
  t1=$(date +%s.%N)
  echo "$t0 $t1" | awk '{printf "%.1f", $2 - $1}'
}

# The progress bar's per-epoch lines: the epochs' own seconds
epoch_seconds() {
  # "1875/1875 ━━━━ 2s 1ms/step - ...": the epoch's time is the first field after N/N that is a duration
  tr '\r' '\n' <"$1" | grep -E '^[0-9]+/[0-9]+ ' | awk '{split($1, p, "/"); if (p[1] != p[2]) next;
      for (i = 2; i <= NF; i++) if ($i ~ /^[0-9.]+(m|u)?s$/) {print $i; next}}' | paste -sd ' ' -
}

mlp=$(run main-job-mlp samples/configs/fashion-mnist-mlp.yaml "$@")
cnn=$(run cnn-one-epoch samples/configs/fashion-mnist-cnn.yaml --epochs 1 "$@")
echo
echo "| run | wall seconds (JVM start to exit) | epochs as the progress bar timed them |"
echo "|---|---:|---|"
echo "| main job: fashion-mnist-mlp.yaml, 10 epochs, batch 32 | $mlp | $(epoch_seconds "$out/main-job-mlp.log") |"
echo "| CNN sample: fashion-mnist-cnn.yaml, 1 epoch, batch 64 | $cnn | $(epoch_seconds "$out/cnn-one-epoch.log") |"
echo
echo "JVM options: $TAPEKIT_JAVA_OPTS; logs in $out/"
