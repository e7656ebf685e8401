// The C++11 spellings on a variable, a type, a field, a parameter and statements.
// ARGS: -std=c++17
[[hotpath::measure]] int counter; // expected-error {{.hotpath::measure. attribute only applies to functions, not to .counter.}}

struct [[hotpath::measure]] Point { // expected-error {{only applies to functions, not to types}}
    [[hotpath::measure]] int x;     // expected-error {{only applies to functions, not to .x.}}
};

using Alias [[hotpath::main]] = int; // expected-error {{.hotpath::main. attribute only applies to functions, not to types}}

int use([[hotpath::measure]] int p) { // expected-error {{only applies to functions, not to .p.}}
    [[hotpath::measure]] p = p + 1;   // expected-error {{not to statements}}
    [[hotpath::main]] return p;       // expected-error {{not to statements}}
}
