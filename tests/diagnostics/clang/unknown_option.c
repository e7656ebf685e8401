/* An unknown plugin argument is an error naming it and what is accepted. */
// PLUGIN-ARGS: frobnicate=3
// expected-error@cmdline {{unknown option .-fplugin-arg-hotpath-frobnicate. \(accepted: include=REGEX, exclude=REGEX, min-size=N, sample=N, verbose\[=yes\|no\]\)}}
int f(void) { return 0; }
