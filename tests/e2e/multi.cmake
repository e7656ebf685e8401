# Programs of several units (tests/multi/run_multi.py): a header's static
# inline copied into two units, and a measured library dlopen'ed and
# dlclose'd, and a shared library with a private libhotpath.a (issue 18);
# through the GCC plugin, each Clang plugin, and a GCC unit with
# a Clang unit (included by tests/CMakeLists.txt).
set(_multi ${CMAKE_CURRENT_SOURCE_DIR}/multi/run_multi.py)
set(_multi_common --include ${HOTPATH_RUNTIME_INCLUDE} --lib $<TARGET_FILE:hotpath_static>
  --sanitizer=${HOTPATH_SANITIZE})

if(TARGET hotpath_gcc_plugin)
  add_test(NAME multi_gcc
    COMMAND ${Python3_EXECUTABLE} ${_multi} --cc ${HOTPATH_TEST_CC}
      --plugin=-fplugin=$<TARGET_FILE:hotpath_gcc_plugin> ${_multi_common}
      --shared-lib $<TARGET_FILE:hotpath> --work ${CMAKE_CURRENT_BINARY_DIR}/multi-gcc)
  set_tests_properties(multi_gcc PROPERTIES LABELS "e2e;gcc")
endif()

get_property(_multi_plugins GLOBAL PROPERTY HOTPATH_CLANG_PLUGINS)
foreach(entry ${_multi_plugins})
  hotpath_clang_plugin_entry(${entry})
  if(NOT HOTPATH_CLANG_${n})
    continue()
  endif()
  add_test(NAME multi_${tag}
    COMMAND ${Python3_EXECUTABLE} ${_multi} --cc ${HOTPATH_CLANG_${n}}
      --plugin=-fplugin=$<TARGET_FILE:${target}> ${_multi_common}
      --shared-lib $<TARGET_FILE:hotpath> --work ${CMAKE_CURRENT_BINARY_DIR}/multi-${tag})
  set_tests_properties(multi_${tag} PROPERTIES LABELS "e2e;clang")
  if(TARGET hotpath_gcc_plugin)
    add_test(NAME multi_${tag}_gcc_mixed_inline
      COMMAND ${Python3_EXECUTABLE} ${_multi} --only inline
        --cc ${HOTPATH_TEST_CC} --plugin=-fplugin=$<TARGET_FILE:hotpath_gcc_plugin>
        --cc-b ${HOTPATH_CLANG_${n}} --plugin-b=-fplugin=$<TARGET_FILE:${target}>
        ${_multi_common} --work ${CMAKE_CURRENT_BINARY_DIR}/multi-${tag}-mixed)
    set_tests_properties(multi_${tag}_gcc_mixed_inline PROPERTIES LABELS "e2e;clang;gcc")
  endif()
endforeach()
