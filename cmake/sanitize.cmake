# HOTPATH_SANITIZE: the build and the whole test suite under sanitizers
# (included by the top-level CMakeLists.txt before any target).
#
#   cmake -S . -B build-asan -DHOTPATH_SANITIZE=address,undefined
#   cmake -S . -B build-tsan -DHOTPATH_SANITIZE=thread
#
# Every target of the build but the compiler plugins (MODULE libraries,
# loaded into cc1 or clang, which are not sanitized programs) is compiled
# and linked with -fsanitize=<list> -fno-sanitize-recover=all: the runtime,
# its unit tests, the examples, the wrapper and the hotpath command. The
# programs the end-to-end tests compile through the plugins get the same
# flags through the compiler wrappers of tests/CMakeLists.txt
# (<build>/sanitize-cc/<compiler>). Each test runs with halt_on_error and
# the sanitizers' reports written to <build>/sanitizer-reports/; the last
# test, sanitizer_reports_none, fails if any report is there (`make
# test-sanitize` runs both trees; docs/reliability.md#the-suite-under-sanitizers).
# The plugins are built as in a normal tree (no sanitizer flags).
set(HOTPATH_SANITIZE "" CACHE STRING
  "Build and test under these sanitizers: address,undefined or thread (empty: none)")
set(HOTPATH_SANITIZE_FLAGS "")
if(HOTPATH_SANITIZE)
  string(REPLACE "," ";" _hotpath_sans "${HOTPATH_SANITIZE}")
  foreach(_s ${_hotpath_sans})
    if(NOT _s MATCHES "^(address|undefined|thread|leak)$")
      message(FATAL_ERROR "HOTPATH_SANITIZE=${HOTPATH_SANITIZE}: '${_s}' is not one of "
        "address, undefined, thread, leak (e.g. address,undefined or thread)")
    endif()
  endforeach()
  if("thread" IN_LIST _hotpath_sans AND ("address" IN_LIST _hotpath_sans OR "leak" IN_LIST _hotpath_sans))
    message(FATAL_ERROR "HOTPATH_SANITIZE=${HOTPATH_SANITIZE}: thread cannot be combined with "
      "address or leak (use two build trees, as make test-sanitize does)")
  endif()
  set(HOTPATH_SANITIZE_FLAGS -fsanitize=${HOTPATH_SANITIZE} -fno-sanitize-recover=all
    -fno-omit-frame-pointer)
  foreach(_f ${HOTPATH_SANITIZE_FLAGS})
    add_compile_options("$<$<NOT:$<STREQUAL:$<TARGET_PROPERTY:TYPE>,MODULE_LIBRARY>>:${_f}>")
    add_link_options("$<$<NOT:$<STREQUAL:$<TARGET_PROPERTY:TYPE>,MODULE_LIBRARY>>:${_f}>")
  endforeach()
  set(HOTPATH_SANITIZER_REPORTS ${CMAKE_BINARY_DIR}/sanitizer-reports)
  message(STATUS "hotpath: built and tested under -fsanitize=${HOTPATH_SANITIZE} "
    "(reports go to ${HOTPATH_SANITIZER_REPORTS})")
endif()

# hotpath_sanitize_dir_tests(): called at the end of each CMakeLists.txt
# that adds tests (CMake 3.25 sets test properties only in the directory of
# the test). Every test there gets the sanitizers' options (halt at the
# first report, reports written to HOTPATH_SANITIZER_REPORTS) and the
# fixture whose cleanup, sanitizer_reports_none (tests/CMakeLists.txt),
# fails when any report was written: a report from a process whose exit
# status no test looks at (a reference build, a forked child) still fails
# the suite.
function(hotpath_sanitize_dir_tests)
  if(NOT HOTPATH_SANITIZE)
    return()
  endif()
  set(r ${HOTPATH_SANITIZER_REPORTS})
  get_property(tests DIRECTORY PROPERTY TESTS)
  foreach(t ${tests})
    if(t MATCHES "^sanitizer_reports_")
      continue()
    endif()
    set_property(TEST ${t} APPEND PROPERTY ENVIRONMENT
      "ASAN_OPTIONS=halt_on_error=1:detect_leaks=1:log_path=${r}/asan"
      "UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1:log_path=${r}/ubsan"
      "TSAN_OPTIONS=halt_on_error=1:second_deadlock_stack=1:log_path=${r}/tsan:suppressions=${PROJECT_SOURCE_DIR}/tests/sanitize/tsan.supp")
    set_property(TEST ${t} APPEND PROPERTY FIXTURES_REQUIRED hotpath_sanitizer_reports)
    # Sanitized programs run 2-15 times slower: three times the time limit.
    get_test_property(${t} TIMEOUT limit)
    if(limit)
      math(EXPR limit "${limit} * 3")
      set_tests_properties(${t} PROPERTIES TIMEOUT ${limit})
    endif()
  endforeach()
endfunction()
