#!/usr/bin/env bash
# Release gate: runs the harness against the last release and the candidate of one broker in one run
# and fails when the candidate regresses a test that passed on the last release.
#   scripts/release-gate.sh <broker> <old-version> <new-version> [harness flags...]
#   e.g. scripts/release-gate.sh mosquitto 2.0.11 2.0.21 --suite smoke,conformance
# Each version must be one `--target <broker>@<version>` can run (npm test -- --target <broker>@x
# lists them); a trixie image missing from the engine is built first (.ci/build-trixie-image.sh, root).
# REPORT_DIR (default reports/release-gate) gets the run; its results.json is judged by
# scripts/version-verdict.ts. Exit codes: 0 no regression, 1 regressions, 2 bad input or broken rig.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ $# -lt 3 ]; then
  echo "usage: scripts/release-gate.sh <broker> <old-version> <new-version> [harness flags...]" >&2
  exit 2
fi
broker=$1 old=$2 new=$3
shift 3
[ "$old" != "$new" ] || { echo "error: old and new version are both $old; give the last release and the candidate" >&2; exit 2; }
report_dir=${REPORT_DIR:-reports/release-gate}

# Build a missing trixie image for either version (no-op when its tag exists or the version is the host's).
if [ "${RELEASE_GATE_BUILD:-1}" = 1 ] && [ -f ".ci/trixie/$broker.recipe" ] && grep -Eq "^VERSION=[\"']?($old|$new)[\"']?\$" ".ci/trixie/$broker.recipe"; then
  .ci/build-trixie-image.sh "$broker" >/dev/null || { echo "error: building the $broker trixie image failed (see above)" >&2; exit 2; }
fi

npx tsx lib/cli/main.ts --target "$broker@$old,$broker@$new" --report-dir "$report_dir" "$@"
code=$?
# 0 and 1 (some test failed on either version) both end in a results document to judge; anything
# else is bad input or a broken rig, which the harness has already explained.
case $code in
  0|1) ;;
  *) echo "release gate: the harness exited $code (2 = bad input or rig, 3 = thresholds); no verdict" >&2; exit 2 ;;
esac
npx tsx scripts/version-verdict.ts "$report_dir/latest/results.json" "$broker@$old" "$broker@$new"
