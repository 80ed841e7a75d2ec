//! The playground's work, free of HTTP: read a request, run every method on its input, describe
//! the tokens. Everything here runs on a blocking thread and answers with a message, never a panic.

use std::time::{Duration, Instant};

use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};

use crate::units::thousands;
use tacc::{Codec, ContentKind, ErrorKind, Layout, Method, Options};

use crate::methods::{self, Measurement, Row};

/// Largest text one request may carry: 1 MiB of UTF-8.
pub const MAX_TEXT_BYTES: usize = 1 << 20;
/// Most token IDs one request may carry: 262,144.
pub const MAX_IDS: usize = 1 << 18;
/// Largest request body: room for 1 MiB of text however JSON escapes it (at most 6 bytes a byte),
/// or 262,144 IDs written out in full. Bigger bodies are refused before they are read.
pub const MAX_BODY_BYTES: usize = 8 << 20;
/// The token view lists at most this many tokens (the figures always cover all of them).
pub const TOKEN_VIEW_LIMIT: usize = 20_000;
pub const DEFAULT_TOKENIZER: &str = "cl100k_base";

/// The error a handler answers with: an HTTP status, the library's class of the error when it
/// has one, and a message for the person at the page.
#[derive(Debug)]
pub struct ApiError {
    pub status: u16,
    /// `ErrorKind::name` in the body's `"kind"`; `None` for refusals of the HTTP request itself
    /// (404, 405, 415, 421, 503), which no library call made.
    pub kind: Option<ErrorKind>,
    pub message: String,
}

impl ApiError {
    /// An error of `kind`, answered with the status that kind maps to.
    pub fn new(kind: ErrorKind, message: impl Into<String>) -> ApiError {
        ApiError {
            status: status_of(kind),
            kind: Some(kind),
            message: message.into(),
        }
    }

    /// A request the playground cannot use (400).
    pub fn bad(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::InvalidArgument, message)
    }

    /// A request over the playground's limits (413).
    pub fn too_large(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::TooLarge, message)
    }

    /// A failure of the server's own (500).
    pub fn internal(message: impl Into<String>) -> ApiError {
        ApiError::new(ErrorKind::Internal, message)
    }

    /// The HTTP request itself refused with `status`, before any library call.
    pub fn refused(status: u16, message: impl Into<String>) -> ApiError {
        ApiError {
            status,
            kind: None,
            message: message.into(),
        }
    }
}

/// The HTTP status of each error kind: the one place the playground classifies errors.
fn status_of(kind: ErrorKind) -> u16 {
    match kind {
        ErrorKind::TooLarge => 413,
        ErrorKind::InvalidArgument
        | ErrorKind::UnknownTokenizer
        | ErrorKind::UnknownId
        | ErrorKind::InvalidUtf8 => 400,
        // The rest cannot come from what a request sends (the server makes the payloads it
        // reads back): a failure of the server's own.
        _ => 500,
    }
}

impl From<tacc::Error> for ApiError {
    fn from(e: tacc::Error) -> ApiError {
        ApiError::new(e.kind(), e.to_string())
    }
}

/// The options a request may set; the defaults are the levels of `tacc bench`'s frame rows (but
/// for `frame auto`, which bench runs at gzip level 12).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Settings {
    /// zstd level of the `zstd` frame and of `auto`.
    pub zstd_level: i32,
    /// zstd level of the LoPace hybrid frame (LoPace's own default is 15).
    pub lopace_level: i32,
    /// gzip level of the `gzip` and `tacc-gzip` frames and of `auto`.
    pub gzip_level: i32,
    /// Frames carry a CRC-32 of the content.
    pub checksum: bool,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            zstd_level: 19,
            lopace_level: 15,
            gzip_level: 9,
            checksum: true,
        }
    }
}

#[derive(Debug)]
pub enum Input {
    Text(String),
    Ids(Vec<u32>),
}

