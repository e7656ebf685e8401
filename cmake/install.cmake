# What `cmake --install build --prefix P` puts under P besides the targets'
# own rules (runtime/, plugin-*/, wrapper/): hotpath.pc and the CMake
# package. The layout is listed in docs/install.md.
#
# hotpath.pc names absolute paths, and the prefix is only known at install
# time (--prefix overrides CMAKE_INSTALL_PREFIX), so it is written then, from
# a template filled in here with what this build made.

set(_pc_vars "plugindir=\${libdir}/hotpath\n")
if(HOTPATH_GCC_MAJOR)
  string(APPEND _pc_vars "gcc_plugin=\${plugindir}/hotpath.so\ngcc_major=${HOTPATH_GCC_MAJOR}\n")
endif()
foreach(n ${HOTPATH_CLANG_MAJORS})
  string(APPEND _pc_vars "clang${n}_plugin=\${plugindir}/${HOTPATH_CLANG_PLUGIN_${n}}\n")
endforeach()
if(HOTPATH_CLANG_MAJORS)
  list(GET HOTPATH_CLANG_MAJORS 0 _first)
  string(REPLACE ";" " " _majors "${HOTPATH_CLANG_MAJORS}")
  string(APPEND _pc_vars "clang_plugin=\${plugindir}/${HOTPATH_CLANG_PLUGIN_${_first}}\n"
                         "clang_majors=${_majors}\n")
