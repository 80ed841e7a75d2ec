// C++: compress and restore a prompt, and a token-ID array, through tacc.hpp (RAII + exceptions).
#include <cstdio>
#include <string>
#include <vector>

#include "tacc.hpp"

int main() {
  try {
    tacc::Codec codec("cl100k_base");
    const std::string prompt = "Translate to French: the library compresses prompts and completions alike.";

    std::vector<uint8_t> frame = codec.encode_text(prompt);
    std::string back = codec.decode_text(frame);
    std::printf("prompt: %zu bytes -> %zu-byte frame, restored %s\n", prompt.size(), frame.size(),
                back == prompt ? "ok" : "MISMATCH");

    std::vector<uint32_t> ids = codec.tokenize(prompt);
    std::vector<uint8_t> id_frame = codec.encode_token_ids(ids, tacc::Options(TACC_METHOD_LOPACE_HYBRID));
    std::vector<uint32_t> ids_back = codec.decode_token_ids(id_frame);
    std::printf("ids: %zu tokens -> %zu bytes, restored %s\n", ids.size(), id_frame.size(),
                ids_back == ids ? "ok" : "MISMATCH");
    return back == prompt && ids_back == ids ? 0 : 1;
  } catch (const tacc::Error& e) {
    std::fprintf(stderr, "tacc error %d: %s\n", static_cast<int>(e.status()), e.what());
    return 1;
  }
}