#[derive(Debug)]
pub struct Request {
    pub tokenizer: String,
    pub input: Input,
    pub settings: Settings,
    /// `/api/frame`: the row whose bytes to return.
    pub method: Option<String>,
}

fn clip(s: &str) -> String {
    match s.char_indices().nth(24) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_string(),
    }
}

/// Reads a request body: `{"text": "..."}` or `{"ids": [...] | "1 2 3"}`, with optional
/// `"tokenizer"`, `"options"` and (for downloads) `"method"`.
pub fn parse_request(body: &[u8]) -> Result<Request, ApiError> {
    let body = std::str::from_utf8(body).map_err(|e| {
        ApiError::bad(format!(
            "the request is not valid UTF-8 (the bytes go wrong at offset {}): the playground takes UTF-8 text only",
            e.valid_up_to()
        ))
    })?;
    let value: Value = serde_json::from_str(body)
        .map_err(|e| ApiError::bad(format!("the request is not valid JSON: {e}")))?;
    let obj = value.as_object().ok_or_else(|| {
        ApiError::bad(
            r#"the request must be a JSON object such as {"text": "Hello"} or {"ids": [9906, 0]}"#,
        )
    })?;
    let get = |key: &str| obj.get(key).filter(|v| !v.is_null());
    let tokenizer = match get("tokenizer") {
        None => DEFAULT_TOKENIZER.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(_) => return Err(ApiError::bad("\"tokenizer\" must be a string")),
    };
    let input = match (get("text"), get("ids")) {
        (Some(_), Some(_)) => return Err(ApiError::bad("send \"text\" or \"ids\", not both")),
        (Some(Value::String(text)), None) => {
            if text.len() > MAX_TEXT_BYTES {
                return Err(ApiError::too_large(format!(
                    "the text is {} bytes; the playground takes at most {} bytes (1 MiB) at a time. `tacc compress` has no such limit",
                    thousands(text.len() as u64),
                    thousands(MAX_TEXT_BYTES as u64)
                )));
            }
            if text.is_empty() {
                return Err(ApiError::bad("nothing to compress: the text is empty"));
            }
            Input::Text(text.clone())
        }
        (Some(_), None) => return Err(ApiError::bad("\"text\" must be a string")),
        (None, Some(ids)) => Input::Ids(parse_ids(ids)?),
        (None, None) => {
            return Err(ApiError::bad(
                r#"nothing to compress: send {"text": "..."} or {"ids": [...]}"#,
            ))
        }
    };
    let settings = match get("options") {
        None => Settings::default(),
        Some(Value::Object(o)) => parse_settings(o)?,
        Some(_) => return Err(ApiError::bad("\"options\" must be an object")),
    };
    let method = match get("method") {
        None => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return Err(ApiError::bad("\"method\" must be a string")),
    };
    Ok(Request {
        tokenizer,
        input,
        settings,
        method,
    })
}

fn parse_settings(o: &Map<String, Value>) -> Result<Settings, ApiError> {
    let mut s = Settings::default();
    for (key, v) in o {
        let level = |lo: i64, hi: i64| {
            v.as_i64()
                .filter(|n| (lo..=hi).contains(n))
                .map(|n| n as i32)
                .ok_or_else(|| {
                    ApiError::bad(format!(
                        "option {key} must be an integer from {lo} to {hi}, not {v}"
                    ))
                })
        };
        match key.as_str() {
            "zstd_level" => s.zstd_level = level(1, 22)?,
            "lopace_level" => s.lopace_level = level(1, 22)?,
            "gzip_level" => s.gzip_level = level(1, 12)?,
            "checksum" => {
                s.checksum = v.as_bool().ok_or_else(|| {
                    ApiError::bad(format!("option checksum must be true or false, not {v}"))
                })?
            }
            other => {
                return Err(ApiError::bad(format!(
                    "unknown option '{other}' (zstd_level, lopace_level, gzip_level, checksum)"
                )))
            }
        }
    }
    Ok(s)
}