endif()
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/hotpath.pc.in
"prefix=@HOTPATH_PC_PREFIX@
libdir=\${prefix}/${CMAKE_INSTALL_LIBDIR}
includedir=\${prefix}/${CMAKE_INSTALL_INCLUDEDIR}
${_pc_vars}
Name: hotpath
Description: Runtime of the hotpath profiler (call counts, timings, allocations of C/C++ functions)
Version: ${PROJECT_VERSION}
Cflags: -I\${includedir}
Libs: -L\${libdir}@HOTPATH_PC_RPATH@ -lhotpath
Libs.private: -lpthread -lm
")
install(CODE "
  set(HOTPATH_PC_PREFIX \"\${CMAKE_INSTALL_PREFIX}\")
  set(HOTPATH_PC_RPATH \" -Wl,-rpath,\\\${libdir}\")
  if(CMAKE_INSTALL_PREFIX STREQUAL \"/usr\")
    set(HOTPATH_PC_RPATH \"\")   # the system's own library path needs none
  endif()
  configure_file(\"${CMAKE_CURRENT_BINARY_DIR}/hotpath.pc.in\"
                 \"${CMAKE_CURRENT_BINARY_DIR}/hotpath.pc\" @ONLY)
  file(INSTALL DESTINATION \"\${CMAKE_INSTALL_PREFIX}/${CMAKE_INSTALL_LIBDIR}/pkgconfig\"
       TYPE FILE FILES \"${CMAKE_CURRENT_BINARY_DIR}/hotpath.pc\")")

# The CMake package: hotpath-plugins.cmake (the plugin table, found relative
# to the package's own folder so that the prefix can move), the
# hotpath_instrument function, and the injection file of instrument-all.
set(_cmakedir ${CMAKE_INSTALL_LIBDIR}/cmake/hotpath)
file(RELATIVE_PATH _lib_from_cmakedir /${_cmakedir} /${CMAKE_INSTALL_LIBDIR})
file(RELATIVE_PATH HOTPATH_CMAKEDIR_FROM_SHARE /${CMAKE_INSTALL_DATADIR}/hotpath /${_cmakedir})
set(_plugins "# Written by hotpath's build (cmake/install.cmake): the plugins installed.
get_filename_component(HOTPATH_LIBDIR \"\${CMAKE_CURRENT_LIST_DIR}/${_lib_from_cmakedir}\" ABSOLUTE)
set(HOTPATH_PLUGIN_DIR \"\${HOTPATH_LIBDIR}/hotpath\")
set(HOTPATH_LIBDIR_IS_SYSTEM OFF)
if(HOTPATH_LIBDIR MATCHES \"^/(usr/)?lib(64)?(/${CMAKE_LIBRARY_ARCHITECTURE})?$\")
  set(HOTPATH_LIBDIR_IS_SYSTEM ON)
endif()
set(HOTPATH_GCC_MAJOR \"${HOTPATH_GCC_MAJOR}\")
set(HOTPATH_CLANG_MAJORS \"${HOTPATH_CLANG_MAJORS}\")
")
foreach(n ${HOTPATH_CLANG_MAJORS})
  string(APPEND _plugins "set(HOTPATH_CLANG_PLUGIN_${n} \"${HOTPATH_CLANG_PLUGIN_${n}}\")\n")
endforeach()
file(WRITE ${CMAKE_CURRENT_BINARY_DIR}/hotpath-plugins.cmake "${_plugins}")
configure_file(cmake/instrument-all.cmake.in ${CMAKE_CURRENT_BINARY_DIR}/instrument-all.cmake @ONLY)
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/hotpath-plugins.cmake cmake/hotpath-instrument.cmake
        DESTINATION ${_cmakedir})
install(FILES ${CMAKE_CURRENT_BINARY_DIR}/instrument-all.cmake
        DESTINATION ${CMAKE_INSTALL_DATADIR}/hotpath)

# Man pages: hotpath-cc(1), written by hand, and hotpath(7), whose list of
# variables is generated from runtime/src/options.def (the same list as
# docs/configuration.md) by gen_options_doc --man.
set(HOTPATH_MAN7 ${CMAKE_BINARY_DIR}/man/hotpath.7)
add_custom_command(OUTPUT ${HOTPATH_MAN7}
  COMMAND ${CMAKE_COMMAND} -E make_directory ${CMAKE_BINARY_DIR}/man
  COMMAND gen_options_doc --man ${PROJECT_SOURCE_DIR}/docs/man/hotpath.7.in ${HOTPATH_MAN7}
  DEPENDS gen_options_doc ${PROJECT_SOURCE_DIR}/docs/man/hotpath.7.in
          ${PROJECT_SOURCE_DIR}/runtime/src/options.def
  COMMENT "Generating man/hotpath.7 from options.def")
add_custom_target(hotpath_man ALL DEPENDS ${HOTPATH_MAN7})
install(FILES docs/man/hotpath-cc.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1)
install(FILES docs/man/hotpath-cc.1 DESTINATION ${CMAKE_INSTALL_MANDIR}/man1 RENAME hotpath-c++.1)
install(FILES ${HOTPATH_MAN7} DESTINATION ${CMAKE_INSTALL_MANDIR}/man7)
install(FILES README.md docs/install.md docs/usage.md docs/configuration.md
              docs/how-it-works.md docs/gcc-plugin.md docs/clang-plugin.md
        DESTINATION ${CMAKE_INSTALL_DOCDIR})

# The Debian package: `make package` (cpack -G DEB in the build folder)
# makes hotpath_<version>_<arch>.deb, installed into /usr: the prefix is
# /usr at install time (CPACK_SET_DESTDIR), so the GCC plugin also goes into
# GCC's plugin folder. Dependencies: dpkg-shlibdeps' (libc6, libstdc++6 for
# the plugins), and one of the compilers a plugin was built for.
set(CPACK_GENERATOR DEB)
set(CPACK_PACKAGE_NAME hotpath)
set(CPACK_PACKAGE_VERSION ${PROJECT_VERSION})
set(CPACK_PACKAGE_DESCRIPTION_SUMMARY
  "profiler for C and C++: call counts, timings, percentiles and allocations per function")
set(CPACK_PACKAGE_DESCRIPTION "A GCC and Clang plugin that measures tagged (or selected)
functions, a small runtime that prints the report at exit, and hotpath-cc,
a compiler wrapper that profiles a project by changing only its compiler.")
set(CPACK_PACKAGE_CONTACT "hotpath developers <hotpath@invalid>")
set(CPACK_DEBIAN_FILE_NAME DEB-DEFAULT)
set(CPACK_DEBIAN_PACKAGE_SECTION devel)
set(CPACK_DEBIAN_PACKAGE_SHLIBDEPS ON)
set(_compilers "")
if(HOTPATH_GCC_MAJOR)
  list(APPEND _compilers "gcc-${HOTPATH_GCC_MAJOR}")
endif()
foreach(n ${HOTPATH_CLANG_MAJORS})
  list(APPEND _compilers "clang-${n}")
endforeach()
string(REPLACE ";" " | " _compilers "${_compilers}")
set(CPACK_DEBIAN_PACKAGE_DEPENDS "${_compilers}")
set(CPACK_SET_DESTDIR ON)
set(CPACK_INSTALL_PREFIX /usr)
set(CPACK_PACKAGING_INSTALL_PREFIX /usr)
include(CPack)
