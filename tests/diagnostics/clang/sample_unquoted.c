/* sample=N unquoted is an expression to GCC and Clang 17+ (an undeclared
 * 'sample'); Clang 14, which reads the arguments from the source, says how
 * to write it. Either way an error at the line. */
// ARGS: -std=gnu2x
[[hotpath::measure(sample=64)]] int a(void) { return 0; } // expected-error {{without quotes: write it as a string, "sample=N"|.sample. undeclared|undeclared identifier .sample.}}
int main(void) { return a(); }
