# Precompiled headers, to cut the compile time of CI's builds (docs/performance.md,
# "Build time"). Two shared PCHs, each compiled once per build tree and reused
# (REUSE_FROM) by every target named below or in tests/CMakeLists.txt:
#   midimon_pch       the standard headers most sources include; the product libraries,
#                     the programs, the spec runner and the benchmarks;
#   midimon_test_pch  the same plus <gtest/gtest.h>; every GoogleTest executable.
# Reusing one PCH needs the same compile flags; within one preset every target has them
# (the target-level -D macros differ, but none appears in these headers). gcc warns
# (-Winvalid-pch, which CMake adds) when a PCH cannot be used: an error in the release
# build (-Werror), so a PCH that stopped matching is seen, not silently ignored.
#
# Parsing the standard headers costs ~1.5 s of CPU per source; loading their PCH, 0.2 s.
# Kept out, measured:
#   nlohmann/json  loading it costs 0.5 s more in every source; only one in seven uses it;
#   CLI11          its namespace-scope validators are compiled again in every source that
#                  sees them (4 s each), and few sources use it;
#   toml++         already compiled once: Debian's pkg-config sets TOML_HEADER_ONLY=0 and
#                  links libtomlplusplus.so;
#   <iostream>     would give every object a static initialiser (std::ios_base::Init).
# The engine (src/wasm, src/wasi) keeps its own includes: its sources include little, and
# the fuzz preset compiles interpreter.cpp with other sanitizer flags than its library.
#
# gcc before 13 does not keep `#pragma GCC diagnostic` in a PCH (GCC PR 64117). libstdc++
# 12's char_traits.h uses such pragmas to silence -Warray-bounds, -Wstringop-overflow and
# -Wstringop-overread in its own string code, where gcc 12 reports false positives at -O2
# (`std::string(a) + "b"`: "forming offset [32, 34] is out of the bounds [0, 32]");
# through the PCH they came back in 16 test sources and failed the release build. So
# with gcc < 13 every target that uses a PCH turns those three off, as libstdc++ does for
# its own code; AddressSanitizer (asan and fuzz builds) still catches out-of-bounds
# accesses at run time in what the tests and fuzzers run.
#
# -DCMAKE_DISABLE_PRECOMPILE_HEADERS=ON (CMake's own switch) builds without the PCHs,
# and then with those three warnings on: a build that also shows a source that forgets
# an #include the PCH gives it.
set(MIDIMON_PCH_STD_HEADERS
  <algorithm> <array> <atomic> <chrono> <condition_variable> <cstdint> <cstdio> <cstdlib>
  <cstring> <deque> <filesystem> <fstream> <functional> <map> <memory> <mutex> <optional>
  <regex> <set> <span> <sstream> <string> <string_view> <system_error> <thread>
  <unordered_map> <utility> <variant> <vector>)

set(MIDIMON_PCH_OPTIONS)
if(CMAKE_CXX_COMPILER_ID STREQUAL "GNU" AND CMAKE_CXX_COMPILER_VERSION VERSION_LESS 13
   AND NOT CMAKE_DISABLE_PRECOMPILE_HEADERS)
  set(MIDIMON_PCH_OPTIONS -Wno-array-bounds -Wno-stringop-overflow -Wno-stringop-overread)
endif()

# midimon_pch_anchor(name headers...): an object library with no code of its own that
# compiles the PCH of these headers for others to reuse.
function(midimon_pch_anchor name)
  set(anchor ${CMAKE_CURRENT_BINARY_DIR}/${name}_anchor.cpp)
  file(CONFIGURE OUTPUT ${anchor}
       CONTENT "// Anchor of the precompiled header ${name}: no code of its own.\n")
  add_library(${name} OBJECT ${anchor})
  target_precompile_headers(${name} PRIVATE ${ARGN})
  target_compile_options(${name} PRIVATE ${MIDIMON_PCH_OPTIONS})
endfunction()

# midimon_reuse_pch(pch targets...): these targets (when they exist) use that PCH.
function(midimon_reuse_pch pch)
  foreach(t IN LISTS ARGN)
    if(TARGET ${t})
      target_precompile_headers(${t} REUSE_FROM ${pch})
      target_compile_options(${t} PRIVATE ${MIDIMON_PCH_OPTIONS})
    endif()
  endforeach()
endfunction()
