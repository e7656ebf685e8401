// exceptions.cpp — C++: classes, a function template and a namespace,
// measured with [[hotpath::measure]], and exceptions thrown through measured
// functions. A configuration loader parses "key = value" lines; a bad line
// throws config::ParseError from deep inside, and the exception passes
// through measured functions on its way to a handler. Each of them still
// records its exit: the counts stay exact.
//
//   g++ -O2 -fplugin=build/plugin-gcc/hotpath.so -Iruntime/include
//       examples/exceptions.cpp build/runtime/libhotpath.a -lpthread -lm -o exceptions
//   ./exceptions
//
// Report names are qualified with namespaces and classes:
// exceptions::config::Settings::load. All instantiations of a template make
// one row: parse_number<long> and parse_number<double> are both
// exceptions::config::parse_number.
//
// Built without the plugin, the compilers warn that they ignore the unknown
// [[hotpath::...]] attributes (-Wattributes); HOTPATH_MEASURE, which then
// expands to nothing, is the spelling that stays silent.
#include <hotpath/hotpath.h>

#include <cstdio>
#include <cstdlib>
#include <map>
#include <stdexcept>
#include <string>
#include <type_traits>
#include <vector>

namespace config {

class ParseError : public std::runtime_error {
  public:
    ParseError(const std::string &what, int line) : std::runtime_error(what), line_(line) {}
    int line() const { return line_; }

  private:
    int line_;
};

struct Entry {
    std::string key, value;
};

static std::string trim(const std::string &s) {
    size_t b = s.find_first_not_of(" \t"), e = s.find_last_not_of(" \t");
    return b == std::string::npos ? std::string() : s.substr(b, e - b + 1);
}

// "key = value"; throws ParseError when there is no '='.
[[hotpath::measure]] Entry split_line(const std::string &line, int number) {
    size_t eq = line.find('=');
    if (eq == std::string::npos)
        throw ParseError("expected key = value", number);
    return Entry{trim(line.substr(0, eq)), trim(line.substr(eq + 1))};
}

// A number of type T, or ParseError. One row for every T.
template <typename T> [[hotpath::measure]] T parse_number(const std::string &text, int number) {
    const char *begin = text.c_str();
    char *end = nullptr;
    T value;
    if constexpr (std::is_integral_v<T>)
        value = static_cast<T>(std::strtol(begin, &end, 10));
    else
        value = static_cast<T>(std::strtod(begin, &end));
    if (end == begin || *end != '\0')
        throw ParseError("not a number: '" + text + "'", number);
    return value;
}

class Settings {
  public:
    // Replaces the settings with those of `text`. A bad line is recorded in
    // errors() and skipped; with strict, its ParseError propagates instead.
    [[hotpath::measure]] void load(const std::string &text, bool strict) {
        integers_.clear();
        reals_.clear();
        strings_.clear();
        errors_.clear();
        size_t pos = 0;
        for (int number = 1; pos < text.size(); number++) {
            size_t nl = text.find('\n', pos);
            std::string line = trim(text.substr(pos, nl - pos));
            pos = nl == std::string::npos ? text.size() : nl + 1;
            if (line.empty() || line[0] == '#')
                continue;
            try {
                parse_line(line, number);
            } catch (const ParseError &e) {
                if (strict)
                    throw; // leaves load (measured) too
                errors_.push_back("line " + std::to_string(e.line()) + ": " + e.what());
            }
        }
    }

    long integer(const std::string &key) const { return integers_.at(key); }
    double real(const std::string &key) const { return reals_.at(key); }
    const std::vector<std::string> &errors() const { return errors_; }

  private:
    // Typed by the key's suffix. Does not catch: a ParseError thrown by
    // split_line or parse_number passes through it.
    [[hotpath::measure]] void parse_line(const std::string &line, int number) {
        Entry e = split_line(line, number);
        auto ends_with = [&](const char *suffix) {
            std::string s(suffix);
            return e.key.size() > s.size() &&
                   e.key.compare(e.key.size() - s.size(), s.size(), s) == 0;
        };
        if (ends_with("_ms") || ends_with("_count"))
            integers_[e.key] = parse_number<long>(e.value, number);
        else if (ends_with("_ratio"))
            reals_[e.key] = parse_number<double>(e.value, number);
        else
            strings_[e.key] = e.value;
    }

    std::map<std::string, long> integers_;
    std::map<std::string, double> reals_;
    std::map<std::string, std::string> strings_;
    std::vector<std::string> errors_;
};

} // namespace config

// 9 settings lines (comments and blank lines are skipped before parse_line),
// 6 of them numbers; 3 are bad: lines 6, 9 and 10.
static const char kConfig[] = "# server settings\n"
                              "name = hotpath-demo\n"
                              "workers_count = 8\n"
                              "timeout_ms = 250\n"
                              "retry_ratio = 0.25\n"
                              "cache_ratio = 1/2\n"
                              "log_level = info\n"
                              "\n"
                              "max_conn_count = 80x\n"
                              "banner\n"
                              "idle_ms = 3000\n";

[[hotpath::main(50, 95, 99)]] int main() {
    config::Settings settings;
    // Reloaded 100 times, as a server does on SIGHUP: each load parses the 9
    // lines and catches the 3 errors itself.
    for (int i = 0; i < 100; i++)
        settings.load(kConfig, false);
    std::printf("workers %ld, timeout %ldms, retry ratio %.2f; %zu errors:\n",
                settings.integer("workers_count"), settings.integer("timeout_ms"),
                settings.real("retry_ratio"), settings.errors().size());
    for (const std::string &e : settings.errors())
        std::printf("  %s\n", e.c_str());

    // Strict: the first bad line (6, cache_ratio) ends the load. The
    // exception leaves parse_number, parse_line and load, all measured.
    try {
        settings.load(kConfig, true);
    } catch (const config::ParseError &e) {
        std::printf("strict load failed at line %d: %s\n", e.line(), e.what());
    }
    return 0;
}

// What the report shows (checked by tests/e2e/check_example.py):
// load 100 + 1 calls; parse_line and split_line 100 * 9 + 5 (the strict load
// stops at its 5th line); parse_number 100 * 6 + 4.
// EXPECT main exceptions::main
// EXPECT percentiles 50,95,99
// EXPECT rows 4
// EXPECT row exceptions::config::Settings::load calls=101
// EXPECT row exceptions::config::Settings::parse_line calls=905
// EXPECT row exceptions::config::split_line calls=905
// EXPECT row exceptions::config::parse_number calls=604
// EXPECT row exceptions::config::Settings::load total_ns>=exceptions::config::Settings::parse_line.total_ns
