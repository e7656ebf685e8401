// The GCC plugin on a tagged C++20 coroutine: what is measured is the ramp
// (the call that creates the coroutine, up to its first suspension), once
// per coroutine made, not its resumptions. (The Clang plugin measures no
// coroutine and warns on the tag: tests/diagnostics/clang/coroutine.cpp.)
// ARGS: -std=c++20
// SKIP-IF-CC: clang
// EXPECT row cpp_coroutine_ramp::counter calls=2
// EXPECT row cpp_coroutine_ramp::step calls=8
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

HOTPATH_MEASURE Gen counter(int n) {
    for (int i = 0; i < n; i++)
        co_yield step(i);
}

static int drain(Gen &g) {
    int sum = 0;
    for (g.h.resume(); !g.h.done(); g.h.resume())
        sum += g.h.promise().value;
    return sum;
}

int main() {
    Gen a = counter(5), b = counter(3);
    std::printf("%d %d\n", drain(a), drain(b));
    return 0;
}