fn too_many_ids(n: usize) -> ApiError {
    ApiError::too_large(format!(
        "{} token IDs; the playground takes at most {} at a time. `tacc compress --ids` has no such limit",
        if n > MAX_IDS { format!("more than {}", thousands(MAX_IDS as u64)) } else { thousands(n as u64) },
        thousands(MAX_IDS as u64)
    ))
}

fn not_an_id(position: usize, what: &str) -> ApiError {
    ApiError::bad(format!(
        "token ID number {} ('{}') is not an integer from 0 to 4294967295",
        thousands(position as u64),
        clip(what)
    ))
}

/// Token IDs: a JSON array of integers, or a string of integers separated by spaces, commas or
/// newlines (optionally inside brackets, as a pasted JSON array).
pub fn parse_ids(v: &Value) -> Result<Vec<u32>, ApiError> {
    let ids = match v {
        Value::Array(items) => {
            if items.len() > MAX_IDS {
                return Err(too_many_ids(items.len()));
            }
            items
                .iter()
                .enumerate()
                .map(|(i, x)| {
                    x.as_u64()
                        .and_then(|n| u32::try_from(n).ok())
                        .ok_or_else(|| not_an_id(i + 1, &x.to_string()))
                })
                .collect::<Result<Vec<u32>, ApiError>>()?
        }
        Value::String(s) => {
            let t = s.trim();
            let t = t.strip_prefix('[').unwrap_or(t);
            let t = t.strip_suffix(']').unwrap_or(t);
            let mut ids = Vec::new();
            for (i, piece) in t
                .split(|c: char| c.is_whitespace() || c == ',')
                .filter(|p| !p.is_empty())
                .enumerate()
            {
                if i == MAX_IDS {
                    return Err(too_many_ids(MAX_IDS + 1));
                }
                ids.push(piece.parse::<u32>().map_err(|_| not_an_id(i + 1, piece))?);
            }
            ids
        }
        _ => {
            return Err(ApiError::bad(
                "\"ids\" must be an array of integers, or a string of integers separated by spaces or commas",
            ))
        }
    };
    if ids.is_empty() {
        return Err(ApiError::bad(
            "no token IDs: paste integers separated by spaces or commas, or a JSON array",
        ));
    }
    Ok(ids)
}

/// Each token's bytes; an ID the tokenizer does not have is an error naming it.
fn token_bytes(codec: &Codec, ids: &[u32]) -> Result<Vec<Vec<u8>>, ApiError> {
    let tok = codec
        .tokenizer()
        .map_err(|e| ApiError::new(e.kind(), e.to_string()))?;
    ids.iter()
        .enumerate()
        .map(|(i, &id)| {
            tok.decode_bytes(&[id]).map_err(|_| {
                ApiError::new(
                    ErrorKind::UnknownId,
                    format!(
                        "token ID {id} (number {}) is not a token of {} (its IDs run from 0 to {})",
                        thousands((i + 1) as u64),
                        codec.tokenizer_name(),
                        tok.vocab_size() - 1
                    ),
                )
            })
        })
        .collect()
}

pub fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn ids_le(ids: &[u32]) -> Vec<u8> {
    ids.iter().flat_map(|id| id.to_le_bytes()).collect()
}

