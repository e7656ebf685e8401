// Allocation tracking through the plugin for C++ new/delete, new[]/delete[]
// and a standard container, in exclusive and cumulative terms.
// ENV: HOTPATH_ALLOC=1 HOTPATH_ALLOC_CUMULATIVE=1
// EXPECT alloc cpp_alloc::arrays calls=1 allocs=2 bytes_total=2000 peak_live_bytes=2000 peak_allocs=2
// EXPECT alloc cpp_alloc::Pool::fill calls=1 allocs=1 bytes_total=1000
// EXPECT alloc cpp_alloc::owner calls=1 allocs=3 bytes_total=3000 peak_allocs=2
// EXPECT alloc cpp_alloc::vector_growth allocs>=2
#include <hotpath/hotpath.h>

#include <cstdio>
#include <vector>

struct Widget {
    char payload[1000];
};

// Pointers stored here escape, so the compiler cannot elide new/delete pairs.
static void *volatile sink;

HOTPATH_MEASURE static int arrays() {
    int *numbers = new int[250]; // 1000 bytes
    Widget *w = new Widget;
    sink = numbers;
    sink = w;
    numbers[0] = 1;
    w->payload[0] = 2;
    int r = numbers[0] + w->payload[0];
    delete w;
    delete[] numbers;
    return r;
}

struct Pool {
    Widget *slot = nullptr;
    HOTPATH_MEASURE void fill() {
        slot = new Widget;
        sink = slot;
    }
    ~Pool() { delete slot; }
};

// cumulative: its own two Widgets and the one Pool::fill makes
HOTPATH_MEASURE static int owner() {
    Widget *a = new Widget;
    sink = a;
    delete a;
    Pool p;
    p.fill();
    Widget *b = new Widget;
    sink = b;
    int r = a != nullptr && b != nullptr;
    delete b;
    return r;
}

HOTPATH_MEASURE static size_t vector_growth() {
    std::vector<int> v;
    for (int i = 0; i < 100; i++)
        v.push_back(i);
    return v.size();
}

int main() {
    std::printf("%d %d %zu\n", arrays(), owner(), vector_growth());
    return 0;
}
