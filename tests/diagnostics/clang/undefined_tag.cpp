// A tag on a declaration in the main file whose function is not defined in
// the unit measures nothing, in C++: namespaces and members too.
#include "undefined_tags.h"
namespace app {
HOTPATH_MEASURE int elsewhere(int); // expected-warning {{app::elsewhere.* is tagged but not defined in this unit, so it is not measured}}
struct S {
    [[hotpath::measure]] int member(); // expected-warning {{S::member.* is tagged but not defined in this unit}}
    [[hotpath::measure]] int inline_later();
};
int S::inline_later() { return 1; } // defined: no warning
} // namespace app
int main() { return app::elsewhere(1) + from_header(2) + app::S().member() + app::S().inline_later(); }
