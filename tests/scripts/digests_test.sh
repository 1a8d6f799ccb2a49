#!/usr/bin/env bash
# scripts/test-failure-digest and scripts/test-skip-digest on a made-up ctest log: a
# failed shard, a passing shard with a skipped test, and a per-test CTest test that
# skipped (ctest lists that one itself, so the skip digest must not).
#   tests/scripts/digests_test.sh SCRIPTS_DIR
set -euo pipefail
scripts="$1"
build="$(mktemp -d)"
trap 'rm -rf "$build"' EXIT
mkdir -p "$build/Testing/Temporary"
cat > "$build/Testing/Temporary/LastTest.log" <<'LOG'
Start testing: Dec 01 22:27 UTC
----------------------------------------------------------
1/3 Testing: unit_tests.shard-0-of-4
1/3 Test: unit_tests.shard-0-of-4
Command: "/build/tests/unit_tests"
Directory: /build/tests
"unit_tests.shard-0-of-4" start time: Dec 01 22:27 UTC
Output:
----------------------------------------------------------
[ RUN      ] Parser.Good
[       OK ] Parser.Good (1 ms)
[ RUN      ] Parser.Bad
/src/parser_test.cpp:12: Failure
Expected equality of these values:
  parsed
    Which is: 3
  4
[  FAILED  ] Parser.Bad (3 ms)
[  FAILED  ] 1 test, listed below:
[  FAILED  ] Parser.Bad
<end of output>
Test time =   0.20 sec
----------------------------------------------------------
Test Failed.
"unit_tests.shard-0-of-4" end time: Dec 01 22:27 UTC
----------------------------------------------------------

2/3 Testing: desktop.desktop_tests.shard-2-of-4
2/3 Test: desktop.desktop_tests.shard-2-of-4
"desktop.desktop_tests.shard-2-of-4" start time: Dec 01 22:27 UTC
Output:
----------------------------------------------------------
[ RUN      ] Uinput.Types
/src/uinput_test.cpp:106: Skipped
SKIPPED LOUDLY: no /dev/uinput here
[  SKIPPED ] Uinput.Types (0 ms)
[ RUN      ] Volume.Mute
[       OK ] Volume.Mute (2 ms)
[  SKIPPED ] 1 test, listed below:
[  SKIPPED ] Uinput.Types
<end of output>
Test time =   0.10 sec
----------------------------------------------------------
Test Passed.
"desktop.desktop_tests.shard-2-of-4" end time: Dec 01 22:27 UTC
----------------------------------------------------------

3/3 Testing: desktop.Volume.Real
"desktop.Volume.Real" start time: Dec 01 22:27 UTC
Output:
----------------------------------------------------------
[ RUN      ] Volume.Real
/src/volume_test.cpp:40: Skipped
SKIPPED LOUDLY: no sound server
[  SKIPPED ] Volume.Real (0 ms)
<end of output>
Test time =   0.05 sec
----------------------------------------------------------
Test Passed.
"desktop.Volume.Real" end time: Dec 01 22:27 UTC
----------------------------------------------------------
End testing: Dec 01 22:27 UTC
LOG

fail() { echo "digests_test: $1" >&2; echo "--- output:" >&2; echo "$2" >&2; exit 1; }
expect() {  # expect OUTPUT TEXT: OUTPUT must contain the line fragment TEXT
  grep -qF -- "$2" <<<"$1" || fail "missing: $2" "$1"
}
refuse() {
  if grep -qF -- "$2" <<<"$1"; then fail "unexpected: $2" "$1"; fi
}

failures="$("$scripts/test-failure-digest" "$build")"
expect "$failures" "--- unit_tests.shard-0-of-4"
expect "$failures" "failed: Parser.Bad (3 ms)"
expect "$failures" "/src/parser_test.cpp:12: Failure"
refuse "$failures" "desktop"  # passing tests are not in it

skips="$("$scripts/test-skip-digest" "$build")"
expect "$skips" "Uinput.Types (desktop.desktop_tests.shard-2-of-4): SKIPPED LOUDLY: no /dev/uinput here"
expect "$skips" "1 test(s) skipped inside shards"
refuse "$skips" "Volume.Real"  # a per-test CTest test: ctest reports its skip itself
refuse "$skips" "Volume.Mute"

missing="$("$scripts/test-skip-digest" "$build/nowhere" 2>&1)"
expect "$missing" "no $build/nowhere/Testing/Temporary/LastTest.log"
echo "digests_test: ok"
