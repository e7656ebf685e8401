# The per-thread breakdown end to end (tests/e2e/threads_check.py): the
# Threads section and per_thread figures of examples/threads.c and of
# programs with named, live and 10,000 short threads, through the GCC
# plugin and each Clang plugin (included by tests/CMakeLists.txt).
set(_threads_script ${CMAKE_CURRENT_SOURCE_DIR}/e2e/threads_check.py)
set(_threads_cli "--hotpath=$<$<TARGET_EXISTS:hotpath_cli>:$<TARGET_FILE:hotpath_cli>>")

function(hotpath_threads_test name cc flags)
  add_test(NAME ${name}
    COMMAND ${Python3_EXECUTABLE} ${_threads_script}
      --cc ${cc} "--plugin-flags=${flags}"
      --include ${HOTPATH_RUNTIME_INCLUDE}
      --lib $<TARGET_FILE:hotpath_static>
      --example ${PROJECT_SOURCE_DIR}/examples/threads.c
      --work ${CMAKE_CURRENT_BINARY_DIR}/${name} ${_threads_cli}
      --sanitizer=${HOTPATH_SANITIZE})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()

if(TARGET hotpath_gcc_plugin)
  hotpath_threads_test(gcc_threads ${HOTPATH_TEST_CC}
    -fplugin=${CMAKE_BINARY_DIR}/plugin-gcc/hotpath.so)
endif()

get_property(_threads_plugins GLOBAL PROPERTY HOTPATH_CLANG_PLUGINS)
foreach(entry ${_threads_plugins})
  hotpath_clang_plugin_entry(${entry})
  if(NOT HOTPATH_CLANG_${n})
    continue()
  endif()
  hotpath_threads_test(${tag}_threads ${HOTPATH_CLANG_${n}} -fplugin=$<TARGET_FILE:${target}>)
endforeach()
