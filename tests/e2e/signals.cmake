# HOTPATH_SIGNAL's on-demand reports and the report at SIGTERM, through each
# plugin (included by tests/CMakeLists.txt). The reports of processes ended
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
endfunction()

if(TARGET hotpath_gcc_plugin)
  hotpath_signal_test(gcc_signal_reports ${CMAKE_C_COMPILER}
    -fplugin=${CMAKE_BINARY_DIR}/plugin-gcc/hotpath.so)
endif()

get_property(_plugins GLOBAL PROPERTY HOTPATH_CLANG_PLUGINS)
foreach(entry ${_plugins})
  string(REPLACE "|" ";" entry "${entry}")
  list(GET entry 0 n)
  list(GET entry 1 target)
  if(NOT HOTPATH_CLANG_${n})
    continue()
  endif()
  if(target STREQUAL "hotpath_clang_plugin")
    set(tag clang)
  else()
    set(tag clang${n})
  endif()
  hotpath_signal_test(${tag}_signal_reports ${HOTPATH_CLANG_${n}} -fplugin=$<TARGET_FILE:${target}>)
endforeach()
