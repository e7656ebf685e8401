// Methods, constructors, destructors, static members, operators, templates
// (one row per function template: instantiations merge), namespaces,
// anonymous namespaces and labels, in C++ names.
// ARGS: -std=c++17
// EXPECT main cpp_classes::main
// EXPECT percentiles 50,95,99
// EXPECT row cpp_classes::geo::Circle::Circle calls=10
// EXPECT row cpp_classes::geo::Circle::~Circle calls=10
// EXPECT row cpp_classes::geo::Circle::area calls=10
// EXPECT row cpp_classes::geo::Circle::perimeter calls=10
// EXPECT row cpp_classes::geo::Circle::unit calls=1
// EXPECT row cpp_classes::geo::Vec::operator+ calls=4
// EXPECT row cpp_classes::geo::maximum calls=3
// EXPECT row cpp_classes::geo::Box::get calls=2
// EXPECT row cpp_classes::geo::detail::helper calls=2
// EXPECT row cpp_classes::outer::inner::deep calls=1
// EXPECT row shape_count calls=1
// EXPECT row cpp_classes::Base::name calls=1
// EXPECT row cpp_classes::Derived::name calls=1
#include <hotpath/hotpath.h>
#include <cstdio>
#include <string>

namespace geo {
class Circle {
  public:
    HOTPATH_MEASURE explicit Circle(double r) : r_(r) {}
    HOTPATH_MEASURE ~Circle() { alive_--; }
    [[hotpath::measure]] double area() const { return 3.0 * r_ * r_; }
    HOTPATH_MEASURE double perimeter() const;
    [[hotpath::measure]] static Circle unit() { return Circle(1.0); }
    static int alive_;

  private:
    double r_;
};
int Circle::alive_ = 100;
double Circle::perimeter() const { return 6.0 * r_; }

struct Vec {
    int x, y;
    [[hotpath::measure]] Vec operator+(const Vec &o) const { return Vec{x + o.x, y + o.y}; }
};

template <typename T> [[hotpath::measure]] T maximum(T a, T b) { return a > b ? a : b; }

template <typename T> struct Box {
    T value;
    [[hotpath::measure]] T get() const { return value; }
};

namespace detail {
[[hotpath::measure]] int helper(int x) { return x + 40; }
} // namespace detail
} // namespace geo

namespace outer::inner {
[[hotpath::measure]] int deep() { return 7; }
} // namespace outer::inner

namespace {
[[hotpath::measure("shape_count")]] int count_shapes() { return geo::Circle::alive_; }
} // namespace

struct Base {
    virtual ~Base() = default;
    [[hotpath::measure]] virtual std::string name() const { return "base"; }
};
struct Derived : Base {
    [[hotpath::measure]] std::string name() const override { return "derived:" + Base::name(); }
};

[[hotpath::main(50, 95, 99)]] int main() {
    double s = 0;
    for (int i = 0; i < 9; i++) {
        geo::Circle c(i);
        s += c.area() + c.perimeter();
    }
    geo::Circle u = geo::Circle::unit();
    s += u.area() + u.perimeter();
    geo::Vec v{1, 2};
    for (int i = 0; i < 4; i++)
        v = v + geo::Vec{i, i};
    s += geo::maximum(3, 4) + geo::maximum(2.5, 1.5) + geo::maximum<long>(7, 8);
    geo::Box<int> bi{5};
    geo::Box<double> bd{0.5};
    s += bi.get() + bd.get() + geo::detail::helper(1) + geo::detail::helper(2) + outer::inner::deep();
    s += count_shapes();
    Derived d;
    Base &b = d;
    std::string n = b.name();
    std::printf("%g %d %d %s\n", s, v.x, v.y, n.c_str());
    return 0;
}
