// tacc.h compiled as C++, and the RAII layer tacc.hpp.
#include "tacc.h"
#include "tacc.hpp"

#include <cstdio>
#include <string>
#include <vector>

static int passed = 0, failed = 0;
#define CHECK(cond)                                                            \
  do {                                                                         \
    if (cond) {                                                                \
      passed++;                                                                \
    } else {                                                                   \
      failed++;                                                                \
      std::fprintf(stderr, "%s:%d: CHECK failed: %s\n", __FILE__, __LINE__, #cond); \
    }                                                                          \
  } while (0)

int main() {
  CHECK(tacc::version() == TACC_VERSION_STRING);
  tacc::Codec codec("cl100k_base");
  CHECK(codec.tokenizer() == "cl100k_base");
  const std::string text = "C++ callers get std::vector and std::string back.";
  for (uint32_t m : {0u, 1u, 2u, 3u, 4u, 5u, 6u, uint32_t(TACC_METHOD_AUTO)}) {
    auto frame = codec.encode_text(text, tacc::Options(m));
    CHECK(codec.decode_text(frame) == text);
  }
  tacc::Options raw(TACC_METHOD_TACC, TACC_LAYOUT_RAW);
  auto payload = codec.encode_text(text, raw);
  CHECK(codec.decode_text(payload, &raw) == text);
  std::vector<uint32_t> ids = codec.tokenize(text);
  CHECK(codec.detokenize(ids) == text);
  CHECK(codec.decode_token_ids(codec.encode_token_ids(ids)) == ids);
  tacc::Codec moved = std::move(codec);
  CHECK(moved.get() != nullptr && codec.get() == nullptr);

  bool threw = false;
  try {
    tacc::Codec bad("no_such_tokenizer");
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_UNKNOWN_TOKENIZER && std::string(e.what()).find("no_such_tokenizer") != std::string::npos;
  }
  CHECK(threw);
  threw = false;
  try {
    std::vector<uint8_t> junk = {1, 2, 3};
    moved.decode_text(junk);
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_CORRUPT;
  }
  CHECK(threw);

  // Limits: a codec with other limits, its report, and TACC_ERR_TOO_LARGE past them.
  tacc::Limits defaults;
  CHECK(defaults.max_output_bytes() == TACC_DEFAULT_MAX_OUTPUT_BYTES && defaults.max_tokens() == TACC_DEFAULT_MAX_TOKENS);
  CHECK(moved.limits().max_output_bytes() == TACC_DEFAULT_MAX_OUTPUT_BYTES);
  tacc::Codec small = moved.with_limits(tacc::Limits(1000, 0));
  CHECK(small.tokenizer() == "cl100k_base");
  CHECK(small.limits().max_output_bytes() == 1000 && small.limits().max_tokens() == TACC_DEFAULT_MAX_TOKENS);
  CHECK(moved.with_limits(tacc::Limits().max_output_bytes(UINT64_MAX)).limits().max_output_bytes() == TACC_MAX_OUTPUT_BYTES);
  std::string big(4000, 'x');
  auto big_frame = moved.encode_text(big, tacc::Options(TACC_METHOD_ZSTD));
  CHECK(moved.decode_text(big_frame) == big);
  threw = false;
  try {
    small.decode_text(big_frame);
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_TOO_LARGE && std::string(e.what()).find("max_output_bytes") != std::string::npos;
  }
  CHECK(threw);
  threw = false;
  try {
    small.decode_bytes(big_frame);
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_TOO_LARGE;
  }
  CHECK(threw);
  tacc::Codec any = tacc::Codec::builtin_decoder(tacc::Limits(5000, 0));
  CHECK(any.decode_text(big_frame) == big);
  CHECK(any.limits().max_output_bytes() == 5000);

  std::printf("test_cpp: %d checks passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
