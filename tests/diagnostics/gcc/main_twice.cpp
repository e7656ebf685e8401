// Two hotpath::main in one unit, C++ spellings.
namespace app {
[[hotpath::main]] int run() { return 0; }
} // namespace app
[[hotpath::main(99)]] int main() { return app::run(); } // expected-error {{given to .int main\(\)., but this unit already has one}}
