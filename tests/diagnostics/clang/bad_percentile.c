/* Percentiles outside 0-100 or not numbers (a string is an option: see
 * bad_option.c). */
// ARGS: -std=gnu2x
__attribute__((annotate("hotpath::main", 50, 101))) int a(void) { return 0; } // expected-error {{percentile .101. given to .annotate\("hotpath::main"\). is outside 0-100}}
__attribute__((annotate("hotpath::main", -0.5))) int b(void) { return 0; } // expected-error {{percentile .-0.5. .* is outside 0-100}}
__attribute__((annotate("hotpath::main", "95"))) int c(void) { return 0; } // expected-error {{unknown option .95. given to .annotate\("hotpath::main"\). \(accepted: .alloc., .alloc-cumulative. or a percentile from 0 to 100\)}}
[[hotpath::main(100.5)]] int d(void) { return 0; } // expected-error {{percentile .100.5. given to .hotpath::main. is outside 0-100}}
[[hotpath::main(99, "x")]] int e(void) { return 0; } // expected-error {{unknown option .x. given to .hotpath::main.}}
[[hotpath::main(-1)]] int g(void) { return 0; } // expected-error {{percentile .-1. given to .hotpath::main. is outside 0-100}}
int main(void) { return a() + b() + c() + d() + e() + g(); }
