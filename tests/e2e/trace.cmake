# HOTPATH_TRACE end to end (tests/e2e/trace_check.py): a C and a C++ program
# through the GCC plugin and each Clang plugin, their traces checked against
# their reports (included by tests/CMakeLists.txt).
set(_trace_script ${CMAKE_CURRENT_SOURCE_DIR}/e2e/trace_check.py)

# The hotpath command is defined after tests/ (cli/ comes last): its file
# is passed when it exists at generate time, else --hotpath= (its checks
# are then skipped, and say so).
set(_trace_cli "--hotpath=$<$<TARGET_EXISTS:hotpath_cli>:$<TARGET_FILE:hotpath_cli>>")

function(hotpath_trace_test name cc cxx flags)
  add_test(NAME ${name}
    COMMAND ${Python3_EXECUTABLE} ${_trace_script}
      --cc ${cc} --cxx ${cxx} "--plugin-flags=${flags}"
      --include ${HOTPATH_RUNTIME_INCLUDE}
      --lib $<TARGET_FILE:hotpath_static>
      --work ${CMAKE_CURRENT_BINARY_DIR}/${name} ${_trace_cli})
  set_tests_properties(${name} PROPERTIES TIMEOUT 300)
endfunction()

if(TARGET hotpath_gcc_plugin)
  hotpath_trace_test(gcc_trace ${HOTPATH_TEST_CC} ${HOTPATH_TEST_CXX}
    -fplugin=${CMAKE_BINARY_DIR}/plugin-gcc/hotpath.so)
endif()

get_property(_trace_plugins GLOBAL PROPERTY HOTPATH_CLANG_PLUGINS)
foreach(entry ${_trace_plugins})
  hotpath_clang_plugin_entry(${entry})
  if(NOT HOTPATH_CLANG_${n} OR NOT HOTPATH_CLANGXX_${n})
    continue()
  endif()
  hotpath_trace_test(${tag}_trace ${HOTPATH_CLANG_${n}} ${HOTPATH_CLANGXX_${n}}
    -fplugin=$<TARGET_FILE:${target}>)
endforeach()

