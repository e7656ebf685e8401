// A label that is not a string literal, in C++.
[[hotpath::measure(3.5)]] int f() { return 0; } // expected-error {{label given to .hotpath::measure. must be a string literal}}
__attribute__((annotate("hotpath", 1 + 1))) int g() { return 0; } // expected-error {{must be a string literal}}
[[hotpath::measure(nullptr)]] int h() { return 0; } // expected-error {{label given to .hotpath::measure. must be a string literal}}
