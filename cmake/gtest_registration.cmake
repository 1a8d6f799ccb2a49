# How a GoogleTest executable's tests become CTest tests.
#
#   midimon_gtests(<target> [TEST_PREFIX p] [DISCOVERY_TIMEOUT s] [PROPERTIES k v ...])
#
# takes gtest_discover_tests' arguments. Two ways, chosen by MIDIMON_TEST_SHARDS:
#
#   0 (the default; the release preset)  one CTest test per GoogleTest test, found by
#       gtest_discover_tests after the build: each test runs in a process of its own, so
#       one test's leftovers cannot make another pass or fail, and a failure names its
#       test.
#   N > 0 (the asan preset)  N CTest tests per executable, <prefix><target>.shard-i-of-N,
#       each running every N-th test through GoogleTest's own sharding
#       (GTEST_TOTAL_SHARDS / GTEST_SHARD_INDEX), so together they run every test once.
#       A sanitized process costs ~0.1 s to start and exit (unit_tests: 0.10 s for no
#       test, against 0.01 s in release); over ~2,800 tests that was a third of the asan
#       stage's test time (docs/performance.md, "Build time (CI)"). No discovery step
#       runs at build time either. A failing shard's output names each failed test
#       (scripts/test-failure-digest prints them).
#
# The release stage keeps the per-test isolation; the asan stage runs the same tests
# again for memory errors, where sharing a process also shows leaks across tests.
set(MIDIMON_TEST_SHARDS 0 CACHE STRING
    "0: one CTest test per GoogleTest test; N > 0: N shards per test executable")

# A shard runs many tests: it gets a time limit of its own, not one test's.
set(MIDIMON_TEST_SHARD_TIMEOUT 900)

function(midimon_gtests target)
  if(MIDIMON_TEST_SHARDS EQUAL 0)
    gtest_discover_tests(${target} ${ARGN})
    return()
  endif()
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "TEST_PREFIX;DISCOVERY_TIMEOUT" "PROPERTIES")
  if(arg_UNPARSED_ARGUMENTS)
    message(FATAL_ERROR "midimon_gtests(${target}): unknown arguments ${arg_UNPARSED_ARGUMENTS}")
  endif()
  # The per-test properties apply to each shard, but for its time limit; an ENVIRONMENT
  # of their own is kept beside the shard's variables.
  set(properties)
  set(environment)
  list(LENGTH arg_PROPERTIES n)
  math(EXPR last "${n} - 1")
  if(n GREATER 0)
    foreach(i RANGE 0 ${last} 2)
      math(EXPR v "${i} + 1")
      list(GET arg_PROPERTIES ${i} key)
      list(GET arg_PROPERTIES ${v} value)
      if(key STREQUAL "ENVIRONMENT")
        list(APPEND environment ${value})
      elseif(NOT key STREQUAL "TIMEOUT")
        list(APPEND properties ${key} ${value})
      endif()
    endforeach()
  endif()
  math(EXPR last_shard "${MIDIMON_TEST_SHARDS} - 1")
  foreach(i RANGE 0 ${last_shard})
    set(name "${arg_TEST_PREFIX}${target}.shard-${i}-of-${MIDIMON_TEST_SHARDS}")
    set(shard_environment ${environment}
        GTEST_TOTAL_SHARDS=${MIDIMON_TEST_SHARDS} GTEST_SHARD_INDEX=${i})
    add_test(NAME ${name} COMMAND ${target})
    set_tests_properties(${name} PROPERTIES
      ENVIRONMENT "${shard_environment}"
      TIMEOUT ${MIDIMON_TEST_SHARD_TIMEOUT} ${properties})
  endforeach()
endfunction()
