# libFuzzer targets (clang -fsanitize=fuzzer,address,undefined), each built
# with clang whatever the project's compiler, and each a ctest test that
# fuzzes for a bounded time from its committed seed corpus:
#
#   hotpath_fuzz_target(NAME test_name BINARY file_name SOURCES src...
#                       [INCLUDES dir...] [LIBS lib...] SEEDS seed_dir [ARGS libFuzzer-flag...])
#
# The test runs tests/fuzz/run.sh: HOTPATH_FUZZ_SECONDS (a cache variable,
# 30 by default) of fuzzing, new inputs kept in the build tree, a crash
# saved there and its reproducing command printed. `make fuzz
# FUZZ_SECONDS=600` (scripts/fuzz.sh) runs every target for longer; the
# list of targets is written to ${CMAKE_BINARY_DIR}/fuzz/targets.txt.
# Without a clang that has libFuzzer, each test is a skip with a message.
include_guard(GLOBAL)

set(HOTPATH_FUZZ_SECONDS 30 CACHE STRING "How long each fuzz test of ctest fuzzes (seconds)")
find_program(HOTPATH_FUZZ_CLANG NAMES clang clang-19 clang-14)
if(HOTPATH_FUZZ_CLANG AND NOT DEFINED HOTPATH_FUZZ_OK)
  set(_probe ${CMAKE_BINARY_DIR}/fuzz/probe.c)
  file(WRITE ${_probe} "#include <stddef.h>\n#include <stdint.h>\nint LLVMFuzzerTestOneInput(const uint8_t *d, size_t n) { (void)d; (void)n; return 0; }\n")
  execute_process(COMMAND ${HOTPATH_FUZZ_CLANG} -fsanitize=fuzzer,address,undefined ${_probe}
      -o ${CMAKE_BINARY_DIR}/fuzz/probe
    RESULT_VARIABLE _probe_rc OUTPUT_QUIET ERROR_QUIET)
  if(_probe_rc EQUAL 0)
    set(HOTPATH_FUZZ_OK TRUE CACHE INTERNAL "clang has libFuzzer")
  else()
    set(HOTPATH_FUZZ_OK FALSE CACHE INTERNAL "clang has libFuzzer")
  endif()
endif()
set_property(GLOBAL PROPERTY HOTPATH_FUZZ_LINES "")
if(NOT TARGET hotpath_fuzz)
  add_custom_target(hotpath_fuzz) # every fuzz binary (make fuzz builds this)
endif()

function(hotpath_fuzz_target)
  cmake_parse_arguments(F "" "NAME;BINARY;SEEDS" "SOURCES;INCLUDES;LIBS;ARGS" ${ARGN})
  set(_run ${PROJECT_SOURCE_DIR}/tests/fuzz/run.sh)
  if(NOT HOTPATH_FUZZ_OK)
    add_test(NAME ${F_NAME} COMMAND sh -c "echo '${F_NAME}: skipped: no clang with libFuzzer (clang -fsanitize=fuzzer) found; install clang (scripts/deps.sh)'; exit 77")
    set_tests_properties(${F_NAME} PROPERTIES SKIP_RETURN_CODE 77 LABELS "fuzz")
    return()
  endif()
  set(_dir ${CMAKE_BINARY_DIR}/fuzz/${F_BINARY})
  set(_bin ${_dir}/${F_BINARY})
  set(_inc "")
  foreach(d ${F_INCLUDES})
    list(APPEND _inc -I${d})
  endforeach()
  # IMPLICIT_DEPENDS does not see headers beside the sources (regex_cost.h,
  # options.def): depend on every header of the sources' and includes' folders
  set(_headers "")
  foreach(f ${F_SOURCES})
    get_filename_component(_d ${f} DIRECTORY)
    file(GLOB _h ${_d}/*.h ${_d}/*.def)
    list(APPEND _headers ${_h})
  endforeach()
  foreach(d ${F_INCLUDES})
    file(GLOB_RECURSE _h ${d}/*.h)
    list(APPEND _headers ${_h})
  endforeach()
  list(REMOVE_DUPLICATES _headers)
  add_custom_command(OUTPUT ${_bin}
    COMMAND ${CMAKE_COMMAND} -E make_directory ${_dir}
    COMMAND ${HOTPATH_FUZZ_CLANG} -g -O1 -fsanitize=fuzzer,address,undefined
      -fno-sanitize-recover=undefined ${_inc} ${F_SOURCES} ${F_LIBS} -o ${_bin}
    DEPENDS ${F_SOURCES} ${_headers}
    COMMENT "Building the fuzz target ${F_BINARY} with ${HOTPATH_FUZZ_CLANG}")
  add_custom_target(${F_BINARY} ALL DEPENDS ${_bin})
  add_dependencies(hotpath_fuzz ${F_BINARY})
  string(REPLACE ";" " " _args "${F_ARGS}")
  add_test(NAME ${F_NAME}
    COMMAND sh ${_run} ${_bin} ${F_SEEDS} ${_dir} ${HOTPATH_FUZZ_SECONDS} ${F_ARGS})
  # the run's own bound, plus building the corpus and the final merge
  math(EXPR _timeout "${HOTPATH_FUZZ_SECONDS} * 2 + 120")
  set_tests_properties(${F_NAME} PROPERTIES LABELS "fuzz" TIMEOUT ${_timeout})
  set_property(GLOBAL APPEND_STRING PROPERTY HOTPATH_FUZZ_LINES
    "${F_NAME}\t${_bin}\t${F_SEEDS}\t${_dir}\t${_args}\n")
  get_property(_lines GLOBAL PROPERTY HOTPATH_FUZZ_LINES)
  file(WRITE ${CMAKE_BINARY_DIR}/fuzz/targets.txt "${_lines}")
endfunction()
