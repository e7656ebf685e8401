// The C++ side of the consumer: a tagged member function, measured through
// hotpath_instrument(area) with the C++ compiler's plugin.
#include <cstdio>

namespace geo {
struct Square {
    double side;
    [[hotpath::measure]] double area() const { return side * side; }
};
} // namespace geo

int main() {
    double sum = 0;
    for (int i = 1; i <= 4; i++)
        sum += geo::Square{double(i)}.area();
    std::printf("%g\n", sum);
    return sum == 30.0 ? 0 : 1;
}
