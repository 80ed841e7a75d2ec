//! A tiny HTTP server (std::net only) that streams a "completion" token by token as
//! server-sent events, each carrying one base64 tacc stream chunk (docs/STREAM.md).
//!
//! ```text
//! cargo run --release --example stream_sse_server -- [TEXT_FILE]
//! ```
//!
//! It binds 127.0.0.1:0 and prints `listening on http://127.0.0.1:PORT` on stdout. `GET
//! /completion?flush=N` streams the completion (TEXT_FILE, or a built-in text), flushing a chunk
//! every N tokens (default 1): `event: chunk` events, then one `event: end` with the last chunk.
//! The Go client in examples/go (TestSSEStream) restores the text live.

use std::io::{BufRead, BufReader, Write};
use std::net::{TcpListener, TcpStream};

use base64::Engine;

const DEFAULT_TEXT: &str = "Here is a streamed answer. It has emoji 😀🎉🦀, CJK 中文字符 \
and ありがとう, accents (déjà vu), and code: `fn main() { println!(\"hi\"); }`.\n";

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let text = match std::env::args().nth(1) {
        Some(path) => std::fs::read_to_string(path)?,
        None => DEFAULT_TEXT.to_string(),
    };
    let codec = tacc::Codec::new("cl100k_base")?;
    let ids = codec.tokenize(&text).unwrap();
    let listener = TcpListener::bind("127.0.0.1:0")?;
    println!("listening on http://{}", listener.local_addr()?);
    std::io::stdout().flush()?;
    for conn in listener.incoming() {
        let (codec, ids) = (codec.clone(), ids.clone());
        let Ok(conn) = conn else { continue };
        std::thread::spawn(move || {
            if let Err(e) = serve(conn, &codec, &ids) {
                eprintln!("connection: {e}");
            }
        });
    }
    Ok(())
}

fn serve(
    conn: TcpStream,
    codec: &tacc::Codec,
    ids: &[u32],
) -> Result<(), Box<dyn std::error::Error>> {
    let mut reader = BufReader::new(conn.try_clone()?);
    let mut request = String::new();
    reader.read_line(&mut request)?;
    // Skip the rest of the request head.
    let mut line = String::new();
    while reader.read_line(&mut line)? > 2 {
        line.clear();
    }
    let mut out = conn;
    let target = request.split_whitespace().nth(1).unwrap_or("");
    let (path, query) = target.split_once('?').unwrap_or((target, ""));
    if path != "/completion" {
        out.write_all(b"HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\nConnection: close\r\n\r\n")?;
        return Ok(());
    }
    let every: usize = query
        .split('&')
        .find_map(|kv| kv.strip_prefix("flush="))
        .and_then(|v| v.parse().ok())
        .filter(|&n| n > 0)
        .unwrap_or(1);
    out.write_all(
        b"HTTP/1.1 200 OK\r\nContent-Type: text/event-stream\r\nCache-Control: no-cache\r\n\
          X-Tacc-Stream: 1\r\nConnection: close\r\n\r\n",
    )?;
    let b64 = base64::engine::general_purpose::STANDARD;
    let mut enc = codec.stream_encoder()?;
    for (i, id) in ids.iter().enumerate() {
        // A real server would push each token as the model produces it.
        enc.push_token_ids(&[*id])?;
        if (i + 1) % every == 0 {
            let chunk = enc.flush()?;
            write!(out, "event: chunk\ndata: {}\n\n", b64.encode(&chunk))?;
            out.flush()?;
        }
    }
    write!(out, "event: end\ndata: {}\n\n", b64.encode(enc.finish()?))?;
    out.flush()?;
    Ok(())
}
