// Uses the installed tacc.hpp.
#include <cstdio>
#include <tacc.hpp>

int main() {
  tacc::Codec codec("o200k_base");
  const std::string text = "Installed package, C++ side.";
  bool ok = codec.decode<std::string>(codec.encode(text)) == text;
  std::printf("consumer_cpp: %s\n", ok ? "ok" : "FAILED");
  return ok ? 0 : 1;
}
