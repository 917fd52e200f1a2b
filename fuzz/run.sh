#!/usr/bin/env bash
# Fuzzing tiaokuai with cargo-fuzz (libFuzzer); see fuzz/README.md.
#
#   fuzz/run.sh build                       build every target
#   fuzz/run.sh smoke [SECONDS]             every target for SECONDS (default 20) over the seeds;
#                                           exits 1 on any crash, hang or out-of-memory
#   fuzz/run.sh long SECONDS [TARGET...]    the targets (default all) for SECONDS each, keeping
#                                           what they find in fuzz/corpus-run/TARGET
#
# Environment: FUZZ_JOBS targets at once (default 3 for smoke, 2 for long), FUZZ_LOG_DIR the long runs' logs
# (default fuzz/logs), CARGO_TARGET_DIR (default the workspace's target/), FUZZ_ARGS extra
# libFuzzer flags, FUZZ_BUILD=0 (long) runs the targets as last built, FUZZ_CGU the core's code-generation
# units (default 16 for smoke, 1 for build and long), FUZZ_OPT the opt-level (default 1 for smoke, 3
# for build and long). Builds with cargo itself, with cargo-fuzz's flags (below); uses the nightly
# toolchain when rustup has one, but stable does as well.
set -uo pipefail

FUZZ=$(cd "$(dirname "$0")" && pwd)
ROOT=$(dirname "$FUZZ")
ALL=(load_json load_json_streamed load_csv divisions scenario audit_config load_query strict_inputs output_linear case_log change_apply load_image)
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
JOBS=${FUZZ_JOBS:-2}
# Each input gets 10 s and 2 GiB; libFuzzer prints its statistics at the end.
LIMITS=(-timeout=10 -rss_limit_mb=2048 -print_final_stats=1)

die() { echo "fuzz: $*" >&2; exit 1; }

setup() {
  CARGO=(cargo)
  if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then CARGO=(cargo +nightly); fi
  local triple
  triple=$("${CARGO[@]}" -vV | sed -n 's/^host: //p') || return 1
  TRIPLE=$triple
  BIN=$TARGET_DIR/$triple/release
}

# The build `cargo fuzz build --sanitizer none` makes (cargo-fuzz 0.13: libFuzzer's coverage
# instrumentation, `--cfg fuzzing`, debug assertions and with them overflow checks), run by
# cargo directly: nothing to install, no nightly compiler, and the
# code-generation units chosen per use. cargo-fuzz forces one unit so that its release builds
# inline as much as they can; the long runs keep that (FUZZ_CGU=1), the smoke, which builds
# every time and runs 10 s, splits the core into 16 (both cores compile it at once; fewer
# executions per second, every seed still runs). The smoke also builds at opt-level 1 (FUZZ_OPT;
# 3 for build and long): 147 s of wall time against 211 s, and as many executions in its 10 s
# (load_json 114,095 against 92,309: what the seeds run is mostly parsing, where opt-level 1
# already inlines). `cargo fuzz run TARGET` works too.
# The core has no unsafe code, so no sanitizer: twice the executions per second.
build() {
  local cgu=${FUZZ_CGU:-1}
  local opt=${FUZZ_OPT:-3}
  local flags=(-Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4
    -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table
    -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing
    -Cllvm-args=-simplifycfg-branch-fold-threshold=0 -Cllvm-args=-sanitizer-coverage-stack-depth
    -Cdebug-assertions "-Ccodegen-units=$cgu")
  (cd "$ROOT" && RUSTFLAGS="${flags[*]} ${RUSTFLAGS:-}" "${CARGO[@]}" build --manifest-path "$FUZZ/Cargo.toml" \
    --target "$TRIPLE" --release --config 'profile.release.debug="line-tables-only"' --config "profile.release.opt-level=$opt" \
    --bins --target-dir "$TARGET_DIR")
}

