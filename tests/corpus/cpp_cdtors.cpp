// Constructors and destructors GCC compiles into several variants
// (complete, base, deleting; at -Os one shared body): each call counted
// once, whichever variant runs.
// EXPECT row cpp_cdtors::Derived::Derived calls=8
// EXPECT row cpp_cdtors::Derived::~Derived calls=8
// EXPECT row cpp_cdtors::Root::Root calls=8
// EXPECT row cpp_cdtors::Root::~Root calls=8
#include <hotpath/hotpath.h>
#include <cstdio>

struct Root {
    int a;
    HOTPATH_MEASURE Root() : a(1) {}
    HOTPATH_MEASURE virtual ~Root() { a = 0; }
};

struct Derived : virtual Root {
    int b;
    HOTPATH_MEASURE explicit Derived(int x) : b(x) {
        if (x > 100)
            std::puts("big");
    }
    HOTPATH_MEASURE ~Derived() override { b = 0; }
};

struct Leaf : Derived {
    Leaf() : Derived(5) {}
};

int main() {
    int s = 0;
    for (int i = 0; i < 4; i++) {
        Derived d(i);
        s += d.b;
    }
    for (int i = 0; i < 3; i++) {
        Leaf l;
        s += l.b;
    }
    Root *p = new Derived(7); // deleted through the base: the deleting destructor
    delete p;
    std::printf("%d\n", s);
    return 0;
}
