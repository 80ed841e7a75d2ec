// tacc.hpp: C++17 convenience layer over tacc.h (header-only, hand-written).
//
//   tacc::Codec codec("cl100k_base");                      // throws tacc::Error on failure
//   std::vector<uint8_t> frame = codec.encode("Hello!");   // tacc_encode
//   std::string text = codec.decode<std::string>(frame);   // tacc_decode
//
// encode()/decode() are tacc_encode/tacc_decode (any content kind, any layout); the typed
// compress_*/decompress_* methods are the C API's typed calls of the same names.
// Errors are exceptions (tacc::Error: status(), kind() the stable kind name, the library's
// message in what()).
// Every buffer the library returns is copied into a std::vector/std::string and released at once.
// Decode limits: codec.with_limits(tacc::Limits(1 << 20, 0)) decodes at most 1 MiB per call.
// Codecs from files (tacc_codec_new_from_spec; an open model's tokenizer file or priors):
//   tacc::Codec llama = tacc::CodecSpec().priors_file("models/llama3.tpf.zst").build();
//   tacc::Codec qwen = tacc::Codec::from_spec(tacc::CodecSpec().tokenizer_file("qwen.tiktoken"));
// A Codec is immutable: share one (by reference) between threads freely. It is move-only.
#ifndef TACC_HPP
#define TACC_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <type_traits>
#include <utility>
#include <vector>

#include "tacc.h"

namespace tacc {

/// A failed call: the status code and the library's message.
class Error : public std::runtime_error {
 public:
  Error(tacc_status status, const std::string& message) : std::runtime_error(message), status_(status) {}
  tacc_status status() const noexcept { return status_; }
  /// The stable kind name ("Corrupt", "TooLarge", ...), the same in every binding.
  std::string kind() const {
    const char* n = tacc_status_name(status_);
    return n != nullptr ? n : "";
  }

 private:
  tacc_status status_;
};

namespace detail {
// Takes char** (not char*): the message is read after the call, whatever order the
// arguments of check() are evaluated in.
inline void check(tacc_status st, char** msgp) {
  if (st == TACC_OK) return;
  char* msg = *msgp;
  std::string text = msg != nullptr ? std::string(msg) : std::string(tacc_status_str(st));
  tacc_free(msg);
  throw Error(st, text);
}

/// Owns what the library returned; released with tacc_free.
struct Free {
  void operator()(void* p) const noexcept { tacc_free(p); }
};
using Owned = std::unique_ptr<void, Free>;

template <class T>
inline T copy_out(const Owned& p, size_t n) {
  using E = typename T::value_type;
  const E* data = static_cast<const E*>(p.get());
  return n == 0 ? T() : T(data, data + n);
}

inline std::vector<uint8_t> take(tacc_buf& b) {
  std::vector<uint8_t> v(b.data, b.data + b.len);
  tacc_buf_free(&b);
  return v;
}

inline std::vector<uint32_t> take(tacc_ids& b) {
  std::vector<uint32_t> v(b.data, b.data + b.len);
  tacc_ids_free(&b);
  return v;
}

inline std::string take_string(tacc_buf& b) {
  std::string s(reinterpret_cast<const char*>(b.data), b.len);
  tacc_buf_free(&b);
  return s;
}
}  // namespace detail

/// Options of the encode/decode calls; defaults from tacc_options_init().
struct Options {
  tacc_options raw;
  Options() { tacc_options_init(&raw); }
  explicit Options(uint32_t method_id, tacc_layout layout = TACC_LAYOUT_FRAME) : Options() {
    raw.method = method_id;
    raw.layout = layout;
  }
  Options& method(uint32_t m) { raw.method = m; return *this; }
  Options& layout(tacc_layout l) { raw.layout = l; return *this; }
  Options& zstd_level(int32_t l) { raw.zstd_level = l; return *this; }
  Options& gzip_level(int32_t l) { raw.gzip_level = l; return *this; }
  Options& checksum(bool on) {
    raw.flags = on ? (raw.flags & ~uint32_t(TACC_FLAG_NO_CHECKSUM)) : (raw.flags | TACC_FLAG_NO_CHECKSUM);
    return *this;
  }
};

/// Decode limits (tacc_limits): the most one decode call may produce. 0 means the default
/// (TACC_DEFAULT_MAX_OUTPUT_BYTES, 64 MiB; TACC_DEFAULT_MAX_TOKENS, 16 Mi); larger than the hard
/// caps (1 GiB, 256 Mi) means the cap. Past a limit, decoding throws tacc::Error with status
/// TACC_ERR_TOO_LARGE, before the memory is allocated.
struct Limits {
  tacc_limits raw;
  Limits() { tacc_limits_init(&raw); }
  Limits(uint64_t max_output_bytes, uint64_t max_tokens) : Limits() {
    raw.max_output_bytes = max_output_bytes;
    raw.max_tokens = max_tokens;
  }
  Limits& max_output_bytes(uint64_t v) { raw.max_output_bytes = v; return *this; }
  Limits& max_tokens(uint64_t v) { raw.max_tokens = v; return *this; }
  uint64_t max_output_bytes() const noexcept { return raw.max_output_bytes; }
  uint64_t max_tokens() const noexcept { return raw.max_tokens; }
};

class CodecSpec;

/// RAII owner of a tacc_codec. Immutable: const methods may run on many threads at once.
class Codec {
 public:
  /// A codec from names, files and bytes (tacc_codec_new_from_spec): see CodecSpec.
  static Codec from_spec(const CodecSpec& spec);

