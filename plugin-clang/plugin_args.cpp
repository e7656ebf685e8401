// The argument parser shared with the GCC plugin, compiled as C++ here
// (plugin-common/plugin_args.c: no Clang header).
#include "../plugin-common/plugin_args.c"
