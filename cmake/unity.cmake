# Unity build: CMake compiles the .cc files of the library and of the unit
# tests in batches, one translation unit per batch, so the headers every file
# includes (Boost.JSON, fmt, GoogleTest) and the templates they instantiate are
# compiled once per batch instead of once per file. On two cores it is the
# largest single cut in the suite's time (docs/BENCHMARKS.md).
#
# The rule it asks of the code: file-local names must not clash within a
# batch. Library files give their helpers names of their own; the unit tests
# and the CLI commands put theirs in a namespace named after the file
# (`namespace cases_test {`), not an anonymous one.
# -DATIENDE_UNITY=OFF builds file by file (what clang-tidy and a one-file edit
# loop see).
option(ATIENDE_UNITY "Compile the library and the unit tests in batches (unity build)" ON)
set(ATIENDE_UNITY_BATCH 16 CACHE STRING "Files per unity batch")

function(atiende_unity_build)
  if(NOT ATIENDE_UNITY)
    return()
  endif()
  foreach(t ${ARGN})
    if(TARGET ${t})
      set_target_properties(${t} PROPERTIES UNITY_BUILD ON UNITY_BUILD_BATCH_SIZE ${ATIENDE_UNITY_BATCH})
    endif()
  endforeach()
  # Compiled alone: the generated files (mostly string literals), and the
  # HTTP server, whose coroutine frames hold types of its anonymous namespace
  # (GCC warns, -Wsubobject-linkage, when such a file is included into
  # another); as the heaviest file it is also best compiled beside a batch.
  set_source_files_properties(${EMBED_CC} ${ATIENDE_WEB_CC} ${CMAKE_SOURCE_DIR}/src/http/server.cc
    PROPERTIES SKIP_UNITY_BUILD_INCLUSION ON)
endfunction()
