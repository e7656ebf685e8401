// "sample=N" in C++: on functions, members and templates the same as in C.
#include <hotpath/hotpath.h>
struct Shape {
    [[hotpath::measure("sample=0")]] int area() const { return 1; } // expected-error {{sampling period .0. given to .hotpath::measure. is outside 1-65535}}
    [[hotpath::measure("Shape::perimeter", "sample=16")]] int perimeter() const { return 2; }
};
template <typename T> [[hotpath::measure("sample=x")]] T twice(T v) { return v + v; } // expected-error {{sampling period .x. given to .hotpath::measure. is not a number}}
HOTPATH_MEASURE_SAMPLED(70000) int big() { return 3; } // expected-error {{sampling period .70000. given to .annotate\("hotpath"\). is outside 1-65535}}
[[hotpath::main("sample=4")]] int main() { return Shape().area() + Shape().perimeter() + twice(1) + big(); } // expected-error {{.sample=. does not apply to .hotpath::main.}}
