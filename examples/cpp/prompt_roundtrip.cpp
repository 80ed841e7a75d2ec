// C++: compress and restore a prompt, and a token-ID array, through tacc.hpp (RAII + exceptions):
// encode()/decode<T>() are tacc_encode/tacc_decode; the buffers are released with tacc_free.
#include <cstdio>
#include <string>
#include <vector>

#include "tacc.hpp"

int main() {
  try {
    tacc::Codec codec("cl100k_base");
    const std::string prompt = "Translate to French: the library compresses prompts and completions alike.";

    std::vector<uint8_t> frame = codec.encode(prompt);
    std::string back = codec.decode<std::string>(frame);
    std::printf("prompt: %zu bytes -> %zu-byte frame, restored %s\n", prompt.size(), frame.size(),
                back == prompt ? "ok" : "MISMATCH");

    std::vector<uint32_t> ids = codec.tokenize(prompt);
    std::vector<uint8_t> id_frame = codec.encode(ids, tacc::Options(TACC_METHOD_LOPACE_HYBRID));
    std::vector<uint32_t> ids_back = codec.decode<std::vector<uint32_t>>(id_frame);
    std::printf("ids: %zu tokens -> %zu bytes, restored %s\n", ids.size(), id_frame.size(),
                ids_back == ids ? "ok" : "MISMATCH");
    return back == prompt && ids_back == ids ? 0 : 1;
  } catch (const tacc::Error& e) {
    std::fprintf(stderr, "tacc error %d (%s): %s\n", static_cast<int>(e.status()), e.kind().c_str(), e.what());
    return 1;
  }
}
