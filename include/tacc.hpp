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
// A Codec is immutable: share one (by reference) between threads freely. It is move-only.
#ifndef TACC_HPP
#define TACC_HPP

#include <cstddef>
#include <cstdint>
#include <memory>
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

/// RAII owner of a tacc_codec. Immutable: const methods may run on many threads at once.
class Codec {
 public:
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

/// The loaded library's version ("0.1.0").
inline std::string version() { return tacc_version_string(); }

}  // namespace tacc

#endif  // TACC_HPP
