/* A tag on a declaration in the main file whose function is not defined in
 * the unit measures nothing: a warning at the end of the unit. */
#include "undefined_tags.h"
HOTPATH_MEASURE int elsewhere(int x); // expected-warning {{.elsewhere. is tagged but not defined in this unit, so it is not measured: a tag counts only in the unit that compiles the definition \(tag the definition, or a declaration in a header that unit includes\)}}
HOTPATH_MAIN(50) int run(void); // expected-warning {{.run. is tagged but not defined in this unit}}
/* defined later in the unit: measured, no warning */
HOTPATH_MEASURE int later(int x);
int main(void) { return elsewhere(1) + from_header(2) + later(3) + run(); }
int later(int x) { return x; }
