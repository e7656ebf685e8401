// Compiled by Clang with its plugin.
#include "mixed_util.h"

namespace acc {
struct Acc {
    long total = 0;
    [[hotpath::measure]] void add(int x) { total += x; }
};
} // namespace acc

extern "C" [[hotpath::measure]] int clang_work(int x) { return helper(x) * 2; }

extern "C" int clang_accumulate(int n) {
    acc::Acc a;
    for (int i = 0; i < n; i++)
        a.add(i);
    return (int)a.total;
}
