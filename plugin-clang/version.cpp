//===- version.cpp - refuse to run in a Clang of another major version ---===//
//
// The plugin links no LLVM library; its calls bind to the compiler that
// loads it. Loaded by another major version it would crash at random, so
// before anything else of it runs, compare versions and stop with a clear
// message. Only libc is used here: nothing else is safe before the check.
//
//===----------------------------------------------------------------------===//
#include "clang/Basic/Version.h"

#include <string>
#include <unistd.h>

namespace {

void say(const std::string &S) {
  ssize_t Ignored = write(2, S.data(), S.size());
  (void)Ignored;
}

__attribute__((constructor(101))) void checkHostVersion() {
  std::string Host = clang::getClangFullVersion();
  if (Host.find("version " CLANG_VERSION_STRING) != std::string::npos)
    return;
  say("fatal error: " HOTPATH_PLUGIN_NAME " was built for Clang " CLANG_VERSION_STRING
      " and cannot run in this compiler (" + Host + "); use the hotpath plugin built for it "
      "(hotpath-clang-<major>.so)\n");
  _exit(1);
}

} // namespace
