// A llama.cpp-style server compresses the token IDs it generates for a Llama 3 model, and the
// other side (a client, a log reader) restores them. No tokenizer file is needed: the priors
// file names the vocabulary (models/llama3.tpf.zst, in the tacc repository).
#include <cstdio>
#include <vector>

#include "tacc.hpp"

int main(int argc, char** argv) {
  const char* priors = argc > 1 ? argv[1] : "models/llama3.tpf.zst";
  try {
    // Once, at start-up, on each side: a token-ID codec for Llama 3.
    const tacc::Codec server = tacc::CodecSpec().priors_file(priors).build();
    const tacc::Codec client = tacc::CodecSpec().priors_file(priors).build();

    // What the model generated, one completion at a time (llama_token IDs).
    const std::vector<std::vector<uint32_t>> completions = {
        {791, 6864, 315, 9822, 374, 12366, 13, 1102, 374, 3967, 369, 279, 469, 3168, 301, 22703,
         11, 279, 9928, 49606, 323, 1202, 30203, 5512, 13},
        {30287, 64069, 72916, 3727, 279, 13180, 6437, 25, 24210, 93959, 45577, 810, 1109, 5129,
         6305, 13},
    };
    for (const std::vector<uint32_t>& ids : completions) {
      std::vector<uint8_t> frame = server.compress_token_ids(ids);  // send or store this
      std::vector<uint32_t> back = client.decompress_token_ids(frame);
      std::printf("%zu tokens -> %zu bytes (%zu as 4-byte IDs), restored %s\n", ids.size(),
                  frame.size(), ids.size() * 4, back == ids ? "ok" : "MISMATCH");
      if (back != ids) return 1;
    }
    return 0;
  } catch (const tacc::Error& e) {
    std::fprintf(stderr, "tacc: %s: %s\n", e.kind().c_str(), e.what());
    return 1;
  }
}