# run TARGET SECONDS CORPUS LOG ARTIFACTS: one libFuzzer run; its exit code.
run() {
  local t=$1 secs=$2 corpus=$3 log=$4 art=$5
  mkdir -p "$corpus" "$art"
  # shellcheck disable=SC2086  # FUZZ_ARGS is a list of flags
  "$BIN_RUN/$t" "${LIMITS[@]}" -max_total_time="$secs" -artifact_prefix="$art/" ${FUZZ_ARGS:-} \
    "$corpus" "$FUZZ/corpus/$t" >"$log" 2>&1
}

# stat LOG NAME: a number from libFuzzer's final statistics.
stat() { sed -n "s/^stat::$2: *//p" "$1" | tail -1; }
# done_line LOG: "runs seconds" from "Done N runs in S second(s)".
done_line() { sed -n 's/^Done \([0-9]*\) runs in \([0-9]*\) second.*/\1 \2/p' "$1" | tail -1; }

# Runs "$@" (commands) with at most $JOBS at once.
parallel() {
  local cmd
  for cmd in "$@"; do
    while [ "$(jobs -rp | wc -l)" -ge "$JOBS" ]; do wait -n; done
    eval "$cmd" &
  done
  wait
}

explain() { # LOG ARTIFACTS: what went wrong, for a failed run
  grep -m 8 -E "panicked at|^ERROR: libFuzzer|^==[0-9]+== ERROR|SUMMARY: libFuzzer|out-of-memory|Test unit written" "$1" | sed 's/^/    /'
}

smoke() {
  local secs=${1:-20} tmp t passed=0 failed=0
  # Three at once: two rounds of SECONDS, so build and smoke fit in 3 minutes on 2 cores.
  JOBS=${FUZZ_JOBS:-3}
  export FUZZ_CGU=${FUZZ_CGU:-16}
  export FUZZ_OPT=${FUZZ_OPT:-1}
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' RETURN
  if ! setup || ! build; then
    echo "fuzz smoke: build failed"
    echo "Fuzz smoke: 0 passed, ${#ALL[@]} failed"
    return 1
  fi
  BIN_RUN=$BIN
  local cmds=()
  for t in "${ALL[@]}"; do
    cmds+=("run $t $secs $tmp/corpus-$t $tmp/$t.log $FUZZ/artifacts/$t; echo \$? >$tmp/$t.rc")
  done
  parallel "${cmds[@]}"
  for t in "${ALL[@]}"; do
    local rc runs s
    rc=$(cat "$tmp/$t.rc" 2>/dev/null || echo 1)
    read -r runs s <<<"$(done_line "$tmp/$t.log")"
    if [ "$rc" = 0 ] && [ -n "${runs:-}" ]; then
      echo "fuzz smoke: $t ok ($runs runs in $s s)"
      passed=$((passed + 1))
    else
      echo "fuzz smoke: $t FAILED (exit $rc; input kept in fuzz/artifacts/$t/)"
      explain "$tmp/$t.log"
      failed=$((failed + 1))
    fi
  done
  echo "Fuzz smoke: $passed passed, $failed failed"
  [ "$failed" = 0 ]
}

