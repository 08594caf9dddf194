# Precompiled headers: the standard and third-party headers that most
# translation units parse (Boost.JSON above all) are parsed once per target
# instead of once per .cc. Only headers outside src/ belong here, so editing
# our own headers never invalidates the PCH. -DATIENDE_PCH=OFF builds without.
option(ATIENDE_PCH "Precompile the heavy third-party headers" ON)

set(ATIENDE_PCH_HEADERS
  <algorithm> <array> <atomic> <chrono> <cstdint> <cstdio> <filesystem>
  <fstream> <functional> <map> <memory> <mutex> <optional> <set> <sstream>
  <string> <string_view> <thread> <utility> <vector>
  <boost/json.hpp> <fmt/format.h> <date/date.h> <CLI/CLI.hpp>)

function(atiende_precompile_headers)
  if(NOT ATIENDE_PCH)
    return()
  endif()
  target_precompile_headers(atiende_lib PRIVATE ${ATIENDE_PCH_HEADERS})
  # The generated files are mostly string literals: no gain, skip the PCH load.
  set_source_files_properties(${EMBED_CC} ${ATIENDE_WEB_CC} PROPERTIES SKIP_PRECOMPILE_HEADERS ON)
  target_precompile_headers(atiende REUSE_FROM atiende_lib)
  # unit_tests gets -DGTEST_HAS_PTHREAD=1 from GTest, so it needs its own PCH.
  if(TARGET unit_tests)
    target_precompile_headers(unit_tests PRIVATE ${ATIENDE_PCH_HEADERS} <gtest/gtest.h>)
  endif()
  foreach(t ${ARGN})
    target_precompile_headers(${t} REUSE_FROM atiende_lib)
  endforeach()
endfunction()
