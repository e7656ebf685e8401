// The untagged twin of zero_cost_tagged.cpp: compiled without the plugin,
// both must give the same machine code (zero_cost.py compares them).
#include <hotpath/hotpath.h>
#include <cstdio>
#include <vector>

namespace shapes {
struct Square {
    int side;
    explicit Square(int s) : side(s) {}
    int area() const { return side * side; }
};
template <typename T> T twice(T x) { return x + x; }
} // namespace shapes

int total(const std::vector<shapes::Square> &v) {
    int t = 0;
    for (const auto &s : v) {
        { t += s.area(); }
    }
    return t;
}

int main() {
    std::vector<shapes::Square> v{shapes::Square(2), shapes::Square(3)};
    std::printf("%d %d %g\n", total(v), shapes::twice(4), shapes::twice(1.5));
    return 0;
}
