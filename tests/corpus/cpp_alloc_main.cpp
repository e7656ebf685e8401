// Allocation tracking turned on by [[hotpath::main(95, "alloc-cumulative")]]
// alone (no HOTPATH_ALLOC in the environment): cumulative figures, a
// function's counting what its measured callees allocate.
// EXPECT main cpp_alloc_main::main
// EXPECT percentiles 95
// EXPECT alloc_mode cumulative
// EXPECT alloc cpp_alloc_main::inner calls=1 bytes_total=2008 allocs=1 peak_live_bytes=2008 peak_allocs=1
// EXPECT alloc cpp_alloc_main::outer calls=1 bytes_total=3008 allocs=2 peak_live_bytes=3008 peak_allocs=2
// EXPECT alloc cpp_alloc_main::arrays calls=2 bytes_total=2080 bytes_avg=1040 allocs=4 peak_live_bytes=1040 peak_allocs=2
// EXPECT alloc cpp_alloc_main::recurse calls=5 bytes_total=200 allocs=5 peak_live_bytes=200 peak_allocs=5
#include <cstdio>

struct Widget {
    char payload[1000];
};

// Pointers stored here escape, so the compiler cannot elide new/delete pairs.
static void *volatile sink;

[[hotpath::measure]] static void inner() {
    char *p = new char[2008];
    sink = p;
    delete[] p;
}

[[hotpath::measure]] static void outer() {
    Widget *w = new Widget;
    sink = w;
    inner(); // cumulative: counted in outer's figures too
    delete w;
}

[[hotpath::measure]] static int arrays() {
    int *numbers = new int[250]; // 1000 bytes
    char *text = new char[40];
    sink = numbers;
    sink = text;
    numbers[0] = 1;
    text[0] = 2;
    int r = numbers[0] + text[0];
    delete[] text;
    delete[] numbers;
    return r;
}

[[hotpath::measure]] static void recurse(int n) {
    char *p = new char[40];
    sink = p;
    if (n > 0)
        recurse(n - 1);
    delete[] p;
}

[[hotpath::main(95, "alloc-cumulative")]] int main() {
    outer();
    int r = arrays() + arrays();
    recurse(4);
    std::printf("%d\n", r);
    return 0;
}
