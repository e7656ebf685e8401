// Percentiles outside 0-100 or not numbers, in C++.
[[hotpath::main(50, 1000)]] int a() { return 0; } // expected-error {{percentile .1000. given to .hotpath::main. is outside 0-100}}
[[hotpath::main(1e3)]] int b() { return 0; } // expected-error {{percentile .1000. given to .hotpath::main. is outside 0-100}}
__attribute__((annotate("hotpath::main", nullptr))) int c() { return 0; } // expected-error {{not a number}}
int main() { return a() + b() + c(); }
