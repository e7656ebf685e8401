/* Options of hotpath::main other than "alloc" and "alloc-cumulative", and
 * options given to a measure tag (hotpath::main's, not a label). */
// ARGS: -std=gnu2x
#include <hotpath/hotpath.h>
[[hotpath::main("allocs")]] int a(void) { return 0; } // expected-error {{unknown option .allocs. given to .hotpath::main. \(accepted: .alloc., .alloc-cumulative. or a percentile from 0 to 100\)}}
[[hotpath::main(50, 95, "Alloc")]] int b(void) { return 0; } // expected-error {{unknown option .Alloc. given to .hotpath::main.}}
__attribute__((annotate("hotpath::main", 95, "alloc-cumulativ"))) int c(void) { return 0; } // expected-error {{unknown option .alloc-cumulativ. given to .annotate\("hotpath::main"\). \(accepted: .alloc., .alloc-cumulative. or a percentile from 0 to 100\)}}
__attribute__((annotate("hotpath::main", ""))) int d(void) { return 0; } // expected-error {{unknown option .. given to .annotate\("hotpath::main"\).}}
HOTPATH_MAIN(99, "allocs") int e(void) { return 0; } // expected-error {{unknown option .allocs. given to .annotate\("hotpath::main"\).}}
[[hotpath::measure("db", "alloc")]] int f(void) { return 0; } // expected-error {{.alloc. is an option of .hotpath::main., not of .hotpath::measure., which takes at most one label}}
[[hotpath::measure(95, "alloc-cumulative")]] int g(void) { return 0; } // expected-error {{.alloc-cumulative. is an option of .hotpath::main., not of .hotpath::measure.}}
__attribute__((annotate("hotpath", "db", "alloc"))) int h(void) { return 0; } // expected-error {{.alloc. is an option of .annotate\("hotpath::main"\)., not of .annotate\("hotpath"\)., which takes at most one label}}
HOTPATH_MEASURE_AS("alloc") int k(void) { return 0; } /* a label that reads like an option is a label */
int main(void) { return a() + b() + c() + d() + e() + f() + g() + h() + k(); }