  explicit Codec(const std::string& tokenizer) {
    char* msg = nullptr;
    detail::check(tacc_codec_new(tokenizer.c_str(), &codec_, &msg), &msg);
  }

  /// For frames and streams of any built-in tokenizer (what the C calls decode with a NULL
  /// codec), within `limits`.
  static Codec builtin_decoder(const Limits& limits = Limits()) {
    tacc_codec* c = nullptr;
    char* msg = nullptr;
    detail::check(tacc_codec_with_limits(nullptr, &limits.raw, &c, &msg), &msg);
    return Codec(Adopt{}, c);
  }

  /// A new codec with other decode limits: every decode call on it honours them. Cheap (the
  /// tables are shared); independent of this one.
  Codec with_limits(const Limits& limits) const {
    tacc_codec* c = nullptr;
    char* msg = nullptr;
    detail::check(tacc_codec_with_limits(codec_, &limits.raw, &c, &msg), &msg);
    return Codec(Adopt{}, c);
  }

  /// The limits this codec decodes within (defaults filled in, caps applied).
  Limits limits() const {
    Limits l;
    char* msg = nullptr;
    detail::check(tacc_codec_limits(codec_, &l.raw, &msg), &msg);
    return l;
  }
  ~Codec() { tacc_codec_free(codec_); }
  Codec(Codec&& o) noexcept : codec_(std::exchange(o.codec_, nullptr)) {}
  Codec& operator=(Codec&& o) noexcept {
    if (this != &o) {
      tacc_codec_free(codec_);
      codec_ = std::exchange(o.codec_, nullptr);
    }
    return *this;
  }
  Codec(const Codec&) = delete;
  Codec& operator=(const Codec&) = delete;

  /// The C handle, for calls this header does not wrap. Still owned by this object.
  const tacc_codec* get() const noexcept { return codec_; }
  std::string tokenizer() const { return tacc_codec_tokenizer(codec_); }

  /// tacc_encode: text (UTF-8) to a frame, or to the peer's payload with a raw-layout Options.
  std::vector<uint8_t> encode(std::string_view text, const Options& o = Options()) const {
    return encode_raw(TACC_CONTENT_TEXT, text.data(), text.size(), o);
  }
  /// tacc_encode: token IDs.
  std::vector<uint8_t> encode(const std::vector<uint32_t>& ids, const Options& o = Options()) const {
    return encode_raw(TACC_CONTENT_TOKEN_IDS, ids.data(), ids.size(), o);
  }
  /// tacc_encode: bytes (compressed as text when they are UTF-8).
  std::vector<uint8_t> encode_bytes(const std::vector<uint8_t>& data, const Options& o = Options()) const {
    return encode_raw(TACC_CONTENT_BYTES, data.data(), data.size(), o);
  }

  /// tacc_decode: T is std::string (text), std::vector<uint32_t> (token IDs) or
  /// std::vector<uint8_t> (bytes: text frames restore as their bytes). `o` is needed for the raw
  /// layout only.
  template <class T>
  T decode(const uint8_t* data, size_t len, const Options* o = nullptr) const {
    uint32_t kind = TACC_CONTENT_TEXT;
    if constexpr (std::is_same_v<T, std::vector<uint32_t>>) {
      kind = TACC_CONTENT_TOKEN_IDS;
    } else if constexpr (std::is_same_v<T, std::vector<uint8_t>>) {
      kind = TACC_CONTENT_BYTES;
    } else {
      static_assert(std::is_same_v<T, std::string>, "decode<std::string | std::vector<uint32_t> | std::vector<uint8_t>>");
    }
    void* out = nullptr;
    size_t n = 0;
    char* msg = nullptr;
    detail::check(tacc_decode(codec_, data, len, kind, o ? &o->raw : nullptr, &out, &n, &msg), &msg);
    return detail::copy_out<T>(detail::Owned(out), n);
  }
  template <class T>
  T decode(const std::vector<uint8_t>& data, const Options* o = nullptr) const {
    return decode<T>(data.data(), data.size(), o);
  }

