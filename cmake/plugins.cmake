# The plugins this build makes, as one table that hotpath-cc, hotpath.pc and
# the CMake package all read (included after plugin-gcc/ and plugin-clang/):
#
#   HOTPATH_GCC_MAJOR              GCC major the GCC plugin is for (empty: none)
#   HOTPATH_CLANG_MAJORS           the Clang majors a plugin was built for
#   HOTPATH_CLANG_PLUGIN_<N>       its file name (hotpath-clang.so, hotpath-clang-19.so)
#   HOTPATH_CLANG_PLUGIN_TARGET_<N> its target
set(HOTPATH_GCC_MAJOR "")
if(TARGET hotpath_gcc_plugin)
  get_property(HOTPATH_GCC_MAJOR GLOBAL PROPERTY HOTPATH_GCC_PLUGIN_MAJOR)
endif()
set(HOTPATH_CLANG_MAJORS "")
get_property(_hotpath_clang_entries GLOBAL PROPERTY HOTPATH_CLANG_PLUGINS)
foreach(_entry ${_hotpath_clang_entries})
  string(REPLACE "|" ";" _entry "${_entry}")
  list(GET _entry 0 _n)
  list(GET _entry 1 _target)
  list(GET _entry 2 _name)
  list(APPEND HOTPATH_CLANG_MAJORS ${_n})
  set(HOTPATH_CLANG_PLUGIN_${_n} ${_name}.so)
  set(HOTPATH_CLANG_PLUGIN_TARGET_${_n} ${_target})
endforeach()
