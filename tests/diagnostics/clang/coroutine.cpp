// A C++20 coroutine is not measured by the Clang plugin (LLVM splits it
// into ramp, resume and destroy functions after the plugin's pass): a tag on
// one is a warning at its line; include= passes over it; what it calls is
// measured.
// ARGS: -std=c++20
// PLUGIN-ARGS: include=step
#include <coroutine>
#include <hotpath/hotpath.h>
struct Task {
    struct promise_type {
        Task get_return_object() { return {}; }
        std::suspend_never initial_suspend() noexcept { return {}; }
        std::suspend_never final_suspend() noexcept { return {}; }
        void return_void() {}
        void unhandled_exception() {}
    };
};
int step(int x) { return x + 1; }
HOTPATH_MEASURE Task tagged() { co_return; } // expected-warning {{hotpath: .coroutine::tagged. is a C\+\+20 coroutine, which the Clang plugin does not measure \(LLVM splits its body into ramp, resume and destroy functions\); the functions it calls can be measured}}
[[hotpath::measure("co")]] Task labelled() { step(1); co_return; } // expected-warning {{.coroutine::labelled. is a C\+\+20 coroutine}}
Task step_coroutine() { step(2); co_return; } // include=step: skipped without a warning
int main() { tagged(); labelled(); step_coroutine(); return 0; }
