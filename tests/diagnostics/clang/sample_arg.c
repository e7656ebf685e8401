/* The plugin argument sample=N: N from 1 to 65535. */
// PLUGIN-ARGS: sample=0 sample=65536 sample=fast sample=-1 sample
// expected-error@cmdline {{invalid value .0. for .-fplugin-arg-hotpath-sample. \(accepted: a sampling period from 1 to 65535, the N of .time 1 call in N., for every measured function without a sample= of its own; 1 times every call\)}}
// expected-error@cmdline {{invalid value .65536. for .-fplugin-arg-hotpath-sample.}}
// expected-error@cmdline {{invalid value .fast. for .-fplugin-arg-hotpath-sample.}}
// expected-error@cmdline {{invalid value .-1. for .-fplugin-arg-hotpath-sample.}}
// expected-error@cmdline {{no value supplied for option .-fplugin-arg-hotpath-sample. \(expected sample=N, N from 1 to 65535\)}}
int f(void) { return 0; }
