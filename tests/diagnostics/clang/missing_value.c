/* include needs a value. */
// PLUGIN-ARGS: include
// expected-error@cmdline {{no value supplied for option .-fplugin-arg-hotpath-include.}}
int f(void) { return 0; }
