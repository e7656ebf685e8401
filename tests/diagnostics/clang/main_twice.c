/* Two hotpath::main in one unit. */
#include <hotpath/hotpath.h>
__attribute__((annotate("hotpath::main"))) int first(void) { return 0; }
__attribute__((annotate("hotpath::main", 50))) int second(void) { return 1; } // expected-error {{.hotpath::main. given to .second., but this unit already has one}}
int main(void) { return first() + second(); }
