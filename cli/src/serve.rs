//! `tacc serve`: the playground, a single-page web app served from the binary.
//!
//! Everything the page needs is embedded (no CDN, works offline). The API:
//!
//! - `GET /`, `/app.js`, `/style.css`, `/favicon.svg`: the page.
//! - `GET /api/tokenizers`: the built-in tokenizers, the limits and the default options.
//! - `GET /api/example`: an example system prompt.
//! - `POST /api/compress`: `{"text": "..."}` or `{"ids": [..] | "1 2 3"}`, optional `"tokenizer"`
//!   and `"options": {zstd_level, lopace_level, gzip_level, checksum}` → every method's size,
//!   ratio, bits per character and per token, times, SHA-256 of the input and of the round trip,
//!   and the tokens with the bits the context model spent on each.
//! - `POST /api/frame`: the same body plus `"method": "frame model"` → that row's bytes.
//!
//! Limits: 1 MiB of text or 262,144 token IDs per request (413 beyond), 8 MiB of request body
//! (413: from Content-Length before reading, else while reading). At most `--jobs` requests
//! are computed at once and `--queue` more are admitted to wait (their bodies read); past that
//! a POST is answered 503 (with Retry-After) before its body is read, so the bodies held in
//! memory are at most (jobs + queue) × 8 MiB. The round trips decode within [`DECODE_LIMITS`].
//! Errors are JSON `{"error": "...", "kind": "InvalidArgument"}` with status 400, 413 or 500 from
//! the error's kind (`tacc::ErrorKind`, its name in `"kind"`), or `{"error": "..."}` alone for a
//! refused HTTP request (404, 405, 415, 421, 503); the server keeps running.
//! On loopback, requests must name a loopback host (DNS rebinding); POSTs must be JSON (415).

mod compute;

use std::collections::HashMap;
use std::io::Write;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex};

use axum::body::Bytes;
use axum::extract::rejection::BytesRejection;
use axum::extract::{DefaultBodyLimit, FromRequest, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use serde_json::json;
use tacc::{Codec, Limits};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

use compute::{ApiError, Request};

const INDEX_HTML: &str = include_str!("serve/web/index.html");
const APP_JS: &str = include_str!("serve/web/app.js");
const STYLE_CSS: &str = include_str!("serve/web/style.css");
const FAVICON_SVG: &str = include_str!("serve/web/favicon.svg");
const EXAMPLE: &str = include_str!("../../examples/data/system-prompt.md");

/// What the playground's decoders may produce: the round trip of at most 1 MiB of text or
/// 262,144 token IDs (1 MiB as u32), with room to spare, far below the library's defaults.
pub const DECODE_LIMITS: Limits = Limits {
    max_output_bytes: 4 << 20,
    max_tokens: 1 << 20,
};

/// The page loads nothing from elsewhere; the browser is told so too.
const CSP: &str = "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
                   connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

#[derive(clap::Args)]
#[command(
    after_help = "Limits: 1 MiB of text or 262,144 token IDs per request (larger pastes get a 413 and a message); \
                  at most --jobs requests computed and --queue waiting, more get a 503 before their bodies are read.\n\
                  API: GET /api/tokenizers; POST /api/compress {\"text\"|\"ids\", \"tokenizer\", \"options\"}; \
                  POST /api/frame (the same plus \"method\") for a row's bytes."
)]
pub struct ServeArgs {
    /// Address to listen on. Loopback by default; 0.0.0.0:PORT serves every interface (anyone
    /// who can reach the machine can then use it). Port 0 picks a free port (printed).
    #[arg(long, default_value = "127.0.0.1:8080")]
    pub addr: SocketAddr,
    /// Compress requests computed at once (each takes one core); others wait their turn.
    #[arg(long, default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub jobs: u16,
    /// Compress requests admitted to wait for a job (their bodies read, up to 8 MiB each);
    /// more are answered 503 before their bodies are read.
    #[arg(long, default_value_t = 8, value_parser = clap::value_parser!(u16).range(0..=256))]
    pub queue: u16,
}

struct AppState {
    codecs: Mutex<HashMap<String, Codec>>,
    /// Requests computed at once (`--jobs`).
    permits: Semaphore,
    /// Requests admitted, computing or waiting (`--jobs` + `--queue`).
    admitted: Arc<Semaphore>,
}

impl AppState {
    /// One codec per tokenizer, made and warmed up on first use, then shared.
    fn codec(&self, name: &str) -> Result<Codec, ApiError> {
        let cached = self
            .codecs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .get(name)
            .cloned();
        if let Some(c) = cached {
            return Ok(c);
        }
        let codec = Codec::new(name)?.with_limits(DECODE_LIMITS);
        compute::warm_up(&codec);
        self.codecs
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .insert(name.to_string(), codec.clone());
        Ok(codec)
    }
}