/// The table's rows: frames made with the request's options, then the rows shared with
/// `tacc bench` that are not frames (the peers' raw payloads, brotli, the token-ID payloads).
fn table_rows(ids_mode: bool, s: &Settings) -> Vec<Row> {
    let mut methods = vec![
        Some(Method::Gzip),
        Some(Method::Zstd),
        Some(Method::LopaceHybrid),
        Some(Method::Tacc),
        Some(Method::TaccGzip),
        Some(Method::Model),
        Some(Method::ModelV1),
        None,
    ];
    if ids_mode {
        // Byte-oriented methods need text.
        methods.retain(|m| !matches!(m, Some(Method::Gzip | Method::Zstd)));
    }
    let mut out: Vec<Row> = methods
        .into_iter()
        .map(|m| {
            let opts = Options::default()
                .with_method(m)
                .with_zstd_level(if m == Some(Method::LopaceHybrid) {
                    s.lopace_level
                } else {
                    s.zstd_level
                })
                .with_gzip_level(s.gzip_level)
                .with_checksum(s.checksum);
            methods::codec_row(opts, ids_mode)
        })
        .collect();
    out.extend(
        methods::rows()
            .into_iter()
            .filter(|r| r.token_input == ids_mode && !r.is_frame),
    );
    out
}

/// What the request's input is, in every form the rows need.
struct Prepared {
    /// Text mode: the text. ID mode: empty (the token-ID rows do not read it).
    text: String,
    ids: Vec<u32>,
    ids_mode: bool,
    /// The bytes the SHA-256 covers: the text's UTF-8, or each ID as u32 little-endian.
    content: Vec<u8>,
    /// Bytes and characters of the text (in ID mode: of the text the IDs stand for).
    text_bytes: usize,
    chars: usize,
    /// Each token's bytes.
    pieces: Vec<Vec<u8>>,
}

fn prepare(codec: &Codec, input: &Input) -> Result<Prepared, ApiError> {
    match input {
        Input::Text(text) => {
            let ids = codec
                .tokenize(text)
                .map_err(|e| ApiError::new(e.kind(), e.to_string()))?;
            let pieces = token_bytes(codec, &ids)?;
            Ok(Prepared {
                content: text.as_bytes().to_vec(),
                text_bytes: text.len(),
                chars: text.chars().count(),
                text: text.clone(),
                ids,
                ids_mode: false,
                pieces,
            })
        }
        Input::Ids(ids) => {
            let pieces = token_bytes(codec, ids)?;
            let joined: Vec<u8> = pieces.concat();
            Ok(Prepared {
                content: ids_le(ids),
                text_bytes: joined.len(),
                chars: String::from_utf8_lossy(&joined).chars().count(),
                text: String::new(),
                ids: ids.clone(),
                ids_mode: true,
                pieces,
            })
        }
    }
}

/// Small inputs are timed several times (best of up to 5 within ~20 ms); large ones once.
fn measure(row: &Row, codec: &Codec, p: &Prepared) -> tacc::Result<Measurement> {
    let started = Instant::now();
    let mut best = row.measure(codec, &p.text, &p.ids)?;
    let mut runs = 1;
    while runs < 5 && started.elapsed() < Duration::from_millis(20) {
        let m = row.measure(codec, &p.text, &p.ids)?;
        best.encode = best.encode.min(m.encode);
        best.decode = best.decode.min(m.decode);
        best.restored &= m.restored;
        runs += 1;
    }
    Ok(best)
}

fn slug(name: &str) -> String {
    name.chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '-' })
        .collect()
}

fn round(x: f64, digits: i32) -> f64 {
    let f = 10f64.powi(digits);
    (x * f).round() / f
}

fn per(numerator: f64, denominator: usize) -> Value {
    if denominator == 0 {
        Value::Null
    } else {
        json!(numerator / denominator as f64)
    }
}

