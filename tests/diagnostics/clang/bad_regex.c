/* A bad regular expression is an error naming the argument. */
// PLUGIN-ARGS: include=ok exclude=([a-z]
// expected-error@cmdline {{invalid regular expression .\(\[a-z\]. in .-fplugin-arg-hotpath-exclude.}}
int f(void) { return 0; }
