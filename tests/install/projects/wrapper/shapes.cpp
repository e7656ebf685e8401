// C++ through hotpath-cc: a class in a namespace.
#include <hotpath/hotpath.h>

namespace geo {
struct Square {
    double side;
    [[hotpath::measure]] double area() const { return side * side; }
};
} // namespace geo

int main() {
    double sum = 0;
    for (int i = 1; i <= 3; i++)
        sum += geo::Square{double(i)}.area();
    return sum == 14.0 ? 0 : 1;
}