long() {
  local secs=${1:-} t
  [[ "$secs" =~ ^[0-9]+$ ]] || die "usage: fuzz/run.sh long SECONDS [TARGET...]"
  shift
  local targets=("$@")
  [ ${#targets[@]} -gt 0 ] || targets=("${ALL[@]}")
  for t in "${targets[@]}"; do [ -f "$FUZZ/fuzz_targets/$t.rs" ] || die "no target $t"; done
  setup || die "cannot set up the toolchain"
  [ "${FUZZ_BUILD:-1}" = 0 ] || build || die "build failed"
  local logs=${FUZZ_LOG_DIR:-$FUZZ/logs}
  mkdir -p "$logs/bin"
  # Run copies, so that a rebuild meanwhile does not replace a running binary.
  for t in "${targets[@]}"; do cp "$BIN/$t" "$logs/bin/.$t.tmp" && mv "$logs/bin/.$t.tmp" "$logs/bin/$t"; done
  BIN_RUN=$logs/bin
  local cmds=()
  for t in "${targets[@]}"; do
    cmds+=("s=\$(date +%s); run_nice $t $secs; echo \$? \$s \$(date +%s) >$logs/$t.rc")
  done
  echo "fuzz long: ${targets[*]} for $secs s each, $JOBS at once; logs in $logs"
  parallel "${cmds[@]}"
  report "$logs" "${targets[@]}"
}

# run_nice TARGET SECONDS: one long run at the lowest priority, logging to $logs/TARGET.log.
# A timeout whose input then runs within the limit was a stall of a loaded machine, not a
# hang of the code: the input is removed, the stall logged, and the run resumed.
run_nice() {
  local t=$1 left=$2 start rc art log
  log=$logs/$1.log
  mkdir -p "$FUZZ/corpus-run/$t" "$FUZZ/artifacts/$t"
  : >"$log"
  while :; do
    start=$(date +%s)
    # shellcheck disable=SC2086
    nice -n 19 "$BIN_RUN/$t" "${LIMITS[@]}" -max_total_time="$left" -artifact_prefix="$FUZZ/artifacts/$t/" \
      ${FUZZ_ARGS:-} "$FUZZ/corpus-run/$t" "$FUZZ/corpus/$t" >>"$log" 2>&1
    rc=$?
    left=$((left - ($(date +%s) - start)))
    [ "$rc" = 70 ] || return "$rc" # 70: libFuzzer's exit code for a timeout
    # shellcheck disable=SC2012  # libFuzzer names artifacts by hex digest
    art=$(ls -t "$FUZZ/artifacts/$t"/timeout-* 2>/dev/null | head -1)
    [ -n "$art" ] && timeout 10 "$BIN_RUN/$t" "$art" >/dev/null 2>&1 || return 70
    echo "fuzz: stall: $art runs within the limit on its own; removed, resuming for $left s" >>"$log"
    rm -f "$art"
    [ "$left" -gt 10 ] || return 0
  done
}

report() { # LOGDIR TARGET...: the table of a long run, also written to LOGDIR/summary.md
  local logs=$1 t
  shift
  {
    echo "| target | wall s | executions | exec/s | corpus (units/size) | new inputs kept | peak RSS MB | crashes |"
    echo "|---|---:|---:|---:|---|---:|---:|---|"
    for t in "$@"; do
      local rc=1 start=0 end=0 log corp crash
      log=$logs/$t.log
      [ -f "$logs/$t.rc" ] && read -r rc start end <"$logs/$t.rc"
      corp=$(grep -E '^#[0-9]+[[:space:]]+DONE' "$log" | sed -n 's/.*corp: \([^ ]*\).*/\1/p' | tail -1)
      crash=none
      [ "$rc" = 0 ] || crash="exit $rc: $(grep -m1 -oE 'panicked at [^:]+:[0-9]+|deadly signal|timeout|out-of-memory' "$log" || echo see log)"
      local execs stalls wall=$((end - start))
      execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | awk '{s += $1} END {print s + 0}')
      stalls=$(grep -c '^fuzz: stall:' "$log")
      [ "$stalls" = 0 ] || crash="$crash ($stalls stalls resumed)"
      printf '| %s | %s | %s | %s | %s | %s | %s | %s |\n' "$t" "$wall" "$execs" "$((execs / (wall > 0 ? wall : 1)))" \
        "${corp:-?}" "$(find "$FUZZ/corpus-run/$t" -type f | wc -l)" \
        "$(sed -n 's/^stat::peak_rss_mb: *//p' "$log" | sort -n | tail -1)" "$crash"
    done
  } | tee "$logs/summary.md"
}

case "${1:-}" in
  build) setup && build ;;
  smoke) shift; smoke "$@" ;;
  long) shift; long "$@" ;;
  *) die "usage: fuzz/run.sh build | smoke [SECONDS] | long SECONDS [TARGET...]" ;;
esac
