/* verbose takes no value or a boolean word; anything else is an error. */
// PLUGIN-ARGS: verbose=maybe
// expected-error@cmdline {{invalid value .maybe. for .-fplugin-arg-hotpath-verbose. \(accepted: no value, 1, yes, on, true, 0, no, off or false\)}}
int f(void) { return 0; }
