// include=.* measures every function written in the program, and never the
// runtime's own (hotpath.h's block guard), the C++ library's (system
// headers) or compiler-made ones (lambdas, implicit members).
// PLUGIN-ARGS: include=.* min-size=0
// EXPECT row cpp_include_all::main calls=1
// EXPECT row cpp_include_all::Counter::bump calls=5
// EXPECT row cpp_include_all::Counter::Counter calls=1
// EXPECT row cpp_include_all::total calls=1
// EXPECT row in_block calls=5
// EXPECT rows 5
#include <hotpath/hotpath.h>
#include <algorithm>
#include <cstdio>
#include <vector>

struct Counter {
    int n;
    Counter() : n(0) {}
    void bump(int by) { n += by; }
};

static int total(const std::vector<int> &v) {
    int s = 0;
    std::for_each(v.begin(), v.end(), [&s](int x) { s += x; });
    return s;
}

int main() {
    Counter c;
    std::vector<int> v;
    for (int i = 0; i < 5; i++) {
        HOTPATH_BLOCK("in_block") {
            c.bump(i);
            v.push_back(i);
        }
    }
    std::printf("%d %d\n", c.n, total(v));
    return 0;
}
