# hotpath_instrument(<target> [INCLUDE regex] [EXCLUDE regex] [SAMPLE n])
#
# Measures <target>: adds -fplugin= for the plugin that fits each of the
# target's compilers (C and C++: GCC, or the Clang major a plugin was built
# for), the plugin's include=/exclude=/sample= arguments (SAMPLE: time 1
# call in n, 1 to 65535, of every measured function without a "sample=N"
# of its own), and links the shared
# runtime hotpath::hotpath (one runtime per process, however many of the
# project's libraries are instrumented; see docs/install.md). Without
# INCLUDE, only the functions tagged in the source are measured.
# A compiler hotpath has no plugin for is a configure-time error naming it.
#
# hotpath_instrument_directory([INCLUDE regex] [EXCLUDE regex] [SAMPLE n]) does the same
# for every target defined from here on in this directory and below
# (share/hotpath/instrument-all.cmake uses it).
#
# Needs the variables of hotpath-plugins.cmake (HOTPATH_PLUGIN_DIR,
# HOTPATH_GCC_MAJOR, HOTPATH_CLANG_MAJORS, HOTPATH_CLANG_PLUGIN_<N>).

function(_hotpath_supported out)
  set(s "")
  if(HOTPATH_GCC_MAJOR)
    list(APPEND s "GCC ${HOTPATH_GCC_MAJOR}")
  endif()
  foreach(n ${HOTPATH_CLANG_MAJORS})
    list(APPEND s "Clang ${n}")
  endforeach()
  string(REPLACE ";" ", " s "${s}")
  set(${out} "${s}" PARENT_SCOPE)
endfunction()

# The plugin file for the compiler of `lang`, or a fatal error.
function(_hotpath_plugin_for lang out)
  set(id "${CMAKE_${lang}_COMPILER_ID}")
  string(REGEX MATCH "^[0-9]+" major "${CMAKE_${lang}_COMPILER_VERSION}")
  set(file "")
  if(id STREQUAL "GNU" AND HOTPATH_GCC_MAJOR AND major STREQUAL HOTPATH_GCC_MAJOR)
    set(file "${HOTPATH_PLUGIN_DIR}/hotpath.so")
  elseif(id STREQUAL "Clang" AND DEFINED HOTPATH_CLANG_PLUGIN_${major})
    set(file "${HOTPATH_PLUGIN_DIR}/${HOTPATH_CLANG_PLUGIN_${major}}")
  endif()
  if(NOT file OR NOT EXISTS "${file}")
    _hotpath_supported(s)
    message(FATAL_ERROR "hotpath: the ${lang} compiler ${CMAKE_${lang}_COMPILER} is "
      "${id} ${CMAKE_${lang}_COMPILER_VERSION}, for which no hotpath plugin is installed "
      "(supported: ${s}); configure with one of those (-DCMAKE_${lang}_COMPILER=...)")
  endif()
  set(${out} "${file}" PARENT_SCOPE)
endfunction()

# -fplugin flags per enabled language, as generator expressions, in `out`.
function(_hotpath_compile_options out include exclude sample)
  if(NOT sample STREQUAL "" AND (NOT sample MATCHES "^[0-9]+$" OR sample LESS 1 OR
                                 sample GREATER 65535))
    message(FATAL_ERROR "hotpath: SAMPLE '${sample}' is not a sampling period "
      "(accepted: a number from 1 to 65535, the N of 'time 1 call in N')")
  endif()
  get_property(langs GLOBAL PROPERTY ENABLED_LANGUAGES)
  set(opts "")
  foreach(lang C CXX)
    if(NOT lang IN_LIST langs)
      continue()
    endif()
    _hotpath_plugin_for(${lang} plugin)
    set(flags "-fplugin=${plugin}")
    if(include)
      list(APPEND flags "-fplugin-arg-hotpath-include=${include}")
    endif()
    if(exclude)
      list(APPEND flags "-fplugin-arg-hotpath-exclude=${exclude}")
    endif()
    if(NOT sample STREQUAL "")
      list(APPEND flags "-fplugin-arg-hotpath-sample=${sample}")
    endif()
    foreach(f ${flags})
      # A regular expression may hold what a generator expression reads.
      string(REPLACE ">" "$<ANGLE-R>" f "${f}")
      string(REPLACE "," "$<COMMA>" f "${f}")
      list(APPEND opts "$<$<COMPILE_LANGUAGE:${lang}>:${f}>")
    endforeach()
  endforeach()
  set(${out} "${opts}" PARENT_SCOPE)
endfunction()

function(hotpath_instrument target)
  cmake_parse_arguments(arg "" "INCLUDE;EXCLUDE;SAMPLE" "" ${ARGN})
  if(NOT TARGET ${target})
    message(FATAL_ERROR "hotpath_instrument: '${target}' is not a target")
  endif()
  _hotpath_compile_options(opts "${arg_INCLUDE}" "${arg_EXCLUDE}" "${arg_SAMPLE}")
  target_compile_options(${target} PRIVATE ${opts})
  # Properties rather than target_link_libraries: either signature of the
  # project's own target_link_libraries calls keeps working.
  get_target_property(type ${target} TYPE)
  if(type STREQUAL "STATIC_LIBRARY" OR type STREQUAL "OBJECT_LIBRARY")
    set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES hotpath::hotpath)
    set_property(TARGET ${target} APPEND PROPERTY INTERFACE_LINK_LIBRARIES
      "$<LINK_ONLY:hotpath::hotpath>")
  else()
    set_property(TARGET ${target} APPEND PROPERTY LINK_LIBRARIES hotpath::hotpath)
    if(NOT HOTPATH_LIBDIR_IS_SYSTEM)
      set_property(TARGET ${target} APPEND PROPERTY INSTALL_RPATH "${HOTPATH_LIBDIR}")
    endif()
  endif()
endfunction()

macro(hotpath_instrument_directory)
  cmake_parse_arguments(_hotpath_dir "" "INCLUDE;EXCLUDE;SAMPLE" "" ${ARGN})
  _hotpath_compile_options(_hotpath_dir_opts "${_hotpath_dir_INCLUDE}" "${_hotpath_dir_EXCLUDE}"
    "${_hotpath_dir_SAMPLE}")
  add_compile_options(${_hotpath_dir_opts})
  link_libraries(hotpath::hotpath)
  if(NOT HOTPATH_LIBDIR_IS_SYSTEM)
    list(APPEND CMAKE_INSTALL_RPATH "${HOTPATH_LIBDIR}")
  endif()
endmacro()
