// Zero cost when off, C++: the same code as zero_cost_plain.cpp without the plugin.
#include <hotpath/hotpath.h>
#include <cstdio>
#include <vector>

namespace shapes {
struct Square {
    int side;
    HOTPATH_MEASURE explicit Square(int s) : side(s) {}
    HOTPATH_MEASURE int area() const { return side * side; }
};
template <typename T> HOTPATH_MEASURE T twice(T x) { return x + x; }
} // namespace shapes

HOTPATH_MEASURE_AS("total area") int total(const std::vector<shapes::Square> &v) {
    int t = 0;
    for (const auto &s : v) {
        HOTPATH_BLOCK("one square") { t += s.area(); }
    }
    return t;
}

HOTPATH_MAIN(50, 99)
int main() {
    std::vector<shapes::Square> v{shapes::Square(2), shapes::Square(3)};
    std::printf("%d %d %g\n", total(v), shapes::twice(4), shapes::twice(1.5));
    return 0;
}
