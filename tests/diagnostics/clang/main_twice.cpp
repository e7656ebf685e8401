// Two hotpath::main in one unit, C++ spellings; a declaration and its
// definition are one function.
namespace app {
[[hotpath::main]] int run();
int run() { return 0; }
} // namespace app
[[hotpath::main(99)]] int main() { return app::run(); } // expected-error {{given to .main., but this unit already has one}}
