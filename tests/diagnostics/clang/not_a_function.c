/* The annotate spelling on things that are not functions. */
__attribute__((annotate("hotpath"))) int counter; // expected-error {{only applies to functions, not to .counter.}}

struct __attribute__((annotate("hotpath"))) point { // expected-error {{only applies to functions, not to types}}
    int x, y;
};

__attribute__((annotate("hotpath::main"))) static const char *title = "x"; // expected-error {{annotate\("hotpath::main"\).* only applies to functions}}

/* another tool's annotation: accepted anywhere, no error */
__attribute__((annotate("other tool"))) int other;

int use(int x) {
    __attribute__((annotate("hotpath", "lbl"))) int local = x; // expected-error {{only applies to functions, not to .local.}}
    return local + counter + (title != 0) + other;
}
