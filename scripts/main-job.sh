#!/usr/bin/env bash
# The main job: train the tutorial's classifier on Fashion-MNIST end to end from the command line.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-data.sh
# NOTE: Maven 3.8 prints ANSI resets even when quiet; keep them out of the job's log
mvn -B -ntp -q install -DskipTests 2>&1 | sed 's/\x1b\[0m//g'
bin/tapekit train --config samples/configs/fashion-mnist-mlp.yaml --output out/fashion-mnist-mlp "$@"
