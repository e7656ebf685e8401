/* The argument parser shared with the Clang plugin, compiled as C++ here
 * (plugin-common/plugin_args.c: no GCC header). */
#include "../plugin-common/plugin_args.c"
