# End-to-end, diagnostic and zero-cost tests of the Clang plugin (included by
# tests/CMakeLists.txt). Every test name contains "clang": ctest -R clang.
# One set of corpus runs per plugin built (plugin-clang/CMakeLists.txt):
# e2e_clang_* for hotpath-clang.so with the default clang, e2e_clang19_* for
# hotpath-clang-19.so with clang-19, and so on.
get_property(_hotpath_clang_plugins GLOBAL PROPERTY HOTPATH_CLANG_PLUGINS)
if(NOT _hotpath_clang_plugins)
  return()
endif()

set(_clang_src ${PROJECT_SOURCE_DIR}/plugin-clang)
set(_diag_dir ${CMAKE_CURRENT_SOURCE_DIR}/diagnostics/clang)

# hotpath_clang_corpus_test(name work opt plugin-flags): the shared corpus
# compiled by ${cc}/${cxx} with these plugin flags at -<opt>.
function(hotpath_clang_corpus_test name work opt flags)
  add_test(NAME ${name}
    COMMAND ${Python3_EXECUTABLE} ${HOTPATH_RUN_CORPUS}
      --cc ${cc} --cxx ${cxx}
      "--plugin-flags=${flags}"
      --opt=-${opt}
      --include ${HOTPATH_RUNTIME_INCLUDE}
      --lib $<TARGET_FILE:hotpath_static>
      --corpus ${HOTPATH_CORPUS_DIR}
      --sanitizer=${HOTPATH_SANITIZE}
      --work ${CMAKE_CURRENT_BINARY_DIR}/${work})
  set_tests_properties(${name} PROPERTIES LABELS "e2e;clang" TIMEOUT 900)
endfunction()

