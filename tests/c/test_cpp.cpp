// tacc.h compiled as C++, and the RAII layer tacc.hpp.
#include "tacc.h"
#include "tacc.hpp"

#include <cstdio>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#ifndef TACC_DEFAULT_PRIORS_DIR
#define TACC_DEFAULT_PRIORS_DIR "models"
#endif

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
    auto frame = codec.compress_text(text, tacc::Options(m));
    CHECK(codec.decompress_text(frame) == text);
  }
  tacc::Options raw(TACC_METHOD_TACC, TACC_LAYOUT_RAW);
  auto payload = codec.compress_text(text, raw);
  CHECK(codec.decompress_text(payload, &raw) == text);
  std::vector<uint32_t> ids = codec.tokenize(text);
  bool threw = false;
  CHECK(codec.detokenize(ids) == text);
  CHECK(codec.decompress_token_ids(codec.compress_token_ids(ids)) == ids);
  // The one-call entry points (tacc_encode / tacc_decode / tacc_free) for every kind.
  CHECK(codec.decode<std::string>(codec.encode(text)) == text);
  CHECK(codec.decode<std::vector<uint32_t>>(codec.encode(ids)) == ids);
  const std::vector<uint8_t> bin = {0xff, 0x00, 0xfe};
  CHECK(codec.decode<std::vector<uint8_t>>(codec.encode_bytes(bin)) == bin);
  CHECK(codec.decode<std::string>(codec.encode(text, raw), &raw) == text);
  CHECK(codec.decode<std::string>(codec.encode(std::string())).empty());
  threw = false;
  try {
    codec.decode<std::vector<uint32_t>>(codec.encode(text));
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_INVALID_ARGUMENT && e.kind() == "InvalidArgument";
  }
  CHECK(threw);
  tacc::Codec moved = std::move(codec);
  CHECK(moved.get() != nullptr && codec.get() == nullptr);

  threw = false;
  try {
    tacc::Codec bad("no_such_tokenizer");
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_UNKNOWN_TOKENIZER && std::string(e.what()).find("no_such_tokenizer") != std::string::npos;
  }
  CHECK(threw);
  threw = false;
  try {
    std::vector<uint8_t> junk = {1, 2, 3};
    moved.decompress_text(junk);
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_CORRUPT && e.kind() == "Corrupt";
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
  auto big_frame = moved.compress_text(big, tacc::Options(TACC_METHOD_ZSTD));
  CHECK(moved.decompress_text(big_frame) == big);
  threw = false;
  try {
    small.decompress_text(big_frame);
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_TOO_LARGE && std::string(e.what()).find("max_output_bytes") != std::string::npos;
  }
  CHECK(threw);
  threw = false;
  try {
    small.decompress_bytes(big_frame);
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_TOO_LARGE;
  }
  CHECK(threw);
  tacc::Codec any = tacc::Codec::builtin_decoder(tacc::Limits(5000, 0));
  CHECK(any.decompress_text(big_frame) == big);
  CHECK(any.limits().max_output_bytes() == 5000);

  // tacc::CodecSpec (tacc_codec_new_from_spec): an open vocabulary from its priors file alone,
  // by path and by (borrowed) bytes; the library's rules, thrown as tacc::Error.
  const std::string priors = std::string(TACC_DEFAULT_PRIORS_DIR) + "/llama3.tpf.zst";
  std::ifstream in(priors, std::ios::binary);
  const std::vector<uint8_t> priors_bytes((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
  CHECK(!priors_bytes.empty());
  tacc::Codec llama = tacc::CodecSpec().priors_file(priors).build();
  tacc::Codec llama2 = tacc::Codec::from_spec(tacc::CodecSpec().priors_bytes(priors_bytes).limits(tacc::Limits(0, 1000)));
  CHECK(llama.tokenizer() == "llama3" && llama2.tokenizer() == "llama3");
  CHECK(llama2.limits().max_tokens() == 1000);
  const std::vector<uint32_t> llama_ids = {791, 6864, 315, 9822, 374, 12366, 13, 128000, 0, 128255};
  auto llama_frame = llama.compress_token_ids(llama_ids);
  CHECK(llama2.decompress_token_ids(llama_frame) == llama_ids);
  CHECK(llama2.compress_token_ids(llama_ids) == llama_frame);
  auto kind_of = [](const tacc::CodecSpec& spec) -> std::string {
    try {
      spec.build();
    } catch (const tacc::Error& e) {
      return e.kind();
    }
    return "Ok";
  };
  CHECK(kind_of(tacc::CodecSpec().priors_file(priors).priors_bytes(priors_bytes)) == "InvalidArgument");
  CHECK(kind_of(tacc::CodecSpec().tokenizer("llama99")) == "UnknownTokenizer");
  CHECK(kind_of(tacc::CodecSpec().pattern("cl100k")) == "InvalidArgument");
  CHECK(kind_of(tacc::CodecSpec().priors_file("/nonexistent.tpf.zst")) == "Io");
  CHECK(kind_of(tacc::CodecSpec().mapping_bytes(nullptr, 0)) != "Ok");  // given, empty: not a mapping
  CHECK(kind_of(tacc::CodecSpec().tokenizer("qwen")) == "Ok");
  CHECK(tacc::CodecSpec().build().tokenizer() == "cl100k_base");
  threw = false;
  try {
    tacc::Codec("qwen").decompress_token_ids(llama_frame);
  } catch (const tacc::Error& e) {
    threw = e.status() == TACC_ERR_MISMATCH || e.status() == TACC_ERR_UNKNOWN_TOKENIZER;
  }
  CHECK(threw);
  CHECK(tacc::open_vocab_names() == (std::vector<std::string>{"llama3", "llama4", "qwen", "qwen3_6", "tekken_240911"}));

  std::printf("test_cpp: %d checks passed, %d failed\n", passed, failed);
  return failed == 0 ? 0 : 1;
}
