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