  /// tacc_compress_text.
  std::vector<uint8_t> compress_text(std::string_view text, const Options& o = Options()) const {
    tacc_buf out{nullptr, 0};
    char* msg = nullptr;
    detail::check(tacc_compress_text(codec_, text.data(), text.size(), &o.raw, &out, &msg), &msg);
    return detail::take(out);
  }

  /// tacc_decompress_text.
  std::string decompress_text(const uint8_t* data, size_t len, const Options* o = nullptr) const {
    tacc_buf out{nullptr, 0};
    char* msg = nullptr;
    detail::check(tacc_decompress_text(codec_, data, len, o ? &o->raw : nullptr, &out, &msg), &msg);
    return detail::take_string(out);
  }
  std::string decompress_text(const std::vector<uint8_t>& data, const Options* o = nullptr) const {
    return decompress_text(data.data(), data.size(), o);
  }

  /// tacc_compress_token_ids.
  std::vector<uint8_t> compress_token_ids(const uint32_t* ids, size_t n_ids, const Options& o = Options()) const {
    tacc_buf out{nullptr, 0};
    char* msg = nullptr;
    detail::check(tacc_compress_token_ids(codec_, ids, n_ids, &o.raw, &out, &msg), &msg);
    return detail::take(out);
  }
  std::vector<uint8_t> compress_token_ids(const std::vector<uint32_t>& ids, const Options& o = Options()) const {
    return compress_token_ids(ids.data(), ids.size(), o);
  }

  /// tacc_decompress_token_ids.
  std::vector<uint32_t> decompress_token_ids(const uint8_t* data, size_t len, const Options* o = nullptr) const {
    tacc_ids out{nullptr, 0};
    char* msg = nullptr;
    detail::check(tacc_decompress_token_ids(codec_, data, len, o ? &o->raw : nullptr, &out, &msg), &msg);
    return detail::take(out);
  }
  std::vector<uint32_t> decompress_token_ids(const std::vector<uint8_t>& data, const Options* o = nullptr) const {
    return decompress_token_ids(data.data(), data.size(), o);
  }

  /// The bytes of a frame holding text or bytes (tacc_decompress_bytes).
  std::vector<uint8_t> decompress_bytes(const uint8_t* data, size_t len) const {
    tacc_buf out{nullptr, 0};
    char* msg = nullptr;
    detail::check(tacc_decompress_bytes(codec_, data, len, &out, &msg), &msg);
    return detail::take(out);
  }
  std::vector<uint8_t> decompress_bytes(const std::vector<uint8_t>& data) const {
    return decompress_bytes(data.data(), data.size());
  }

  std::vector<uint32_t> tokenize(std::string_view text) const {
    tacc_ids out{nullptr, 0};
    char* msg = nullptr;
    detail::check(tacc_tokenize(codec_, text.data(), text.size(), &out, &msg), &msg);
    return detail::take(out);
  }

  std::string detokenize(const std::vector<uint32_t>& ids) const {
    tacc_buf out{nullptr, 0};
    char* msg = nullptr;
    detail::check(tacc_detokenize(codec_, ids.data(), ids.size(), &out, &msg), &msg);
    return detail::take_string(out);
  }

 private:
  std::vector<uint8_t> encode_raw(uint32_t kind, const void* input, size_t len, const Options& o) const {
    uint8_t* out = nullptr;
    size_t n = 0;
    char* msg = nullptr;
    detail::check(tacc_encode(codec_, kind, input, len, &o.raw, &out, &n, &msg), &msg);
    return detail::copy_out<std::vector<uint8_t>>(detail::Owned(out), n);
  }

