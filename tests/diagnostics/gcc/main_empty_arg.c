/* An empty argument of hotpath::main is GCC's own syntax error at its line. */
// ARGS: -std=gnu2x
[[hotpath::main(50,,95)]] int a(void) { return 0; } // expected-error {{expected expression before}}
[[hotpath::main(50, 95, )]] int b(void) { return 0; } // expected-error {{expected expression before}}
