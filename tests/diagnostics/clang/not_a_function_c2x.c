/* The C2x spellings on a variable, a type and statements. */
// ARGS: -std=c2x
[[hotpath::measure]] int counter; // expected-error {{.hotpath::measure. attribute only applies to functions, not to .counter.}}

struct [[hotpath::main]] point { // expected-error {{.hotpath::main. attribute only applies to functions, not to types}}
    int x, y;
};

int use(int x) {
    [[hotpath::measure]] x = x + 1; // expected-error {{.hotpath::measure. attribute only applies to functions, not to statements}}
    [[hotpath::measure("a")]];      // expected-error {{only applies to functions, not to statements}}
    return x + counter;
}
