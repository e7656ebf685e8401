// Measured functions, HOTPATH_BLOCK and exceptions leaving a block, in C++.
// EXPECT row cpp_blocks::step calls=6
// EXPECT row guarded_block calls=6
// EXPECT row cpp_blocks::run calls=1
#include <hotpath/hotpath.h>
#include <cstdio>
#include <stdexcept>

HOTPATH_MEASURE static int step(int i) {
    if (i == 4)
        throw std::out_of_range("four");
    return i * i;
}

HOTPATH_MEASURE static int run() {
    int s = 0;
    for (int i = 0; i < 6; i++) {
        try {
            HOTPATH_BLOCK("guarded_block") { s += step(i); }
        } catch (const std::out_of_range &) {
            s -= 100;
        }
    }
    return s;
}

int main() {
    std::printf("%d\n", run());
    return 0;
}
