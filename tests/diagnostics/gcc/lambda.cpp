// A lambda has no name to report: tagging one is an error (named functions
// only, as with the Clang plugin), whichever spelling.
// ARGS: -std=c++17
int main() {
    auto f = []() [[hotpath::measure]] { return 1; }; // expected-error {{only applies to functions, not to types}}
    auto g = []() __attribute__((annotate("hotpath"))) { return 2; }; // expected-error {{.annotate\("hotpath"\). only applies to named functions, not to lambdas}}
    return f() + g();
}