foreach(entry ${_hotpath_clang_plugins})
  hotpath_clang_plugin_entry(${entry})
  if(NOT HOTPATH_CLANG_${n} OR NOT HOTPATH_CLANGXX_${n})
    message(STATUS "hotpath: clang-${n}/clang++-${n} not found: no tests for ${name}.so")
    continue()
  endif()
  set(cc ${HOTPATH_CLANG_${n}})
  set(cxx ${HOTPATH_CLANGXX_${n}})
  # The tests that compile and run nothing use the compiler itself, not the
  # sanitizing wrapper (tests/CMakeLists.txt): -fsanitize would change the
  # code they compare and the IR sizes min-size counts.
  set(plain_cc $CACHE{HOTPATH_CLANG_${n}})
  set(plain_cxx $CACHE{HOTPATH_CLANGXX_${n}})
  set(so $<TARGET_FILE:${target}>)

  # The shared corpus, with and without the plugin, at each level.
  foreach(level O0 O2 O3)
    hotpath_clang_corpus_test(e2e_${tag}_${level} e2e-${tag}-${level} ${level} -fplugin=${so})
  endforeach()
  set_property(TEST e2e_${tag}_O2 APPEND PROPERTY LABELS threads) # see gcc.cmake
  set_property(TEST e2e_${tag}_O3 APPEND PROPERTY LABELS variants)

  # Loaded the other way, -Xclang -load, with nothing else: the plugin
  # registers its IR pass itself.
  hotpath_clang_corpus_test(e2e_${tag}_xclang_load_O2 e2e-${tag}-xclang-O2 O2
    "-Xclang -load -Xclang ${so}")

  # -save-temps: the driver splits the compile into -E (only the plugin's
  # pragma handler runs: hotpath.h's pragma defines __HOTPATH__), the
  # bitcode step (-disable-llvm-passes: the plugin instruments the module
  # before it is written) and the bitcode-to-assembly step (no frontend, no
  # plugin). Every EXPECT of the corpus must still hold, with the plugin
  # given either way and nothing else (no -fpass-plugin=).
  hotpath_clang_corpus_test(e2e_${tag}_save_temps_O2 e2e-${tag}-save-temps-O2 O2
    "-fplugin=${so} -save-temps=obj")
  hotpath_clang_corpus_test(e2e_${tag}_save_temps_xclang_load_O0
    e2e-${tag}-save-temps-xclang-O0 O0 "-Xclang -load -Xclang ${so} -save-temps=obj")
  set_property(TEST e2e_${tag}_xclang_load_O2 e2e_${tag}_save_temps_O2
    e2e_${tag}_save_temps_xclang_load_O0 APPEND PROPERTY LABELS variants) # see gcc.cmake

  # -disable-llvm-passes straight to an object runs no IR pass at all: the
  # plugin cannot measure there and must say so.
  add_test(NAME ${tag}_disable_llvm_passes_warns
    COMMAND ${plain_cc} -c -O2 -fplugin=${so} -Xclang -disable-llvm-passes
      -I ${HOTPATH_RUNTIME_INCLUDE} ${HOTPATH_CORPUS_DIR}/c_basic.c
      -o ${CMAKE_CURRENT_BINARY_DIR}/disable-llvm-passes-${tag}.o)
  set_tests_properties(${tag}_disable_llvm_passes_warns PROPERTIES
    PASS_REGULAR_EXPRESSION "warning: hotpath: [0-9]+ tagged function\\(s\\) of this unit are not measured")

  # Misuse: each snippet fails with the expected error at the expected line,
  # with the arguments given either way.
  add_test(NAME ${tag}_diagnostics
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/diagnostics/run_diagnostics.py
      --dir ${_diag_dir}
      --cc ${plain_cc} --cxx ${plain_cxx}
      --plugin-flags=-fplugin=${so}
      --include ${HOTPATH_RUNTIME_INCLUDE})
  add_test(NAME ${tag}_diagnostics_xclang
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/diagnostics/run_diagnostics.py
      --dir ${_diag_dir}
      --cc ${plain_cc} --cxx ${plain_cxx}
      "--plugin-flags=-Xclang -load -Xclang ${so}"
      "--plugin-arg-format=-Xclang -plugin-arg-hotpath -Xclang {}"
      --include ${HOTPATH_RUNTIME_INCLUDE})

  # verbose lists each measured function at its file:line.
  add_test(NAME ${tag}_verbose
    COMMAND ${plain_cc} -fsyntax-only -fplugin=${so} -fplugin-arg-hotpath-verbose
      -I ${HOTPATH_RUNTIME_INCLUDE} ${HOTPATH_CORPUS_DIR}/c_basic.c)
  set_tests_properties(${tag}_verbose PROPERTIES
    PASS_REGULAR_EXPRESSION "c_basic.c:[0-9]+:[0-9]+: remark: hotpath: measuring 'c_basic::add'")

  # Zero cost when off: tagged sources without the plugin give the same code.
  add_test(NAME ${tag}_zero_cost
    COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/e2e/zero_cost.py
      --cc ${plain_cc} --cxx ${plain_cxx}
      --include ${HOTPATH_RUNTIME_INCLUDE}
      --work ${CMAKE_CURRENT_BINARY_DIR}/zero-cost-${tag})

  # Half of a program built by GCC with its plugin, half by Clang: one report.
  if(TARGET hotpath_gcc_plugin)
    add_test(NAME ${tag}_gcc_mixed
      COMMAND ${Python3_EXECUTABLE} ${_clang_src}/tests/mixed/run_mixed.py
        --gcc ${HOTPATH_TEST_CC} --gxx ${HOTPATH_TEST_CXX}
        --gcc-plugin $<TARGET_FILE:hotpath_gcc_plugin>
        --clangxx ${cxx} --clang-plugin ${so}
        --include ${HOTPATH_RUNTIME_INCLUDE}
        --lib $<TARGET_FILE:hotpath_static>
        --work ${CMAKE_CURRENT_BINARY_DIR}/mixed-${tag})
  endif()
endforeach()