fn result_row(row: &Row, codec: &Codec, p: &Prepared, sha_in: &str) -> Value {
    let name = &row.name;
    let m = match measure(row, codec, p) {
        Ok(m) => m,
        Err(e) => return json!({ "name": name, "error": e.to_string(), "kind": e.kind().name() }),
    };
    let is_frame = row.is_frame;
    let sha_out = sha256_hex(&m.restored_content);
    let bytes = m.payload.len();
    let exact = m.restored && sha_out == sha_in;
    json!({
        "name": name,
        "kind": if is_frame { Layout::Frame } else { Layout::Raw }.name(),
        "download": format!("{}.{}", slug(name), if is_frame { "tacc" } else { "bin" }),
        "bytes": bytes,
        "ratio": per(p.text_bytes as f64, bytes),
        "saved_percent": if p.text_bytes == 0 { Value::Null } else {
            json!(100.0 * (1.0 - bytes as f64 / p.text_bytes as f64))
        },
        "bits_per_char": per(8.0 * bytes as f64, p.chars),
        "bits_per_token": per(8.0 * bytes as f64, p.ids.len()),
        "encode_us": round(m.encode.as_secs_f64() * 1e6, 1),
        "decode_us": round(m.decode.as_secs_f64() * 1e6, 1),
        "sha256_in": sha_in,
        "sha256_out": sha_out,
        "exact": exact,
    })
}

/// `/api/compress`: every method on the input, and the tokens with the model's bits.
pub fn compress(codec: &Codec, req: &Request) -> Result<Value, ApiError> {
    let p = prepare(codec, &req.input)?;
    let sha_in = sha256_hex(&p.content);
    let rows: Vec<Value> = table_rows(p.ids_mode, &req.settings)
        .iter()
        .map(|row| result_row(row, codec, &p, &sha_in))
        .collect();
    let smallest = rows
        .iter()
        .filter(|r| r["exact"] == true)
        .min_by_key(|r| r["bytes"].as_u64().unwrap_or(u64::MAX))
        .map(|r| r["name"].clone())
        .unwrap_or(Value::Null);
    let (bits, model) = match codec.model_token_bits(&p.ids) {
        Ok(bits) => {
            let total: f64 = bits.iter().sum();
            let model = json!({
                "total_bits": total,
                "bytes": total / 8.0,
                "bits_per_token": per(total, bits.len()),
                "bits_per_char": per(total, p.chars),
            });
            (Some(bits), model)
        }
        Err(e) => (
            None,
            json!({ "error": e.to_string(), "kind": e.kind().name() }),
        ),
    };
    let shown = p.ids.len().min(TOKEN_VIEW_LIMIT);
    let tokens: Vec<Value> = (0..shown)
        .map(|i| {
            let piece = &p.pieces[i];
            let mut t = json!({
                "id": p.ids[i],
                "text": String::from_utf8_lossy(piece),
                "bits": bits.as_ref().map(|b| round(b[i], 2)),
            });
            if std::str::from_utf8(piece).is_err() {
                t["partial"] = json!(true);
            }
            t
        })
        .collect();
    Ok(json!({
        "tokenizer": codec.tokenizer_name(),
        "input": {
            "kind": if p.ids_mode { ContentKind::TokenIds } else { ContentKind::Text }.name(),
            "bytes": p.text_bytes,
            "chars": p.chars,
            "tokens": p.ids.len(),
            "sha256": sha_in,
            "hashed": if p.ids_mode { "token IDs as u32 little-endian" } else { "UTF-8 text" },
        },
        "options": {
            "zstd_level": req.settings.zstd_level,
            "lopace_level": req.settings.lopace_level,
            "gzip_level": req.settings.gzip_level,
            "checksum": req.settings.checksum,
        },
        "results": rows,
        "smallest": smallest,
        "model": model,
        "tokens": tokens,
        "tokens_shown": shown,
        "tokens_total": p.ids.len(),
    }))
}

