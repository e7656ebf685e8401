// C++ exceptions passing through measured functions record each call once;
// behaviour (what is thrown, caught, and returned) is unchanged.
// ARGS: -std=c++14
// EXPECT row cpp_exceptions::thrower calls=10
// EXPECT row cpp_exceptions::passes_through calls=10
// EXPECT row cpp_exceptions::catches_inside calls=10
// EXPECT row cpp_exceptions::rethrows calls=3
// EXPECT row cpp_exceptions::Guard::~Guard calls=10
// EXPECT row cpp_exceptions::Guard::Guard calls=10
// EXPECT row cpp_exceptions::Failing::Failing calls=2
// EXPECT row cpp_exceptions::always_throws calls=2
// EXPECT row cpp_exceptions::noexcept_fn calls=5
// EXPECT row cpp_exceptions::nested_catch calls=2
#include <hotpath/hotpath.h>
#include <cstdio>
#include <stdexcept>
#include <string>

static int destroyed = 0;

struct Guard {
    int id;
    HOTPATH_MEASURE explicit Guard(int i) : id(i) {}
    HOTPATH_MEASURE ~Guard() { destroyed += id; }
};

HOTPATH_MEASURE int thrower(int x) {
    Guard g(x);
    if (x % 3 == 0)
        throw std::runtime_error("multiple of three: " + std::to_string(x));
    return x * 2;
}

HOTPATH_MEASURE int passes_through(int x) { return thrower(x) + 1; }

HOTPATH_MEASURE int catches_inside(int x) {
    try {
        return passes_through(x);
    } catch (const std::runtime_error &e) {
        return -static_cast<int>(std::string(e.what()).size());
    }
}

HOTPATH_MEASURE void rethrows(int x) {
    try {
        if (x)
            throw x;
    } catch (int v) {
        throw std::logic_error("rethrown " + std::to_string(v));
    }
}

struct Failing {
    HOTPATH_MEASURE explicit Failing(int x) {
        if (x > 0)
            throw std::invalid_argument("bad");
    }
};

[[noreturn]] HOTPATH_MEASURE void always_throws(const char *what) { throw std::runtime_error(what); }

HOTPATH_MEASURE int noexcept_fn(int x) noexcept { return x + 1; }

HOTPATH_MEASURE int nested_catch(int x) {
    int r = 0;
    try {
        try {
            always_throws("inner");
        } catch (const std::exception &) {
            r += 1;
            if (x > 1)
                throw;
        }
    } catch (const std::exception &) {
        r += 10;
    }
    return r;
}

int main() {
    long s = 0;
    for (int i = 0; i < 10; i++)
        s += catches_inside(i);
    int logic = 0;
    for (int i = 0; i < 3; i++) {
        try {
            rethrows(i);
        } catch (const std::logic_error &) {
            logic++;
        }
    }
    int bad = 0;
    for (int i = 0; i < 2; i++) {
        try {
            Failing f(i);
        } catch (const std::invalid_argument &) {
            bad++;
        }
    }
    for (int i = 0; i < 5; i++)
        s += noexcept_fn(i);
    for (int i = 0; i < 2; i++)
        s += nested_catch(i * 2);
    std::printf("s=%ld logic=%d bad=%d destroyed=%d\n", s, logic, bad, destroyed);
    return 0;
}
