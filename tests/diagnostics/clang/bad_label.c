/* A label that is not a string literal. */
// ARGS: -std=gnu2x
__attribute__((annotate("hotpath", 42))) int f(void) { return 0; } // expected-error {{label given to .annotate\("hotpath"\). must be a string literal}}
[[hotpath::measure(7)]] int g(void) { return 0; } // expected-error {{label given to .hotpath::measure. must be a string literal}}
__attribute__((annotate("hotpath", "a", "b"))) int h(void) { return 0; } // expected-error {{takes at most one label}}
[[hotpath::measure("a", "b")]] int k(void) { return 0; } // expected-error {{wrong number of arguments}}
__attribute__((annotate(5))) int m(void) { return 0; } // expected-error {{requires a string|expected string literal}}
/* A label is never silently lost: Clang does not pass the arguments of a
 * plugin attribute on, so the plugin reads them from the source; what it
 * cannot read there (an expression, a function-like macro) is an error. */
#define LABEL(x) x
[[hotpath::measure(LABEL("a"))]] int n(void) { return 0; } // expected-error {{label given to .hotpath::measure. must be a string literal.*annotate}}
#define NOT_A_STRING 12
[[hotpath::measure(NOT_A_STRING)]] int o(void) { return 0; } // expected-error {{label given to .hotpath::measure. must be a string literal}}
[[hotpath::measure("")]] int p(void) { return 0; } // expected-error {{label given to .hotpath::measure. is empty}}
