/* An empty argument of hotpath::main is an error at its line (Clang reads
 * the arguments of the [[...]] spelling from the source text). */
// ARGS: -std=gnu2x
[[hotpath::main(50,,95)]] int a(void) { return 0; } // expected-error {{empty argument given to .hotpath::main. \(expected a percentile from 0 to 100, .alloc. or .alloc-cumulative.\)}}
[[hotpath::main(50, 95, )]] int b(void) { return 0; } // expected-error {{empty argument given to .hotpath::main.}}