pub fn run(args: &ServeArgs) -> tacc::Result<()> {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(|e| tacc::Error::Io(format!("cannot start the server's runtime: {e}")))?;
    rt.block_on(serve(args))
}

async fn serve(args: &ServeArgs) -> tacc::Result<()> {
    let listener = tokio::net::TcpListener::bind(args.addr)
        .await
        .map_err(|e| tacc::Error::Io(format!("cannot listen on {}: {e}", args.addr)))?;
    let addr = listener.local_addr()?;
    if !addr.ip().is_loopback() {
        eprintln!(
            "tacc serve: note: {addr} is not a loopback address; anyone who can reach this machine on port {} can use the playground",
            addr.port()
        );
    }
    {
        let mut out = std::io::stdout().lock();
        writeln!(out, "tacc serve: listening on http://{addr}/")?;
        out.flush()?;
    }
    let state = Arc::new(AppState {
        codecs: Mutex::new(HashMap::new()),
        permits: Semaphore::new(args.jobs as usize),
        admitted: Arc::new(Semaphore::new(args.jobs as usize + args.queue as usize)),
    });
    axum::serve(listener, router(state, addr.ip().is_loopback()))
        .with_graceful_shutdown(shutdown_signal())
        .await
        .map_err(|e| tacc::Error::Io(format!("server: {e}")))?;
    eprintln!("tacc serve: stopped");
    Ok(())
}

fn router(state: Arc<AppState>, loopback: bool) -> Router {
    let guard = axum::middleware::from_fn_with_state(loopback, same_machine_only);
    Router::new()
        .route(
            "/",
            get(|| async { asset(INDEX_HTML, "text/html; charset=utf-8") }),
        )
        .route(
            "/index.html",
            get(|| async { asset(INDEX_HTML, "text/html; charset=utf-8") }),
        )
        .route(
            "/app.js",
            get(|| async { asset(APP_JS, "text/javascript; charset=utf-8") }),
        )
        .route(
            "/style.css",
            get(|| async { asset(STYLE_CSS, "text/css; charset=utf-8") }),
        )
        .route(
            "/favicon.svg",
            get(|| async { asset(FAVICON_SVG, "image/svg+xml") }),
        )
        .route("/api/tokenizers", get(tokenizers))
        .route(
            "/api/example",
            get(|| async { asset(EXAMPLE, "text/plain; charset=utf-8") }),
        )
        .route("/api/compress", post(compress))
        .route("/api/frame", post(frame))
        .fallback(|| async {
            error_response(ApiError::refused(
                404,
                "no such page: the playground is at /",
            ))
        })
        .layer(DefaultBodyLimit::max(compute::MAX_BODY_BYTES))
        .layer(guard)
        .with_state(state)
}

/// A loopback playground answers only requests addressed to a loopback name (a web page that
/// rebinds its own DNS name to 127.0.0.1 sends its own name as Host), and the API takes only
/// `application/json`, which a cross-site form cannot send without the browser asking first.
async fn same_machine_only(
    State(loopback): State<bool>,
    req: axum::extract::Request,
    next: axum::middleware::Next,
) -> Response {
    match refusal(loopback, &req) {
        Some(e) => error_response(e),
        None => next.run(req).await,
    }
}

fn refusal(loopback: bool, req: &axum::extract::Request) -> Option<ApiError> {
    let header_str = |name| {
        req.headers()
            .get(name)
            .and_then(|v: &HeaderValue| v.to_str().ok())
            .unwrap_or("")
    };
    if loopback {
        let host = header_str(header::HOST);
        let name = match host.rsplit_once(':') {
            Some((n, port)) if !port.contains(']') => n,
            _ => host,
        };
        if !matches!(name, "localhost" | "127.0.0.1" | "[::1]") {
            return Some(ApiError::refused(
                421,
                format!(
                    "this playground listens on loopback and answers only requests for localhost, 127.0.0.1 or [::1], not '{}'",
                    host.chars().take(100).collect::<String>()
                ),
            ));
        }
    }
    if req.method() == axum::http::Method::POST
        && !header_str(header::CONTENT_TYPE).starts_with("application/json")
    {
        return Some(ApiError::refused(
            415,
            "send the request as Content-Type: application/json",
        ));
    }
    None
}

fn asset(body: &'static str, content_type: &'static str) -> Response {
    (
        [
            (header::CONTENT_TYPE, content_type),
            (header::CACHE_CONTROL, "no-cache"),
            (header::CONTENT_SECURITY_POLICY, CSP),
            (header::X_CONTENT_TYPE_OPTIONS, "nosniff"),
            (header::REFERRER_POLICY, "no-referrer"),
        ],
        body,
    )
        .into_response()
}

