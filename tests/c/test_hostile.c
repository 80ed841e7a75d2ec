/* Hostile payloads through the C API (issue 12): every decode must end in a status (never an
 * abort, never a panic), TACC_ERR_TOO_LARGE when a payload would pass the codec's limits, and
 * cost at most the limit in memory (plus a constant) and a bounded CPU time.
 *
 * Each case runs in a child process (fork) so that its own peak RSS and CPU time can be read
 * with wait4's rusage: the bound is "RSS at fork + the output limit + 64 MiB" and a CPU time
 * per case. The inputs are built in the parent before the fork (small: hand-made zstd and
 * deflate streams whose declared or expanded size is huge), plus every file of
 * tests/hostile/manifest.json (TACC_HOSTILE_DIR) when it is there.
 *
 * Outside sanitizers the child also gets an RLIMIT_AS, so a decode that tries to allocate
 * gigabytes fails fast (an abort, reported as a failure) instead of taking the machine's memory.
 *
 *   test_hostile            every case
 *   test_hostile NAME...    the cases whose name contains one of the arguments */
#define _DEFAULT_SOURCE
#include "tacc.h" /* first among the project's headers */

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/time.h>
#include <sys/types.h>
#include <sys/wait.h>
#include <unistd.h>

#include "check.h"
#include "json_mini.h"

#if defined(__SANITIZE_ADDRESS__)
#define TACC_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define TACC_ASAN 1
#endif
#endif
#ifndef TACC_ASAN
#define TACC_ASAN 0
#endif

#if TACC_ASAN
/* Under ASan an allocation the size of what the hostile inputs declare fails (NULL: Rust then
 * aborts, which the parent reports) instead of being attempted. The environment's
 * ASAN_OPTIONS still apply on top. */
const char *__asan_default_options(void);
const char *__asan_default_options(void) { return "allocator_may_return_null=1:max_allocation_size_mb=2048"; }
#endif

#define MIB (1024.0 * 1024.0)
/* Memory allowed over the output limit (vocabulary tables loaded on first use, allocator slack,
 * and under ASan its quarantine and shadow). */
#define SLACK_BYTES (TACC_ASAN ? 512.0 * MIB : 64.0 * MIB)
/* CPU time allowed per case (user + system), in seconds: the library is always a release build;
 * under ASan its allocator (which fills what it allocates) triples the cost of a 1 GiB output. */
#define CPU_BOUND_S (TACC_ASAN ? 15.0 : 5.0)

/* ---- Byte vectors -------------------------------------------------------------------------- */

typedef struct {
  uint8_t *p;
  size_t len, cap;
} bytes;

static void put(bytes *b, const void *src, size_t n) {
  if (b->len + n > b->cap) {
    size_t cap = b->cap ? b->cap : 256;
    while (cap < b->len + n) cap *= 2;
    b->p = (uint8_t *)realloc(b->p, cap);
    if (b->p == NULL) abort();
    b->cap = cap;
  }
  memcpy(b->p + b->len, src, n);
  b->len += n;
}

static void put8(bytes *b, uint8_t v) { put(b, &v, 1); }

static void put_le(bytes *b, uint64_t v, int n) {
  for (int i = 0; i < n; i++) put8(b, (uint8_t)(v >> (8 * i)));
}

/* ---- zstd by hand: a frame of raw and RLE blocks (the format's simplest blocks) ------------ */

/* A zstd frame whose content is `head` then `run_len` copies of `run_byte`, with the content
 * size in the header, as a one-shot compressor writes it. 2^29 bytes take 16 KB. */
static bytes zstd_run(const uint8_t *head, size_t head_len, uint8_t run_byte, uint64_t run_len) {
  bytes b = {NULL, 0, 0};
  const uint64_t block_max = 128 * 1024;
  put_le(&b, 0xFD2FB528u, 4);
  put8(&b, 0xC0);                 /* 8-byte content size, not single-segment, no checksum */
  put8(&b, (uint8_t)(10u << 3));  /* window 2^20 */
  put_le(&b, head_len + run_len, 8);
  if (head_len > 0) { /* one raw block */
    uint32_t h = (uint32_t)(head_len << 3) | (run_len == 0 ? 1u : 0u);
    put_le(&b, h, 3);
    put(&b, head, head_len);
  }
  while (run_len > 0) {
    uint64_t n = run_len < block_max ? run_len : block_max;
    run_len -= n;
    uint32_t h = (uint32_t)(n << 3) | (1u << 1) | (run_len == 0 ? 1u : 0u);
    put_le(&b, h, 3);
    put8(&b, run_byte);
  }
  return b;
}

/* ---- gzip by hand: fixed-Huffman deflate of `head` then a run of one byte ---------------- */

typedef struct {
  bytes out;
  uint64_t acc;
  int nbits;
} bitw;

