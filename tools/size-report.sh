#!/usr/bin/env bash
# What the shared library weighs in each build an app or a server would ship: builds the cdylib
# for each configuration below, strips a copy, and prints its size and its largest sections
# (`size -A`). Usage: tools/size-report.sh [--quick] (quick: the first two rows only).
set -euo pipefail
cd "$(dirname "$0")/.."
out=target/size-report
mkdir -p "$out"

# name | cargo profile | feature flags
configs=(
  "all families, default features|release|"
  "one family (cl100k), encode+decode, mobile|mobile|--no-default-features --features cl100k,encode,decode"
  "one family (cl100k), decode only, mobile|mobile|--no-default-features --features cl100k,decode"
  "all families, default features, mobile|mobile|"
)
[ "${1:-}" = "--quick" ] && configs=("${configs[@]:0:2}")

printf '%-48s %12s %10s %10s\n' "build" "stripped" ".text" ".rodata"
for c in "${configs[@]}"; do
  IFS='|' read -r name profile features <<<"$c"
  # -p tacc: the workspace's other members (the CLI) would unify the default features back in.
  # shellcheck disable=SC2086
  cargo rustc --quiet --locked -p tacc --lib --profile "$profile" --crate-type cdylib $features >&2
  lib="$out/libtacc-$(echo "$name" | tr -c 'a-z0-9' '-').so"
  # The unstripped build too, for `nm --size-sort -S` (set CARGO_PROFILE_MOBILE_STRIP=false to
  # keep the mobile profile's symbols; the stripped copy is the same size either way).
  cp "target/$profile/libtacc.so" "$lib.unstripped"
  strip -o "$lib" "target/$profile/libtacc.so"
  size -A "$lib" | awk -v name="$name" -v bytes="$(stat -c %s "$lib")" '
    $1 == ".text" { text = $2 } $1 == ".rodata" { ro = $2 }
    END { printf "%-48s %8.2f MiB %6.2f MiB %6.2f MiB\n", name, bytes / 1048576, text / 1048576, ro / 1048576 }'
done
echo "(stripped copies in $out; \`size -A FILE\` lists every section)"