fn error_response(e: ApiError) -> Response {
    let status = StatusCode::from_u16(e.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    let body = match e.kind {
        Some(kind) => json!({ "error": e.message, "kind": kind.name() }),
        None => json!({ "error": e.message }),
    };
    let mut r = (status, Json(body)).into_response();
    if status == StatusCode::SERVICE_UNAVAILABLE {
        r.headers_mut()
            .insert(header::RETRY_AFTER, HeaderValue::from_static("1"));
    }
    r
}

async fn tokenizers() -> Response {
    let list: Vec<_> = tacc::Builtin::ALL
        .iter()
        .filter(|b| b.is_enabled())
        .map(|b| json!({ "name": b.name(), "vocab_size": b.vocab_size() }))
        .collect();
    let d = compute::Settings::default();
    Json(json!({
        "version": tacc::VERSION,
        "tokenizers": list,
        "default": compute::DEFAULT_TOKENIZER,
        "options": {
            "zstd_level": d.zstd_level,
            "lopace_level": d.lopace_level,
            "gzip_level": d.gzip_level,
            "checksum": d.checksum,
        },
        "limits": {
            "max_text_bytes": compute::MAX_TEXT_BYTES,
            "max_ids": compute::MAX_IDS,
            "max_body_bytes": compute::MAX_BODY_BYTES,
            "max_decoded_bytes": DECODE_LIMITS.max_output_bytes,
            "token_view": compute::TOKEN_VIEW_LIMIT,
        },
    }))
    .into_response()
}

fn body_too_large() -> ApiError {
    ApiError::too_large(format!(
        "the request is larger than {} MiB; the playground takes at most 1 MiB of text or {} token IDs at a time",
        compute::MAX_BODY_BYTES >> 20,
        compute::MAX_IDS
    ))
}

/// Admits a POST before its body is read: a Content-Length over the limit is a 413, a full
/// house (`--jobs` computing and `--queue` waiting) a 503. The permit is held until the answer.
fn admit(state: &AppState, req: &axum::extract::Request) -> Result<OwnedSemaphorePermit, ApiError> {
    let declared = req
        .headers()
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<u64>().ok());
    if declared.is_some_and(|n| n > compute::MAX_BODY_BYTES as u64) {
        return Err(body_too_large());
    }
    state.admitted.clone().try_acquire_owned().map_err(|_| {
        ApiError::refused(
            503,
            "the playground is busy (every job taken and the queue full); try again in a moment",
        )
    })
}

/// Admits the request, reads its body (at most `MAX_BODY_BYTES`, enforced while reading), then
/// runs `work` on a blocking thread, at most `--jobs` at once; a panic becomes a 500.
async fn blocking<T: Send + 'static>(
    state: Arc<AppState>,
    req: axum::extract::Request,
    work: fn(&Codec, &Request) -> Result<T, ApiError>,
) -> Result<T, ApiError> {
    let _admitted = admit(&state, &req)?;
    let body: Result<Bytes, BytesRejection> = Bytes::from_request(req, &()).await;
    let body = body.map_err(|e| {
        if e.status() == StatusCode::PAYLOAD_TOO_LARGE {
            body_too_large()
        } else {
            ApiError::refused(
                e.status().as_u16(),
                format!("could not read the request: {}", e.body_text()),
            )
        }
    })?;
    let _permit = state
        .permits
        .acquire()
        .await
        .map_err(|_| ApiError::internal("the server is shutting down"))?;
    let shared = state.clone();
    tokio::task::spawn_blocking(move || {
        let req = compute::parse_request(&body)?;
        let codec = shared.codec(&req.tokenizer)?;
        work(&codec, &req)
    })
    .await
    .map_err(|e| {
        ApiError::internal(format!(
            "internal error ({e}); the server is still running, please report this input"
        ))
    })?
}

async fn compress(State(state): State<Arc<AppState>>, req: axum::extract::Request) -> Response {
    match blocking(state, req, compute::compress).await {
        Ok(v) => Json(v).into_response(),
        Err(e) => error_response(e),
    }
}

async fn frame(State(state): State<Arc<AppState>>, req: axum::extract::Request) -> Response {
    match blocking(state, req, compute::frame).await {
        Ok((bytes, file)) => {
            let disposition = HeaderValue::from_str(&format!("attachment; filename=\"{file}\""))
                .unwrap_or(HeaderValue::from_static("attachment"));
            (
                [
                    (
                        header::CONTENT_TYPE,
                        HeaderValue::from_static("application/octet-stream"),
                    ),
                    (header::CONTENT_DISPOSITION, disposition),
                ],
                bytes,
            )
                .into_response()
        }
        Err(e) => error_response(e),
    }
}

async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        _ = ctrl_c => {},
        _ = term => {},
    }
    eprintln!("tacc serve: shutting down");
}
