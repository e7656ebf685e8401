// A C++20 coroutine that calls measured functions across its suspensions:
// each call is counted exactly, whichever resumption makes it. The
// coroutine itself is untagged here (the Clang plugin does not measure
// coroutines and warns on a tag; the GCC plugin measures the ramp: see
// cpp_coroutine_ramp.cpp).
// ARGS: -std=c++20
// EXPECT row cpp_coroutine::step calls=5
// EXPECT row cpp_coroutine::consume calls=5
// EXPECT norow cpp_coroutine::counter
// EXPECT rows 2
#include <coroutine>
#include <cstdio>
#include <hotpath/hotpath.h>

struct Gen {
    struct promise_type {
        int value = 0;
        Gen get_return_object() {
            return Gen{std::coroutine_handle<promise_type>::from_promise(*this)};
        }
        std::suspend_always initial_suspend() noexcept { return {}; }
        std::suspend_always final_suspend() noexcept { return {}; }
        std::suspend_always yield_value(int v) {
            value = v;
            return {};
        }
        void return_void() {}
        void unhandled_exception() {}
    };
    std::coroutine_handle<promise_type> h;
    ~Gen() {
        if (h)
            h.destroy();
    }
};

HOTPATH_MEASURE __attribute__((noinline)) int step(int i) { return i * 2; }
HOTPATH_MEASURE __attribute__((noinline)) int consume(int v) { return v + 1; }

Gen counter(int n) {
    for (int i = 0; i < n; i++)
        co_yield step(i);
}

int main() {
    Gen g = counter(5);
    int sum = 0;
    for (g.h.resume(); !g.h.done(); g.h.resume())
        sum += consume(g.h.promise().value);
    std::printf("%d\n", sum);
    return 0;
}
