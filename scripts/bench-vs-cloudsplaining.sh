#!/usr/bin/env bash
# Runs safeguard and Cloudsplaining on the same synthetic accounts, one after the other on this
# machine, and prints wall time and peak memory of each, so the ratio is measured side by side.
#
#   scripts/bench-vs-cloudsplaining.sh [ROLES ...]      (default: 1000 3000 10000)
#
# The account is the dense shape of benches/synth.rs (issue 12: a quarter as many users as roles,
# half as many customer-managed policies, many principals able to reach many others), in
# import-folder format; Cloudsplaining reads its iam/account-authorization-details.json, as
# `cloudsplaining scan --input-file` expects.
# safeguard runs the whole assessment (import, every check of the catalog) twice: writing
# results.json (the ratio is taken on this run), then JSON, CSV and Markdown (the PDF is left out
# because Cloudsplaining writes HTML, not PDF). Cloudsplaining is installed
# from PyPI into target/cloudsplaining-venv on first use.
set -euo pipefail
cd "$(dirname "$0")/.."

CLOUDSPLAINING_VERSION=0.9.1
venv=target/cloudsplaining-venv
if [ ! -x "$venv/bin/cloudsplaining" ]; then
  python3 -m venv "$venv"
  "$venv/bin/pip" install --quiet --disable-pip-version-check "cloudsplaining==$CLOUDSPLAINING_VERSION"
fi
cargo build --release --quiet --example synth_account --bin safeguard

sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(1000 3000 10000)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # label, command...: prints "label  seconds  peak MiB"
  local label=$1; shift
  # safeguard exits 1 when a control fails; only the measurement matters here.
  /usr/bin/time -o "$work/time.txt" -f "%e %M" "$@" >/dev/null 2>"$work/stderr-$label.txt" || true
  read -r secs kib < <(tail -n 1 "$work/time.txt")
  printf "  %-15s %8.2f s %8d MiB\n" "$label" "$secs" "$((kib / 1024))"
  echo "$secs" >"$work/last"
}

printf "%-10s %s\n" "roles" "tool, wall time, peak RSS"
for n in "${sizes[@]}"; do
  acct="$work/account-$n"
  target/release/examples/synth_account --dense "$n" "$acct" >/dev/null
  echo "$n"
  measure safeguard target/release/safeguard assess "$acct" -o "$work/sg-$n" --format json -q
  sg=$(cat "$work/last")
  measure "safeguard (md)" target/release/safeguard assess "$acct" -o "$work/sg-md-$n" --format json,csv,md -q
  mkdir -p "$work/cs-$n"
  measure cloudsplaining "$venv/bin/cloudsplaining" scan \
    --input-file "$acct/iam/account-authorization-details.json" --output "$work/cs-$n" --skip-open-report
  cs=$(cat "$work/last")
  # A run that wrote no report failed: say so rather than print a meaningless ratio.
  if ! ls "$work/cs-$n"/*.html >/dev/null 2>&1; then
    echo "  cloudsplaining wrote no report:" >&2
    tail -n 5 "$work/stderr-cloudsplaining.txt" >&2
    exit 1
  fi
  python3 -c "print('  ratio           %8.1fx' % ($cs / max($sg, 0.01)))"
done
