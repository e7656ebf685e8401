/* An unknown plugin argument is an error naming it. */
// PLUGIN-ARGS: frobnicate=3
// expected-error@cmdline {{unknown option .-fplugin-arg-hotpath-frobnicate.}}
int f(void) { return 0; }
