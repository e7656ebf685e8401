// Options of hotpath::main other than "alloc" and "alloc-cumulative", and
// options given to a measure tag, in C++.
[[hotpath::main(95, "alloc", "cumulative")]] int a() { return 0; } // expected-error {{unknown option .cumulative. given to .hotpath::main. \(accepted: .alloc., .alloc-cumulative. or a percentile from 0 to 100\)}}
__attribute__((annotate("hotpath::main", "ALLOC"))) int b() { return 0; } // expected-error {{unknown option .ALLOC. given to .annotate\("hotpath::main"\).}}
[[hotpath::main(L"alloc")]] int c() { return 0; } // expected-error {{percentile given to .hotpath::main. is not a number}}
[[hotpath::measure("label", "alloc")]] int d() { return 0; } // expected-error {{.alloc. is an option of .hotpath::main., not of .hotpath::measure.}}
struct S {
    [[hotpath::measure("m", "alloc-cumulative")]] int m() { return 0; } // expected-error {{.alloc-cumulative. is an option of .hotpath::main., not of .hotpath::measure.}}
};
int main() { return a() + b() + c() + d() + S().m(); }
