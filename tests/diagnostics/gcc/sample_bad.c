/* "sample=N" on a measure tag: N from 1 to 65535, given once, as a string,
 * before or after the label; never on hotpath::main. */
// ARGS: -std=gnu2x
#include <hotpath/hotpath.h>
[[hotpath::measure("sample=0")]] int a(void) { return 0; } // expected-error {{sampling period .0. given to .hotpath::measure. is outside 1-65535 \("sample=N" times 1 call in N; "sample=1" every call\)}}
[[hotpath::measure("db", "sample=-3")]] int b(void) { return 0; } // expected-error {{sampling period .-3. given to .hotpath::measure. is outside 1-65535}}
[[hotpath::measure("sample=65536", "db")]] int c(void) { return 0; } // expected-error {{sampling period .65536. given to .hotpath::measure. is outside 1-65535}}
[[hotpath::measure("sample=often")]] int d(void) { return 0; } // expected-error {{sampling period .often. given to .hotpath::measure. is not a number \(accepted: "sample=N", N from 1 to 65535\)}}
__attribute__((annotate("hotpath", "sample="))) int e(void) { return 0; } // expected-error {{sampling period .. given to .annotate\("hotpath"\). is not a number}}
__attribute__((annotate("hotpath", "db", "sample=1e3"))) int f(void) { return 0; } // expected-error {{sampling period .1e3. given to .annotate\("hotpath"\). is not a number}}
__attribute__((annotate("hotpath", "sample=8", "sample=16"))) int g(void) { return 0; } // expected-error {{more than one "sample=N" given to .annotate\("hotpath"\).}}
[[hotpath::measure("a", "b", "sample=4")]] int h(void) { return 0; } // expected-error {{wrong number of arguments to .hotpath::measure.: it takes at most one label and one "sample=N"}}
__attribute__((annotate("hotpath", "a", "sample=4", "b"))) int k(void) { return 0; } // expected-error {{.annotate\("hotpath"\). takes at most one label and one "sample=N"}}
HOTPATH_MEASURE_SAMPLED(99999) int m(void) { return 0; } // expected-error {{sampling period .99999. given to .annotate\("hotpath"\). is outside 1-65535}}
HOTPATH_MEASURE_AS_SAMPLED("db2", x) int n(void) { return 0; } // expected-error {{sampling period .x. given to .annotate\("hotpath"\). is not a number}}
[[hotpath::main("sample=8")]] int p(void) { return 0; } // expected-error {{.sample=. does not apply to .hotpath::main.: the main window is timed on every call \(give "sample=N" to the functions it calls\)}}
__attribute__((annotate("hotpath::main", 95, "sample=2"))) int q(void) { return 0; } // expected-error {{.sample=. does not apply to .annotate\("hotpath::main"\).}}
HOTPATH_MAIN(95, "sample=2") int r(void) { return 0; } // expected-error {{.sample=. does not apply to .annotate\("hotpath::main"\).}}
/* valid: the label "sampled" is no option, "sample=1" times every call */
[[hotpath::measure("sampled", "sample=1")]] int s(void) { return 0; }
HOTPATH_MEASURE_SAMPLED(65535) int t(void) { return 0; }
int main(void) { return a() + b() + c() + d() + e() + f() + g() + h() + k() + m() + n() + p() + q() + r() + s() + t(); }
