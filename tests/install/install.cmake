# hotpath as a user gets it (included by tests/CMakeLists.txt): installed
# into a temporary prefix with `cmake --install`, then driven by real build
# systems (tests/install/run.py). Every test name starts with "install_":
# ctest -R install_. The prefix is made once, by the fixture install_prefix.
set(HOTPATH_TEST_PREFIX ${CMAKE_CURRENT_BINARY_DIR}/install-prefix)
set(_run ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/install/run.py
    --prefix ${HOTPATH_TEST_PREFIX} --source ${PROJECT_SOURCE_DIR} --build ${CMAKE_BINARY_DIR})
set(_work ${CMAKE_CURRENT_BINARY_DIR}/install-work)

add_test(NAME install_prefix
  COMMAND sh -c "rm -rf '${HOTPATH_TEST_PREFIX}' && '${CMAKE_COMMAND}' --install '${CMAKE_BINARY_DIR}' --prefix '${HOTPATH_TEST_PREFIX}' >'${CMAKE_CURRENT_BINARY_DIR}/install-prefix.log'")
set_tests_properties(install_prefix PROPERTIES FIXTURES_SETUP hotpath_prefix)

# hotpath_install_test(name scenario [args...])
function(hotpath_install_test name scenario)
  add_test(NAME ${name} COMMAND ${_run} --work ${_work}/${name} ${scenario} ${ARGN})
  set_tests_properties(${name} PROPERTIES FIXTURES_REQUIRED hotpath_prefix
    LABELS install SKIP_RETURN_CODE 77 TIMEOUT 300)
endfunction()

set(_layout_files "")
if(HOTPATH_GCC_MAJOR)
  list(APPEND _layout_files --expect-file lib/hotpath/hotpath.so)
endif()
foreach(n ${HOTPATH_CLANG_MAJORS})
  list(APPEND _layout_files --expect-file lib/hotpath/${HOTPATH_CLANG_PLUGIN_${n}})
endforeach()
hotpath_install_test(install_layout layout ${_layout_files}
  --expect-file share/man/man1/hotpath-cc.1 --expect-file share/man/man7/hotpath.7
  --expect-file share/hotpath/instrument-all.cmake --expect-file share/doc/hotpath/install.md)

# The wrapper with each compiler it has a plugin for.
set(_compilers "")
if(HOTPATH_GCC_MAJOR)
  list(APPEND _compilers "gcc|${CMAKE_C_COMPILER}|${CMAKE_CXX_COMPILER}")
endif()
foreach(n ${HOTPATH_CLANG_MAJORS})
  if(HOTPATH_CLANG_${n} AND HOTPATH_CLANGXX_${n})
    list(APPEND _compilers "clang${n}|${HOTPATH_CLANG_${n}}|${HOTPATH_CLANGXX_${n}}")
  endif()
endforeach()
foreach(entry ${_compilers})
  string(REPLACE "|" ";" entry "${entry}")
  list(GET entry 0 tag)
  list(GET entry 1 cc)
  list(GET entry 2 cxx)
  hotpath_install_test(install_wrapper_${tag} wrapper --cc ${cc} --cxx ${cxx})
  hotpath_install_test(install_make_${tag} make --cc ${cc})
  hotpath_install_test(install_cmake_${tag} cmake_consumer --cc ${cc} --cxx ${cxx})
endforeach()
# The rest with the default compiler (cc): the wrapper is what is tested.
hotpath_install_test(install_autotools autotools)
set_tests_properties(install_autotools PROPERTIES TIMEOUT 900) # 136-204 s on the loaded 2-core machine
hotpath_install_test(install_cmake_project_include cmake_project_include --cc ${CMAKE_C_COMPILER})
hotpath_install_test(install_cmake_compiler cmake_compiler)
hotpath_install_test(install_cmake_launcher cmake_launcher --cc ${CMAKE_C_COMPILER})
hotpath_install_test(install_cmake_unsupported cmake_unsupported --cc ${CMAKE_C_COMPILER})
hotpath_install_test(install_pkgconfig pkgconfig --cc ${CMAKE_C_COMPILER})
hotpath_install_test(install_own_file own_file)

# The commands make demo prints, with build/bin/hotpath-cc (no install).
add_test(NAME wrapper_build_tree
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/install/run.py
    --prefix ${CMAKE_BINARY_DIR} --work ${_work}/build-tree own_file)

# The man pages: hotpath(7) generated from options.def and current,
# hotpath-cc(1) naming the wrapper's options; both render cleanly.
add_test(NAME docs_man_pages
  COMMAND ${Python3_EXECUTABLE} ${CMAKE_CURRENT_SOURCE_DIR}/install/check_man.py
    ${PROJECT_SOURCE_DIR}/runtime/src/options.def ${CMAKE_BINARY_DIR}/man/hotpath.7
    ${PROJECT_SOURCE_DIR}/docs/man/hotpath-cc.1)

# make package's .deb installed and used (as root only; purged afterwards).
# RUN_SERIAL: it installs into /usr.
hotpath_install_test(install_deb deb)
set_tests_properties(install_deb PROPERTIES RUN_SERIAL ON TIMEOUT 600)