/// `/api/frame`: the bytes of one row (a `.tacc` frame, or a peer's raw payload) and a file name.
pub fn frame(codec: &Codec, req: &Request) -> Result<(Vec<u8>, String), ApiError> {
    let p = prepare(codec, &req.input)?;
    let all = table_rows(p.ids_mode, &req.settings);
    let Some(wanted) = req.method.as_deref() else {
        return Err(ApiError::bad(
            "say which method's bytes to download: \"method\": \"frame model\"",
        ));
    };
    let row = all.iter().find(|r| r.name == wanted).ok_or_else(|| {
        let names: Vec<&str> = all.iter().map(|r| r.name.as_str()).collect();
        ApiError::bad(format!(
            "unknown method '{}' for this input (one of: {})",
            clip(wanted),
            names.join(", ")
        ))
    })?;
    let m = row.measure(codec, &p.text, &p.ids)?;
    if !m.restored {
        return Err(ApiError::internal(format!(
            "{wanted} did not restore this input exactly; nothing to download"
        )));
    }
    let file = format!(
        "{}.{}",
        slug(wanted),
        if row.is_frame { "tacc" } else { "bin" }
    );
    Ok((m.payload, file))
}

/// Loads a codec's tables and priors once, so the first request's timings are steady-state ones.
pub fn warm_up(codec: &Codec) {
    let text = "Warm-up: load the tables and priors once. 123 αβγ";
    let Ok(ids) = codec.tokenize(text) else {
        return;
    };
    for row in methods::rows() {
        let _ = row.warm_up(codec, text, &ids);
    }
    let _ = codec.model_token_bits(&ids);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_from_strings_and_arrays() {
        assert_eq!(parse_ids(&json!("[1, 2,3,\n4]")).unwrap(), vec![1, 2, 3, 4]);
        assert_eq!(parse_ids(&json!([5, 6])).unwrap(), vec![5, 6]);
        let e = parse_ids(&json!("1 2 x")).unwrap_err();
        assert_eq!(e.status, 400);
        assert!(e.message.contains("number 3 ('x')"), "{}", e.message);
        assert!(parse_ids(&json!([1.5])).is_err());
        assert!(parse_ids(&json!([-1])).is_err());
        assert!(parse_ids(&json!("")).is_err());
        assert_eq!(
            parse_ids(&json!(vec![0; MAX_IDS + 1])).unwrap_err().status,
            413
        );
    }

    #[test]
    fn requests_are_checked() {
        assert_eq!(parse_request(b"\xff").unwrap_err().status, 400);
        assert!(parse_request(b"{").unwrap_err().message.contains("JSON"));
        assert!(parse_request(br#"{"text": 1}"#).is_err());
        assert!(parse_request(br#"{"text": "a", "ids": [1]}"#).is_err());
        let e = parse_request(br#"{"text": "a", "options": {"zstd_level": 40}}"#).unwrap_err();
        assert!(e.message.contains("zstd_level"), "{}", e.message);
        let r = parse_request(br#"{"text": "a", "options": {"gzip_level": 4, "checksum": false}}"#)
            .unwrap();
        assert_eq!(r.settings.gzip_level, 4);
        assert!(!r.settings.checksum);
        let big = format!(r#"{{"text": "{}"}}"#, "a".repeat(MAX_TEXT_BYTES + 1));
        assert_eq!(parse_request(big.as_bytes()).unwrap_err().status, 413);
    }

    #[test]
    fn every_row_round_trips() {
        let codec = Codec::new("cl100k_base").unwrap();
        let req = parse_request(br#"{"text": "Hello, world! Caf\u00e9 \ud83d\ude00"}"#).unwrap();
        let v = compress(&codec, &req).unwrap();
        for r in v["results"].as_array().unwrap() {
            assert_eq!(r["exact"], true, "{r}");
        }
        let ids = codec.tokenize("Hello, world!").unwrap();
        let req = parse_request(json!({ "ids": ids }).to_string().as_bytes()).unwrap();
        let v = compress(&codec, &req).unwrap();
        for r in v["results"].as_array().unwrap() {
            assert_eq!(r["exact"], true, "{r}");
        }
        let req = parse_request(br#"{"ids": "1 2 999999"}"#).unwrap();
        let e = compress(&codec, &req).unwrap_err();
        assert!(e.message.contains("999999"), "{}", e.message);
    }
}
