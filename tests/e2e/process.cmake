# Process-level behaviour of the runtime (included by tests/CMakeLists.txt):
# HOTPATH_SIGNAL's on-demand reports and the report at SIGTERM, through each
# plugin; sanitized programs linked with the normal runtime, through each
# plugin; the wall time added to a suite of short processes. The reports of processes ended
# by SIGTERM, SIGINT and timeout(1) are checked by tests/corpus/c_signal_exit.c.
set(_hotpath_signal_script ${CMAKE_CURRENT_SOURCE_DIR}/e2e/signal_reports.py)

function(hotpath_signal_test name cc flags)
  add_test(NAME ${name}
    COMMAND ${Python3_EXECUTABLE} ${_hotpath_signal_script}
      --cc ${cc} "--plugin-flags=${flags}"
      --include ${HOTPATH_RUNTIME_INCLUDE}
      --lib $<TARGET_FILE:hotpath_static>
      --work ${CMAKE_CURRENT_BINARY_DIR}/${name})
  set_tests_properties(${name} PROPERTIES TIMEOUT 120)
  # A program built with -fsanitize=address,undefined and =thread, linked
  # with the normal runtime: clean, timing exact, tracking stepping aside.
  # Not under HOTPATH_SANITIZE, whose runtime is itself sanitized (with one
  # of the two sanitizers): the normal suite runs it.
  if(HOTPATH_SANITIZE)
    return()
  endif()
  string(REPLACE "_signal_reports" "_sanitizers" san_name ${name})
  add_test(NAME ${san_name}
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/sanitizers.py
      --cc ${cc} "--plugin-flags=${flags}"
      --include ${HOTPATH_RUNTIME_INCLUDE}
      --lib $<TARGET_FILE:hotpath_static>
      --work ${CMAKE_CURRENT_BINARY_DIR}/${san_name})
  set_tests_properties(${san_name} PROPERTIES TIMEOUT 300)
endfunction()

# The ratio of wall times is not hotpath's under a sanitizer (ASan's and
# TSan's start-up, shadow memory, dominate processes of under 1 ms): not
# run under HOTPATH_SANITIZE.
if(TARGET hotpath_gcc_plugin)
  hotpath_signal_test(gcc_signal_reports ${HOTPATH_TEST_CC}
    -fplugin=${CMAKE_BINARY_DIR}/plugin-gcc/hotpath.so)
  # 200 processes of under 1 ms, with and without hotpath: the median ratio
  # of paired blocks of 25 in one run, and the page faults added per
  # process (docs/benchmarks.md#short-processes). The faults do not depend
  # on the load: 17.7 added now (31.6 before this work, on the same VM):
  # the bound 20 fails a return of any two of what went (the heap set-up
  # of the alignment check or of fopen, 3; printf's code pages, 4 to 5;
  # the report's path buffers on the stack, 2; the paths' pages of the
  # configuration, 2). The ratio does depend on the load: the 5% target is
  # not met (medians 1.20 to 1.34 at load 8-9), so its bound 1.8 only
  # guards against a wait at exit coming back (the 20 ms calibration wait
  # measured 2.86).
  if(NOT HOTPATH_SANITIZE)
  add_test(NAME gcc_short_processes
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/short_processes.py
      --cc ${HOTPATH_TEST_CC}
      --plugin-flags=-fplugin=${CMAKE_BINARY_DIR}/plugin-gcc/hotpath.so
      --include ${HOTPATH_RUNTIME_INCLUDE}
      --lib $<TARGET_FILE:hotpath_static>
      --work ${CMAKE_CURRENT_BINARY_DIR}/short-processes
      --max-ratio 1.8 --max-added-faults 20)
  set_tests_properties(gcc_short_processes PROPERTIES TIMEOUT 300 RUN_SERIAL TRUE)
  endif()
endif()

get_property(_plugins GLOBAL PROPERTY HOTPATH_CLANG_PLUGINS)
foreach(entry ${_plugins})
  hotpath_clang_plugin_entry(${entry})
  if(NOT HOTPATH_CLANG_${n})
    continue()
  endif()
  hotpath_signal_test(${tag}_signal_reports ${HOTPATH_CLANG_${n}} -fplugin=$<TARGET_FILE:${target}>)
endforeach()