static void bits(bitw *w, uint32_t v, int n) { /* LSB first */
  w->acc |= (uint64_t)v << w->nbits;
  w->nbits += n;
  while (w->nbits >= 8) {
    put8(&w->out, (uint8_t)w->acc);
    w->acc >>= 8;
    w->nbits -= 8;
  }
}

static void huff(bitw *w, uint32_t code, int n) { /* Huffman codes go MSB first */
  uint32_t r = 0;
  for (int i = 0; i < n; i++) r |= ((code >> i) & 1u) << (n - 1 - i);
  bits(w, r, n);
}

static void lit(bitw *w, unsigned v) {
  if (v < 144) huff(w, 0x30 + v, 8);
  else huff(w, 0x190 + (v - 144), 9);
}

static uint32_t crc_table[256];

static uint32_t crc32_update(uint32_t crc, const uint8_t *p, size_t n) {
  if (crc_table[1] == 0) {
    for (uint32_t i = 0; i < 256; i++) {
      uint32_t c = i;
      for (int k = 0; k < 8; k++) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      crc_table[i] = c;
    }
  }
  crc = ~crc;
  for (size_t i = 0; i < n; i++) crc = crc_table[(crc ^ p[i]) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

/* zlib's crc32_combine: the CRC-32 of A||B from those of A and B and B's length. */
static uint32_t gf2_times(const uint32_t *mat, uint32_t vec) {
  uint32_t sum = 0;
  while (vec) {
    if (vec & 1) sum ^= *mat;
    vec >>= 1;
    mat++;
  }
  return sum;
}

static void gf2_square(uint32_t *square, const uint32_t *mat) {
  for (int n = 0; n < 32; n++) square[n] = gf2_times(mat, mat[n]);
}

static uint32_t crc32_combine(uint32_t crc1, uint32_t crc2, uint64_t len2) {
  uint32_t even[32], odd[32], row = 1;
  if (len2 == 0) return crc1;
  odd[0] = 0xEDB88320u;
  for (int n = 1; n < 32; n++) {
    odd[n] = row;
    row <<= 1;
  }
  gf2_square(even, odd);
  gf2_square(odd, even);
  do {
    gf2_square(even, odd);
    if (len2 & 1) crc1 = gf2_times(even, crc1);
    len2 >>= 1;
    if (len2 == 0) break;
    gf2_square(odd, even);
    if (len2 & 1) crc1 = gf2_times(odd, crc1);
    len2 >>= 1;
  } while (len2 != 0);
  return crc1 ^ crc2;
}

/* CRC-32 continued over `n` copies of byte `v`: 1 MiB blocks combined, not a gigabyte read. */
static uint32_t crc32_run(uint32_t crc, uint8_t v, uint64_t n) {
  static uint8_t block[1 << 20];
  memset(block, v, sizeof block);
  const uint32_t whole = crc32_update(0, block, sizeof block);
  while (n >= sizeof block) {
    crc = crc32_combine(crc, whole, sizeof block);
    n -= sizeof block;
  }
  return crc32_update(crc, block, (size_t)n);
}

/* A gzip member holding `head`, `run_len` copies of `run_byte`, then `tail`. */
static bytes gzip_run(const uint8_t *head, size_t head_len, uint8_t run_byte, uint64_t run_len,
                      const uint8_t *tail, size_t tail_len) {
  static const uint8_t hdr[10] = {0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff};
  bitw w = {{NULL, 0, 0}, 0, 0};
  put(&w.out, hdr, sizeof hdr);
  bits(&w, 1, 1); /* final block */
  bits(&w, 1, 2); /* fixed Huffman */
  for (size_t i = 0; i < head_len; i++) lit(&w, head[i]);
  uint64_t left = run_len;
  if (left > 0) {
    lit(&w, run_byte);
    left--;
  }
  while (left >= 258) { /* length 258 (code 285), distance 1 (code 0) */
    huff(&w, 0xC0 + (285 - 280), 8);
    huff(&w, 0, 5);
    left -= 258;
  }
  while (left-- > 0) lit(&w, run_byte);
  for (size_t i = 0; i < tail_len; i++) lit(&w, tail[i]);
  huff(&w, 0, 7); /* end of block (256) */
  if (w.nbits > 0) bits(&w, 0, 8 - w.nbits);
  uint32_t crc = crc32_update(0, head, head_len);
  crc = crc32_run(crc, run_byte, run_len);
  crc = crc32_update(crc, tail, tail_len);
  put_le(&w.out, crc, 4);
  put_le(&w.out, (uint32_t)(head_len + run_len + tail_len), 4);
  return w.out;
}

/* tacc 0.1.0's payload (Thrift compact {1: list<i32>}) declaring `n` IDs, each the mapped ID 0
 * (one zero byte), gzip-compressed: 300 M IDs take 2 MB. */
static bytes tacc_gzip_ids(uint64_t n) {
  bytes head = {NULL, 0, 0};
  put8(&head, 0x19);
  put8(&head, 0xF5);
  uint64_t v = n;
  while (v >= 0x80) {
    put8(&head, (uint8_t)(v | 0x80));
    v >>= 7;
  }
  put8(&head, (uint8_t)v);
  const uint8_t stop = 0;
  bytes g = gzip_run(head.p, head.len, 0, n, &stop, 1);
  free(head.p);
  return g;
}

/* ---- Cases --------------------------------------------------------------------------------- */

/* DECODE_FRAME: the decode call that fits the frame's content kind (tacc_frame_inspect). */
enum call { DECODE_TEXT, DECODE_IDS, DECODE_BYTES, DECODE_FRAME, STREAM_PUSH, ENCODE_TEXT };

typedef struct {
  char name[96];
  enum call call;
  const char *tokenizer;   /* codec for the call */
  uint32_t raw_method;     /* TACC_LAYOUT_RAW with this method; UINT32_MAX: a frame */
  uint64_t max_output;     /* codec limits (0: default) */
  uint64_t max_tokens;
  bool null_codec;         /* pass NULL as the codec (default limits) */
  tacc_status expect;      /* the status wanted; TACC_OK with any_error: anything but OK */
  bool any_error;          /* any status other than TACC_OK and TACC_ERR_PANIC */
  bool any_status;         /* any status but TACC_ERR_PANIC (no crash is the point) */
  bytes input;
  tacc_status accept[8];   /* manifest cases: the acceptable statuses (n_accept of them) */
  int n_accept;
  bytes chunks[4];         /* STREAM_PUSH of several chunks (n_chunks > 0), in order */
  int n_chunks;
  bool fill_spaces;        /* ENCODE_TEXT: "x", spaces, "x": input.len bytes (built in the child) */
} hcase;

#define MAX_CASES 128
static hcase cases[MAX_CASES];
static int n_cases = 0;

static hcase *add_case(const char *name, enum call call, bytes input) {
  if (n_cases == MAX_CASES) abort();
  hcase *c = &cases[n_cases++];
  memset(c, 0, sizeof *c);
  snprintf(c->name, sizeof c->name, "%s", name);
  c->call = call;
  c->tokenizer = "cl100k_base";
  c->raw_method = UINT32_MAX;
  c->expect = TACC_ERR_TOO_LARGE;
  c->input = input;
  return c;
}

static double limit_bytes(const hcase *c) {
  return c->max_output ? (double)c->max_output : (double)TACC_DEFAULT_MAX_OUTPUT_BYTES;
}

/* The child: one call, its status checked. Returns the exit code (0: passed). */
static int run_case(const hcase *c) {
  tacc_codec *base = NULL, *codec = NULL;
  char *msg = NULL;
  tacc_status st;
  if (tacc_codec_new(c->tokenizer, &base, NULL) != TACC_OK) return 2;
  tacc_limits l;
  tacc_limits_init(&l);
  l.max_output_bytes = c->max_output;
  l.max_tokens = c->max_tokens;
  if (tacc_codec_with_limits(base, &l, &codec, NULL) != TACC_OK) return 2;
  tacc_codec_free(base);
  const tacc_codec *use = c->null_codec ? NULL : codec;
  tacc_options o;
  tacc_options_init(&o);
  if (c->raw_method != UINT32_MAX) {
    o.layout = TACC_LAYOUT_RAW;
    o.method = c->raw_method;
  }
  tacc_buf out = {NULL, 0};
  tacc_ids ids = {NULL, 0};
  switch (c->call) {
    case DECODE_TEXT:
      st = tacc_decompress_text(use, c->input.p, c->input.len, &o, &out, &msg);
      break;
    case DECODE_IDS:
      st = tacc_decompress_token_ids(use, c->input.p, c->input.len, &o, &ids, &msg);
      break;
    case DECODE_BYTES:
      st = tacc_decompress_bytes(use, c->input.p, c->input.len, &out, &msg);
      break;
    case DECODE_FRAME: {
      tacc_frame_info info;
      memset(&info, 0, sizeof info);
      info.struct_size = sizeof info;
      bool as_ids = tacc_frame_inspect(c->input.p, c->input.len, &info, NULL) == TACC_OK &&
                    info.content_kind == TACC_CONTENT_TOKEN_IDS;
      bool as_bytes = info.content_kind == TACC_CONTENT_BYTES;
      if (as_ids) st = tacc_decompress_token_ids(use, c->input.p, c->input.len, NULL, &ids, &msg);
      else if (as_bytes) st = tacc_decompress_bytes(use, c->input.p, c->input.len, &out, &msg);
      else st = tacc_decompress_text(use, c->input.p, c->input.len, NULL, &out, &msg);
      break;
    }
    case STREAM_PUSH: {
      tacc_stream_decoder *dec = NULL;
      bool fin = false;
      if (tacc_stream_decoder_new(use, &dec, NULL) != TACC_OK) return 2;
      if (c->n_chunks == 0) {
        st = tacc_stream_decoder_push(dec, c->input.p, c->input.len, &ids, &out, &fin, &msg);
      } else {
        st = TACC_OK;
        for (int k = 0; k < c->n_chunks && st == TACC_OK; k++) {
          tacc_ids_free(&ids);
          tacc_buf_free(&out);
          st = tacc_stream_decoder_push(dec, c->chunks[k].p, c->chunks[k].len, &ids, &out, &fin, &msg);
        }
      }
      tacc_stream_decoder_free(dec);
      break;
    }
    case ENCODE_TEXT: {
      char *text = (char *)malloc(c->input.len);
      if (text == NULL) return 2;
      /* Between two letters: the lookahead of `\s+(?!\S)` then backtracks over the whole run. */
      memset(text, ' ', c->input.len);
      text[0] = 'x';
      text[c->input.len - 1] = 'x';
      st = tacc_compress_text(use, text, c->input.len, NULL, &out, &msg);
      if (st == TACC_OK) {
        tacc_buf_free(&out);
        st = tacc_tokenize(use, text, c->input.len, &ids, &msg);
      }
      free(text);
      break;
    }
    default:
      return 2;
  }
  int rc = 0;
  if (st == TACC_ERR_PANIC) {
    rc = 1;
  } else if (c->any_status) {
    rc = 0;
  } else if (c->n_accept > 0) {
    rc = 1;
    for (int k = 0; k < c->n_accept; k++) rc = rc && st != c->accept[k];
  } else if (c->any_error) {
    rc = st == TACC_OK ? 1 : 0;
  } else {
    rc = st == c->expect ? 0 : 1;
  }
  if (rc != 0) {
    char wanted[128];
    int w = snprintf(wanted, sizeof wanted, "%s", c->n_accept ? "one of" : "");
    for (int k = 0; k < c->n_accept && w > 0 && w < (int)sizeof wanted - 8; k++)
      w += snprintf(wanted + w, sizeof wanted - (size_t)w, " %d", (int)c->accept[k]);
    if (c->n_accept == 0) snprintf(wanted, sizeof wanted, "%s%d", c->any_error ? "an error, " : "", (int)c->expect);
    fprintf(stderr, "  %s: status %d (%s), wanted %s: %s\n", c->name, (int)st, tacc_status_str(st), wanted,
            msg ? msg : "(no message)");
  } else if (msg != NULL) {
    printf("  %s: %s\n", c->name, msg);
  }
  tacc_str_free(msg);
  tacc_buf_free(&out);
  tacc_ids_free(&ids);
  tacc_codec_free(codec);
  return rc;
}

static long rss_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0, resident = 0;
  if (f == NULL) return 0;
  if (fscanf(f, "%ld %ld", &pages, &resident) != 2) resident = 0;
  fclose(f);
  return resident * (sysconf(_SC_PAGESIZE) / 1024);
}

static long vm_kib(void) {
  FILE *f = fopen("/proc/self/statm", "r");
  long pages = 0;
  if (f == NULL) return 0;
  if (fscanf(f, "%ld", &pages) != 1) pages = 0;
  fclose(f);
  return pages * (sysconf(_SC_PAGESIZE) / 1024);
}

static void fork_case(const hcase *c) {
  fflush(stdout);
  fflush(stderr);
  long base_kib = rss_kib();
  long vm = vm_kib();
  pid_t pid = fork();
  if (pid < 0) {
    perror("fork");
    CHECK(pid >= 0);
    return;
  }
  if (pid == 0) {
    if (!TACC_ASAN) {
      /* Room for the legitimate limit and more, not for what the hostile inputs declare. */
      struct rlimit rl;
      rl.rlim_cur = rl.rlim_max = (rlim_t)vm * 1024 + (rlim_t)limit_bytes(c) * 2 + ((rlim_t)1 << 30);
      setrlimit(RLIMIT_AS, &rl);
    }
    _exit(run_case(c));
  }
  int status = 0;
  struct rusage ru;
  memset(&ru, 0, sizeof ru);
  while (wait4(pid, &status, 0, &ru) < 0 && errno == EINTR) {
  }
  double cpu = (double)ru.ru_utime.tv_sec + ru.ru_utime.tv_usec / 1e6 + (double)ru.ru_stime.tv_sec +
               ru.ru_stime.tv_usec / 1e6;
  double peak = (double)ru.ru_maxrss * 1024.0;
  double bound = (double)base_kib * 1024.0 + limit_bytes(c) + SLACK_BYTES;
  bool exited = WIFEXITED(status);
  bool ok = exited && WEXITSTATUS(status) == 0 && peak <= bound && cpu <= CPU_BOUND_S;
  printf("%-4s %-58s %6zu B in  peak %7.1f MiB (bound %6.1f)  cpu %5.2f s  %s", ok ? "ok" : "FAIL", c->name,
         c->input.len, peak / MIB, bound / MIB, cpu,
         exited ? (WEXITSTATUS(status) == 0 ? "" : "wrong status") : "");
  if (WIFSIGNALED(status)) printf("killed by signal %d (%s)", WTERMSIG(status), strsignal(WTERMSIG(status)));
  printf("\n");
  CHECK(exited && WEXITSTATUS(status) == 0);
  CHECK(peak <= bound);
  CHECK(cpu <= CPU_BOUND_S);
}

/* ---- The inputs ---------------------------------------------------------------------------- */

static bytes copy_of(const uint8_t *p, size_t n) {
  bytes b = {NULL, 0, 0};
  put(&b, p, n);
  return b;
}

/* A frame header for `method` and text content without checksum: a real frame of a short text
 * minus its payload (the raw layout's bytes, for the peer methods). */
static bytes frame_header(tacc_codec *codec, uint32_t method) {
  static const char t[] = "header";
  tacc_options f, r;
  tacc_options_init(&f);
  f.method = method;
  f.flags = TACC_FLAG_NO_CHECKSUM;
  r = f;
  r.layout = TACC_LAYOUT_RAW;
  tacc_buf frame = {NULL, 0}, raw = {NULL, 0};
  bytes h = {NULL, 0, 0};
  if (tacc_compress_text(codec, t, strlen(t), &f, &frame, NULL) == TACC_OK &&
      tacc_compress_text(codec, t, strlen(t), &r, &raw, NULL) == TACC_OK && frame.len > raw.len + 2 &&
      memcmp(frame.data + frame.len - 2 - raw.len, raw.data, raw.len) == 0) {
    /* A frame without checksum ends with a 2-byte length check after the payload. */
    h = copy_of(frame.data, frame.len - raw.len - 2);
  }
  CHECK(h.len > 0);
  tacc_buf_free(&frame);
  tacc_buf_free(&raw);
  return h;
}

/* A frame without checksum: header, payload, the payload's length mod 65536 (u16 LE). */
static bytes framed(const bytes *header, const bytes *payload) {
  bytes c = {NULL, 0, 0};
  put(&c, header->p, header->len);
  put(&c, payload->p, payload->len);
  put8(&c, (uint8_t)(payload->len & 0xFF));
  put8(&c, (uint8_t)((payload->len >> 8) & 0xFF));
  return c;
}

/* The generators are checked on small sizes: what they make decodes to what they should. */
static void check_generators(tacc_codec *codec) {
  /* zstd: LoPace hybrid of 1000 copies of ID 0x2020. */
  const uint8_t fmt = 0;
  bytes z = zstd_run(&fmt, 1, 0x20, 2000);
  tacc_options o;
  tacc_options_init(&o);
  o.layout = TACC_LAYOUT_RAW;
  o.method = TACC_METHOD_LOPACE_HYBRID;
  tacc_buf text = {NULL, 0};
  tacc_buf one = {NULL, 0};
  uint32_t id = 0x2020;
  CHECK_STATUS(tacc_decompress_text(codec, z.p, z.len, &o, &text, NULL), TACC_OK);
  CHECK_STATUS(tacc_detokenize(codec, &id, 1, &one, NULL), TACC_OK);
  CHECK(one.len > 0 && text.len == 1000 * one.len);
  tacc_buf_free(&text);
  tacc_buf_free(&one);
  free(z.p);
  /* gzip: tacc-gzip of 1000 mapped IDs 0. */
  bytes g = tacc_gzip_ids(1000);
  tacc_ids ids = {NULL, 0};
  o.method = TACC_METHOD_TACC_GZIP;
  CHECK_STATUS(tacc_decompress_token_ids(codec, g.p, g.len, &o, &ids, NULL), TACC_OK);
  CHECK(ids.len == 1000);
  tacc_ids_free(&ids);
  free(g.p);
}

static void build_cases(tacc_codec *codec) {
  hcase *c;
  const uint8_t fmt_u16 = 0;
  /* LoPace hybrid, 2^28 - 1 IDs (the abort at 98 KB): raw, and inside a text frame. */
  bytes huge = zstd_run(&fmt_u16, 1, 0x20, 2 * ((1ull << 28) - 1));
  bytes hyb_hdr = frame_header(codec, TACC_METHOD_LOPACE_HYBRID);
  c = add_case("lopace-hybrid raw, 2^28-1 IDs", DECODE_TEXT, huge);
  c->raw_method = TACC_METHOD_LOPACE_HYBRID;
  c = add_case("lopace-hybrid raw, 2^28-1 IDs, 1 MiB limit", DECODE_TEXT, huge);
  c->raw_method = TACC_METHOD_LOPACE_HYBRID;
  c->max_output = 1 << 20;
  c = add_case("lopace-hybrid text frame, 2^28-1 IDs", DECODE_TEXT, framed(&hyb_hdr, &huge));
  c = add_case("lopace-hybrid text frame, 2^28-1 IDs, NULL codec", DECODE_TEXT, framed(&hyb_hdr, &huge));
  c->null_codec = true;
  c = add_case("lopace-hybrid text frame, 2^28-1 IDs, decode_bytes", DECODE_BYTES, framed(&hyb_hdr, &huge));
  free(hyb_hdr.p);
  /* 16 Mi - 1 IDs: just within the token limit; the text is within 64 MiB (decodes) if the
   * token is at most 4 bytes long, else over it. */
  bytes mid = zstd_run(&fmt_u16, 1, 0x20, 2 * ((16ull << 20) - 1));
  c = add_case("lopace-hybrid raw, 16Mi-1 IDs (at the token limit)", DECODE_TEXT, mid);
  c->raw_method = TACC_METHOD_LOPACE_HYBRID;
  {
    uint32_t id = 0x2020;
    tacc_buf one = {NULL, 0};
    CHECK_STATUS(tacc_detokenize(codec, &id, 1, &one, NULL), TACC_OK);
    c->expect = one.len * ((16ull << 20) - 1) > TACC_DEFAULT_MAX_OUTPUT_BYTES ? TACC_ERR_TOO_LARGE : TACC_OK;
    tacc_buf_free(&one);
  }
  c = add_case("lopace-hybrid raw, 16Mi-1 IDs, 4 MiB limit", DECODE_TEXT, mid);
  c->raw_method = TACC_METHOD_LOPACE_HYBRID;
  c->max_output = 4 << 20;
  /* zstd: 2^29 bytes of text in 16 KB, raw (LoPace zstd) and framed. */
  bytes zt = zstd_run(NULL, 0, 'a', 1ull << 29);
  c = add_case("zstd raw, 512 MiB of text", DECODE_TEXT, zt);
  c->raw_method = TACC_METHOD_ZSTD;
  bytes zhdr = frame_header(codec, TACC_METHOD_ZSTD);
  c = add_case("zstd text frame, 512 MiB", DECODE_TEXT, framed(&zhdr, &zt));
  c = add_case("zstd text frame, 512 MiB, decode_bytes, 1 MiB limit", DECODE_BYTES, framed(&zhdr, &zt));
  c->max_output = 1 << 20;
  free(zhdr.p);
  /* tacc-gzip raw: 300 M IDs (the reader's ID limit) and 10^9 IDs (the abort). */
  bytes g300 = tacc_gzip_ids(300000000ull);
  c = add_case("tacc-gzip raw, 300M IDs, token IDs", DECODE_IDS, g300);
  c->raw_method = TACC_METHOD_TACC_GZIP;
  c = add_case("tacc-gzip raw, 300M IDs, text", DECODE_TEXT, g300);
  c->raw_method = TACC_METHOD_TACC_GZIP;
  bytes g1e9 = tacc_gzip_ids(1000000000ull);
  c = add_case("tacc-gzip raw, 10^9 IDs, token IDs", DECODE_IDS, g1e9);
  c->raw_method = TACC_METHOD_TACC_GZIP;
  /* tacc-gzip: 20 M IDs, over the default 16 Mi tokens and over a 1 MiB output limit. */
  bytes g20 = tacc_gzip_ids(20000000ull);
  c = add_case("tacc-gzip raw, 20M IDs, token IDs", DECODE_IDS, g20);
  c->raw_method = TACC_METHOD_TACC_GZIP;
  c = add_case("tacc-gzip raw, 20M IDs, max_tokens 1000", DECODE_IDS, g20);
  c->raw_method = TACC_METHOD_TACC_GZIP;
  c->max_tokens = 1000;
  /* A model frame: a real header and a little payload, then 11.5 KB of random bytes. */
  {
    static const char t[] = "A valid start of a model frame, then noise.";
    tacc_options o;
    tacc_options_init(&o);
    o.flags = TACC_FLAG_NO_CHECKSUM;
    tacc_buf f = {NULL, 0};
    CHECK_STATUS(tacc_compress_text(codec, t, strlen(t), &o, &f, NULL), TACC_OK);
    bytes m = {NULL, 0, 0};
    put(&m, f.data, f.len < 8 ? f.len : 8);
    uint32_t x = 12345;
    for (int i = 0; i < 11500; i++) {
      x = x * 1103515245u + 12345u;
      put8(&m, (uint8_t)(x >> 16));
    }
    tacc_buf_free(&f);
    c = add_case("model frame, 11.5 KB of noise", DECODE_TEXT, m);
    c->any_status = true;
    c = add_case("model frame, 11.5 KB of noise, token IDs", DECODE_IDS, m);
    c->any_status = true;
    c = add_case("model frame, 11.5 KB of noise, 1 MiB / 1000 tokens", DECODE_TEXT, m);
    c->any_status = true;
    c->max_output = 1 << 20;
    c->max_tokens = 1000;
  }
  /* A stream: a real first chunk's header, then 15 KB of noise. */
  {
    tacc_stream_encoder *enc = NULL;
    tacc_buf first = {NULL, 0};
    static const char t[] = "stream";
    CHECK_STATUS(tacc_stream_encoder_new(codec, &enc, NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_encoder_push_text(enc, t, strlen(t), NULL), TACC_OK);
    CHECK_STATUS(tacc_stream_encoder_flush(enc, &first, NULL), TACC_OK);
    tacc_stream_encoder_free(enc);
    bytes s = {NULL, 0, 0};
    put(&s, first.data, first.len > 4 ? first.len - 2 : first.len);
    uint32_t x = 777;
    for (int i = 0; i < 15000; i++) {
      x = x * 1103515245u + 12345u;
      put8(&s, (uint8_t)(x >> 16));
    }
    tacc_buf_free(&first);
    c = add_case("stream chunk, 15 KB of noise", STREAM_PUSH, s);
    c->any_status = true;
    c = add_case("stream chunk, 15 KB of noise, 64 KiB / 1000 tokens", STREAM_PUSH, s);
    c->any_status = true;
    c->max_output = 64 << 10;
    c->max_tokens = 1000;
  }
  /* gpt2 (and r50k_base, p50k_base) on a run of 1 M spaces: an error or a result, no panic. */
  {
    static const char *const toks[] = {"gpt2", "r50k_base", "p50k_base"};
    for (int i = 0; i < 3; i++) {
      bytes n = {NULL, 1000000, 0};
      char name[96];
      snprintf(name, sizeof name, "%s compress + tokenize of 1 M spaces", toks[i]);
      c = add_case(name, ENCODE_TEXT, n);
      c->tokenizer = toks[i];
      c->any_status = true;
      c->fill_spaces = true;
    }
  }
}

/* ---- tests/hostile/manifest.json ------------------------------------------------------------ */

#ifndef TACC_HOSTILE_DIR
#define TACC_HOSTILE_DIR "tests/hostile"
#endif

/* Strings the cases keep (freed by free_cases). */
static char *kept[16];
static int n_kept = 0;

static const char *keep_string(const char *s) {
  if (n_kept == 16) abort();
  size_t n = strlen(s) + 1;
  kept[n_kept] = (char *)malloc(n);
  if (kept[n_kept] == NULL) abort();
  memcpy(kept[n_kept], s, n);
  return kept[n_kept++];
}

/* Frees every input (cases share some): each distinct pointer once. */
static void free_cases(void) {
  void *seen[MAX_CASES * 5];
  int n_seen = 0;
  for (int i = 0; i < n_cases; i++) {
    void *ps[5] = {cases[i].input.p, NULL, NULL, NULL, NULL};
    for (int k = 0; k < cases[i].n_chunks; k++) ps[1 + k] = cases[i].chunks[k].p;
    for (int k = 0; k < 5; k++) {
      bool dup = ps[k] == NULL;
      for (int j = 0; j < n_seen && !dup; j++) dup = seen[j] == ps[k];
      if (!dup) {
        seen[n_seen++] = ps[k];
        free(ps[k]);
      }
    }
  }
  for (int i = 0; i < n_kept; i++) free(kept[i]);
}

static bool read_file(const char *dir, const char *name, bytes *out) {
  char path[1024];
  snprintf(path, sizeof path, "%s/%s", dir, name);
  FILE *f = fopen(path, "rb");
  if (f == NULL) return false;
  uint8_t buf[65536];
  size_t n;
  out->len = 0;
  while ((n = fread(buf, 1, sizeof buf, f)) > 0) put(out, buf, n);
  fclose(f);
  return true;
}

/* The Rust error kinds the manifest names, as statuses. */
static tacc_status status_of_kind(const char *kind) {
  static const struct {
    const char *kind;
    tacc_status st;
  } map[] = {
      {"TooLarge", TACC_ERR_TOO_LARGE},        {"Corrupt", TACC_ERR_CORRUPT},
      {"ChecksumMismatch", TACC_ERR_CHECKSUM}, {"UnknownId", TACC_ERR_UNKNOWN_TOKEN},
      {"UnknownMappedId", TACC_ERR_UNKNOWN_TOKEN}, {"UnknownToken", TACC_ERR_UNKNOWN_TOKEN},
      {"InvalidUtf8", TACC_ERR_INVALID_UTF8}, {"Mismatch", TACC_ERR_MISMATCH},
      {"InvalidArgument", TACC_ERR_INVALID_ARGUMENT}, {"UnknownTokenizer", TACC_ERR_UNKNOWN_TOKENIZER},
  };
  for (size_t i = 0; i < sizeof map / sizeof map[0]; i++)
    if (strcmp(map[i].kind, kind) == 0) return map[i].st;
  fprintf(stderr, "manifest: unknown error kind %s\n", kind);
  CHECK(0);
  return TACC_OK;
}

/* tests/hostile/manifest.json (see tests/hostile.rs): each case with its own limits. */
static void add_manifest_cases(void) {
  const char *dir = getenv("TACC_HOSTILE_DIR");
  if (dir == NULL) dir = TACC_HOSTILE_DIR;
  bytes text = {NULL, 0, 0};
  if (!read_file(dir, "manifest.json", &text)) {
    printf("no %s/manifest.json: the committed inputs are skipped\n", dir);
    return;
  }
  jparser j = {(const char *)text.p, (const char *)text.p + text.len, 0};
  jv root;
  CHECK(j_value(&j, &root) == 0);
  const jv *list = j_get(&root, "cases");
  CHECK(list != NULL && list->t == J_ARR && list->n > 0);
  if (list == NULL || list->t != J_ARR) return;
  for (size_t i = 0; i < list->n; i++) {
    const jv *m = &list->items[i];
    const char *decode = j_str(m, "decode", "");
    char name[96];
    snprintf(name, sizeof name, "manifest %s", j_str(m, "name", "?"));
    bytes in = {NULL, 0, 0};
    hcase *c;
    if (strcmp(decode, "stream") == 0) {
      c = add_case(name, STREAM_PUSH, in);
      const jv *chunks = j_get(m, "chunks");
      for (size_t k = 0; chunks && chunks->t == J_ARR && k < chunks->n && k < 4; k++) {
        bytes ch = {NULL, 0, 0};
        CHECK(read_file(dir, chunks->items[k].str, &ch));
        c->chunks[c->n_chunks++] = ch;
        c->input.len += ch.len;
      }
    } else {
      CHECK(read_file(dir, j_str(m, "file", ""), &in));
      if (strcmp(decode, "frame") == 0) {
        c = add_case(name, DECODE_FRAME, in);
      } else {
        static const struct {
          const char *decode;
          enum call call;
          uint32_t method;
        } raw[] = {
            {"raw-lopace-hybrid", DECODE_TEXT, TACC_METHOD_LOPACE_HYBRID},
            {"raw-lopace-token", DECODE_TEXT, TACC_METHOD_LOPACE_TOKEN},
            {"raw-zstd", DECODE_TEXT, TACC_METHOD_ZSTD},
            {"raw-tacc", DECODE_IDS, TACC_METHOD_TACC},
            {"raw-tacc-gzip", DECODE_IDS, TACC_METHOD_TACC_GZIP},
        };
        size_t r = 0;
        while (r < sizeof raw / sizeof raw[0] && strcmp(raw[r].decode, decode) != 0) r++;
        if (r == sizeof raw / sizeof raw[0]) {
          fprintf(stderr, "manifest: unknown decode %s\n", decode);
          CHECK(0);
          free(in.p);
          continue;
        }
        c = add_case(name, raw[r].call, in);
        c->raw_method = raw[r].method;
      }
    }
    c->tokenizer = strcmp(j_str(m, "tokenizer", "cl100k_base"), "cl100k_base") == 0
                       ? "cl100k_base"
                       : keep_string(j_str(m, "tokenizer", ""));
    const jv *limits = j_get(m, "limits");
    c->max_output = (uint64_t)j_num(limits, "max_output_bytes", 0);
    c->max_tokens = (uint64_t)j_num(limits, "max_tokens", 0);
    const jv *expect = j_get(m, "expect");
    if (expect && expect->t == J_STR) {
      c->accept[c->n_accept++] = status_of_kind(expect->str);
    } else if (expect && expect->t == J_ARR) {
      for (size_t k = 0; k < expect->n && c->n_accept < 8; k++)
        c->accept[c->n_accept++] = status_of_kind(expect->items[k].str);
    }
    CHECK(c->n_accept > 0);
  }
  j_free(&root);
  free(text.p);
}

int main(int argc, char **argv) {
  tacc_codec *codec = NULL;
  setvbuf(stdout, NULL, _IOLBF, 0);
  CHECK_STATUS(tacc_codec_new("cl100k_base", &codec, NULL), TACC_OK);
  check_generators(codec);
  build_cases(codec);
  add_manifest_cases();
  tacc_codec_free(codec);
  /* Load the vocabularies the children use before forking: every child shares them. */
  {
    static const char *const toks[] = {"cl100k_base", "gpt2", "r50k_base", "p50k_base"};
    for (int i = 0; i < 4; i++) {
      tacc_codec *t = NULL;
      tacc_ids ids = {NULL, 0};
      CHECK_STATUS(tacc_codec_new(toks[i], &t, NULL), TACC_OK);
      CHECK_STATUS(tacc_tokenize(t, "warm up", 7, &ids, NULL), TACC_OK);
      tacc_ids_free(&ids);
      tacc_codec_free(t);
    }
  }
  printf("%d cases; peak bound = RSS at fork (%.1f MiB) + output limit + %.0f MiB; cpu bound %.1f s%s\n",
         n_cases, rss_kib() / 1024.0, SLACK_BYTES / MIB, CPU_BOUND_S,
         TACC_ASAN ? " (ASan: no RLIMIT_AS)" : "");
  for (int i = 0; i < n_cases; i++) {
    bool wanted = argc < 2;
    for (int a = 1; a < argc; a++) wanted = wanted || strstr(cases[i].name, argv[a]) != NULL;
    if (wanted) fork_case(&cases[i]);
  }
  free_cases();
  return check_summary("test_hostile");
}
