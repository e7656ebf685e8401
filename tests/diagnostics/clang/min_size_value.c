/* min-size takes a number (of statements for GCC, IR instructions for Clang). */
// PLUGIN-ARGS: include=. min-size=-1
// expected-error@cmdline {{invalid value .-1. for .-fplugin-arg-hotpath-min-size. \(accepted: a number of (statements|IR instructions) from 0 to 1000000000; 0 measures every function .include. matches\)}}
int f(void) { return 0; }
