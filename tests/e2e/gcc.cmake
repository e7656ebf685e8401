# End-to-end, diagnostic and zero-cost tests of the GCC plugin (included by
# tests/CMakeLists.txt). Every test name contains "gcc": ctest -R gcc.
if(NOT TARGET hotpath_gcc_plugin)
  return()
endif()

set(HOTPATH_GCC_PLUGIN_FILE ${CMAKE_BINARY_DIR}/plugin-gcc/hotpath.so)
set(HOTPATH_GCC_PLUGIN_FLAGS "-fplugin=${HOTPATH_GCC_PLUGIN_FILE}")

# The shared corpus, built with and without the plugin at each level.
foreach(level O0 O2 O3 Os)
  add_test(NAME e2e_gcc_${level}
    COMMAND ${Python3_EXECUTABLE} ${HOTPATH_RUN_CORPUS}
      --cc ${HOTPATH_TEST_CC} --cxx ${HOTPATH_TEST_CXX}
      --plugin-flags=${HOTPATH_GCC_PLUGIN_FLAGS}
      --opt=-${level}
      --include ${HOTPATH_RUNTIME_INCLUDE}
      --lib $<TARGET_FILE:hotpath_static>
      --corpus ${HOTPATH_CORPUS_DIR}
      --sanitizer=${HOTPATH_SANITIZE}
      --work ${CMAKE_CURRENT_BINARY_DIR}/e2e-gcc-${level})
  set_tests_properties(e2e_gcc_${level} PROPERTIES LABELS "e2e;gcc" TIMEOUT 600)
endforeach()
# The threaded tests (label threads: make test-sanitize runs them under
# ThreadSanitizer, where the runner keeps the corpus programs that start
# threads or fork).
set_property(TEST e2e_gcc_O2 APPEND PROPERTY LABELS threads)
# The set-ups that differ only in how the compiler runs the plugin (label
# variants): make test-sanitize leaves them out under the sanitizers, whose
# subject is the runtime and the programs, not the (unsanitized) plugin.
set_property(TEST e2e_gcc_O3 e2e_gcc_Os APPEND PROPERTY LABELS variants)

# The same with link-time optimisation: -fplugin also reaches lto1, which
# must load the plugin and leave the code alone.
add_test(NAME e2e_gcc_O2_lto
  COMMAND ${Python3_EXECUTABLE} ${HOTPATH_RUN_CORPUS}
    --cc ${HOTPATH_TEST_CC} --cxx ${HOTPATH_TEST_CXX}
    --plugin-flags=${HOTPATH_GCC_PLUGIN_FLAGS}
    "--opt=-O2 -flto"
    --include ${HOTPATH_RUNTIME_INCLUDE}
    --lib $<TARGET_FILE:hotpath_static>
    --corpus ${HOTPATH_CORPUS_DIR}
    --sanitizer=${HOTPATH_SANITIZE}
    --work ${CMAKE_CURRENT_BINARY_DIR}/e2e-gcc-O2-lto)
set_tests_properties(e2e_gcc_O2_lto PROPERTIES LABELS "e2e;gcc;variants" TIMEOUT 600)

# Tagged sources compiled without the plugin: the same code as untagged ones.
add_test(NAME gcc_zero_cost
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/zero_cost.py
    --cc ${CMAKE_C_COMPILER} --cxx ${CMAKE_CXX_COMPILER}
    --include ${HOTPATH_RUNTIME_INCLUDE}
    --work ${CMAKE_CURRENT_BINARY_DIR}/zero-cost-gcc)

# Misuse: each snippet fails with the expected error at the expected line.
add_test(NAME gcc_diagnostics
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/diagnostics/run_diagnostics.py
    --dir ${CMAKE_CURRENT_SOURCE_DIR}/diagnostics/gcc
    --cc ${CMAKE_C_COMPILER} --cxx ${CMAKE_CXX_COMPILER}
    --plugin-flags=${HOTPATH_GCC_PLUGIN_FLAGS}
    --include ${HOTPATH_RUNTIME_INCLUDE})

# __HOTPATH__ under -E, -save-temps, -g3, -dM and ccache-style builds.
add_test(NAME gcc_preprocessor
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/diagnostics/gcc/preprocessor.py
    --cc ${CMAKE_C_COMPILER} --cxx ${CMAKE_CXX_COMPILER}
    --plugin-flags=${HOTPATH_GCC_PLUGIN_FLAGS}
    --work ${CMAKE_CURRENT_BINARY_DIR}/preprocessor-gcc)

# Installed into GCC's plugin directory (install component gcc_plugin, prefix /usr),
# -fplugin=hotpath finds it: staged with DESTDIR, and -iplugindir points GCC
# at the staged plugin directory.
set(_hotpath_gcc_stage ${CMAKE_CURRENT_BINARY_DIR}/install-gcc)
add_test(NAME gcc_install
  COMMAND sh -c "rm -rf '${_hotpath_gcc_stage}' && DESTDIR='${_hotpath_gcc_stage}' '${CMAKE_COMMAND}' --install '${CMAKE_BINARY_DIR}' --prefix /usr --component gcc_plugin >/dev/null && '${CMAKE_C_COMPILER}' -iplugindir='${_hotpath_gcc_stage}${HOTPATH_GCC_PLUGIN_DIR}' -fplugin=hotpath -fplugin-arg-hotpath-verbose -I'${HOTPATH_RUNTIME_INCLUDE}' -c '${HOTPATH_CORPUS_DIR}/c_basic.c' -o '${CMAKE_CURRENT_BINARY_DIR}/install-gcc.o'")
set_tests_properties(gcc_install PROPERTIES PASS_REGULAR_EXPRESSION "hotpath: measuring [^ ]*c_basic::add")