  struct Adopt {};
  Codec(Adopt, tacc_codec* c) noexcept : codec_(c) {}
  tacc_codec* codec_ = nullptr;
};

/// What a codec is made of (tacc_codec_spec; the rules for combining the fields are the
/// library's CodecSpec::build, not this header's). Every field is optional:
///   tokenizer("llama3")                      an open model's vocabulary, token IDs only
///   tokenizer_file(path) / tokenizer_bytes   its file (tiktoken rank file, Llama's
///                                            tokenizer.model, Tekken JSON): text too
///   priors_file(path) / priors_bytes         priors (models/<name>.tpf.zst); alone, they name
///                                            the vocabulary
///   mapping_file / mapping_bytes, pattern, priors_dir, limits
/// Give each file as a path or as bytes, not both (build() throws TACC_ERR_INVALID_ARGUMENT).
/// Bytes are borrowed: they must outlive build(), which reads them (the codec keeps no pointer).
class CodecSpec {
 public:
  CodecSpec() = default;
  CodecSpec& tokenizer(std::string name) { tokenizer_ = std::move(name); return *this; }
  CodecSpec& tokenizer_file(std::string path) { tokenizer_file_ = std::move(path); return *this; }
  CodecSpec& tokenizer_bytes(const void* data, size_t len) { tokenizer_bytes_ = Bytes{data, len}; return *this; }
  CodecSpec& tokenizer_bytes(const std::vector<uint8_t>& b) { return tokenizer_bytes(b.data(), b.size()); }
  CodecSpec& pattern(std::string p) { pattern_ = std::move(p); return *this; }
  CodecSpec& mapping_file(std::string path) { mapping_file_ = std::move(path); return *this; }
  CodecSpec& mapping_bytes(const void* data, size_t len) { mapping_bytes_ = Bytes{data, len}; return *this; }
  CodecSpec& mapping_bytes(const std::vector<uint8_t>& b) { return mapping_bytes(b.data(), b.size()); }
  CodecSpec& priors_file(std::string path) { priors_file_ = std::move(path); return *this; }
  CodecSpec& priors_bytes(const void* data, size_t len) { priors_bytes_ = Bytes{data, len}; return *this; }
  CodecSpec& priors_bytes(const std::vector<uint8_t>& b) { return priors_bytes(b.data(), b.size()); }
  CodecSpec& priors_dir(std::string dir) { priors_dir_ = std::move(dir); return *this; }
  CodecSpec& limits(const Limits& l) { limits_ = l; return *this; }

  /// Builds the codec: every file is read and checked now. Throws tacc::Error.
  Codec build() const { return Codec::from_spec(*this); }

  /// The C struct, pointing into this object (valid while it lives unchanged).
  tacc_codec_spec raw() const {
    tacc_codec_spec s;
    tacc_codec_spec_init(&s);
    s.tokenizer = c_str(tokenizer_);
    s.tokenizer_file = c_str(tokenizer_file_);
    set(tokenizer_bytes_, s.tokenizer_bytes, s.tokenizer_len);
    s.pattern = c_str(pattern_);
    s.mapping_file = c_str(mapping_file_);
    set(mapping_bytes_, s.mapping_bytes, s.mapping_len);
    s.priors_file = c_str(priors_file_);
    set(priors_bytes_, s.priors_bytes, s.priors_len);
    s.priors_dir = c_str(priors_dir_);
    s.limits = limits_ ? &limits_->raw : nullptr;
    return s;
  }

 private:
  struct Bytes {
    const void* data;
    size_t len;
  };
  static const char* c_str(const std::optional<std::string>& s) { return s ? s->c_str() : nullptr; }
  static void set(const std::optional<Bytes>& b, const uint8_t*& data, size_t& len) {
    if (!b) return;
    // A given but empty buffer still counts as given (an empty file): never a NULL pointer.
    static const uint8_t empty = 0;
    data = b->data != nullptr ? static_cast<const uint8_t*>(b->data) : &empty;
    len = b->len;
  }
  std::optional<std::string> tokenizer_, tokenizer_file_, pattern_, mapping_file_, priors_file_, priors_dir_;
  std::optional<Bytes> tokenizer_bytes_, mapping_bytes_, priors_bytes_;
  std::optional<Limits> limits_;
};

inline Codec Codec::from_spec(const CodecSpec& spec) {
  tacc_codec_spec raw = spec.raw();
  tacc_codec* c = nullptr;
  char* msg = nullptr;
  detail::check(tacc_codec_new_from_spec(&raw, &c, &msg), &msg);
  return Codec(Adopt{}, c);
}

/// The names of the open models' vocabularies ("llama3", "llama4", "qwen", "qwen3_6",
/// "tekken_240911"), from the library.
inline std::vector<std::string> open_vocab_names() {
  std::vector<std::string> names;
  for (size_t i = 0; const char* n = tacc_open_vocab_name(i); i++) names.emplace_back(n);
  return names;
}

/// The loaded library's version ("0.1.0").
inline std::string version() { return tacc_version_string(); }

}  // namespace tacc

#endif  // TACC_HPP
