//! `tacc serve` over HTTP: the page, the figures against `tacc compress`, the frame download,
//! and bad input (each answered with a 4xx and a message, the server still up afterwards).
//!
//! Each test starts its own server on port 0 and talks HTTP/1.1 over a plain TcpStream.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use serde_json::{json, Value};
use sha2::{Digest, Sha256};

const TACC: &str = env!("CARGO_BIN_EXE_tacc");

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn prompt_path() -> PathBuf {
    root().join("examples/data/system-prompt.md")
}

/// The running server; killed when the test ends, pass or fail.
struct Server {
    child: Child,
    addr: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start() -> Server {
    start_with(&[])
}

fn start_with(extra: &[&str]) -> Server {
    let mut child = Command::new(TACC)
        .args(["serve", "--addr", "127.0.0.1:0"])
        .args(extra)
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("start tacc serve");
    let mut line = String::new();
    BufReader::new(child.stdout.take().expect("stdout"))
        .read_line(&mut line)
        .expect("read the address");
    let addr = line
        .trim()
        .strip_prefix("tacc serve: listening on http://")
        .and_then(|s| s.strip_suffix('/'))
        .unwrap_or_else(|| panic!("unexpected first line: {line:?}"))
        .to_string();
    assert!(!addr.ends_with(":0"), "the real port is printed: {addr}");
    Server { child, addr }
}

struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", self.text()))
    }

    fn error(&self) -> String {
        self.json()["error"]
            .as_str()
            .unwrap_or_else(|| panic!("no error message: {}", self.text()))
            .to_string()
    }
}

/// One request on a fresh connection (`Connection: close`). The body is written from another
/// thread, so a server that answers before reading it all (413) does not block the client.
fn request(addr: &str, method: &str, path: &str, body: Vec<u8>) -> Reply {
    request_as(addr, addr, "application/json", method, path, body)
}

/// `request` with a chosen Host and Content-Type.
fn request_as(
    addr: &str,
    host: &str,
    content_type: &str,
    method: &str,
    path: &str,
    body: Vec<u8>,
) -> Reply {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let head = format!(
        "{method} {path} HTTP/1.1\r\nHost: {host}\r\nConnection: close\r\nContent-Type: {content_type}\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    let mut writer = stream.try_clone().unwrap();
    let sender = std::thread::spawn(move || {
        let _ = writer.write_all(head.as_bytes());
        for chunk in body.chunks(64 * 1024) {
            if writer.write_all(chunk).is_err() {
                break;
            }
        }
    });
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            // The server may reset a connection whose body it refused; what came before counts.
            Err(e) if e.kind() == std::io::ErrorKind::ConnectionReset && !raw.is_empty() => break,
            // A signal (another test's child exiting) can interrupt the read: read again.
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(e) => panic!("{method} {path}: {e}"),
        }
    }
    let _ = sender.join();
    parse_reply(&raw)
}

fn parse_reply(raw: &[u8]) -> Reply {
    let end = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .unwrap_or_else(|| panic!("no HTTP head in {:?}", String::from_utf8_lossy(raw)));
    let head = std::str::from_utf8(&raw[..end]).expect("ASCII head");
    let mut lines = head.split("\r\n");
    let status: u16 = lines
        .next()
        .and_then(|l| l.split(' ').nth(1))
        .and_then(|s| s.parse().ok())
        .expect("status line");
    let headers: Vec<(String, String)> = lines
        .filter_map(|l| l.split_once(':'))
        .map(|(k, v)| (k.trim().to_string(), v.trim().to_string()))
        .collect();
    let mut body = raw[end + 4..].to_vec();
    let chunked = headers.iter().any(|(k, v)| {
        k.eq_ignore_ascii_case("transfer-encoding") && v.eq_ignore_ascii_case("chunked")
    });
    if chunked {
        let mut out = Vec::new();
        let mut rest = &body[..];
        loop {
            let nl = rest
                .windows(2)
                .position(|w| w == b"\r\n")
                .expect("chunk size");
            let size = usize::from_str_radix(std::str::from_utf8(&rest[..nl]).unwrap().trim(), 16)
                .expect("hex chunk size");
            if size == 0 {
                break;
            }
            out.extend_from_slice(&rest[nl + 2..nl + 2 + size]);
            rest = &rest[nl + 2 + size + 2..];
        }
        body = out;
    }
    Reply {
        status,
        headers,
        body,
    }
}

fn get(server: &Server, path: &str) -> Reply {
    request(&server.addr, "GET", path, Vec::new())
}

fn post(server: &Server, path: &str, body: &Value) -> Reply {
    request(&server.addr, "POST", path, body.to_string().into_bytes())
}

/// Runs tacc; `compress`/`decompress` write to standard output (`-c`), which the tests read.
fn tacc(args: &[&str]) -> Vec<u8> {
    let mut all = args.to_vec();
    if matches!(args.first(), Some(&"compress" | &"decompress")) {
        all.push("-c");
    }
    let out = Command::new(TACC).args(&all).output().expect("run tacc");
    assert!(
        out.status.success(),
        "tacc {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    out.stdout
}

fn sha256_hex(data: &[u8]) -> String {
    Sha256::digest(data)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn row<'a>(reply: &'a Value, name: &str) -> &'a Value {
    reply["results"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["name"] == name)
        .unwrap_or_else(|| panic!("no row {name} in {reply}"))
}

fn temp(name: &str, data: &[u8]) -> PathBuf {
    let dir = root().join("target/serve-test");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(format!("{}-{name}", std::process::id()));
    std::fs::write(&path, data).unwrap();
    path
}

#[test]
fn the_page_is_served_whole_and_loads_nothing_from_elsewhere() {
    let server = start();
    let page = get(&server, "/");
    assert_eq!(page.status, 200);
    assert!(page
        .header("content-type")
        .unwrap()
        .starts_with("text/html"));
    assert!(page
        .header("content-security-policy")
        .unwrap()
        .contains("default-src 'none'"));
    let html = page.text();
    assert!(html.contains("<textarea id=\"input\""));
    for asset in ["/app.js", "/style.css"] {
        assert!(html.contains(asset), "the page uses {asset}");
    }
    for (path, kind) in [
        ("/", "text/html"),
        ("/app.js", "text/javascript"),
        ("/style.css", "text/css"),
    ] {
        let r = get(&server, path);
        assert_eq!(r.status, 200, "{path}");
        assert!(
            r.header("content-type").unwrap().starts_with(kind),
            "{path}"
        );
        let body = r.text();
        for scheme in ["http://", "https://", "//cdn", "@import"] {
            assert!(!body.contains(scheme), "{path} refers to {scheme}");
        }
    }
    assert_eq!(get(&server, "/favicon.svg").status, 200);
    let info = get(&server, "/api/tokenizers").json();
    assert_eq!(info["default"], "cl100k_base");
    assert_eq!(info["limits"]["max_text_bytes"], 1 << 20);
    assert_eq!(info["limits"]["max_ids"], 1 << 18);
    assert!(info["tokenizers"]
        .as_array()
        .unwrap()
        .iter()
        .any(|t| t["name"] == "o200k_base"));
    let example = get(&server, "/api/example");
    assert_eq!(example.body, std::fs::read(prompt_path()).unwrap());
    let missing = get(&server, "/nope");
    assert_eq!(missing.status, 404);
    assert!(missing.error().contains("playground"));
}

#[test]
fn figures_match_tacc_compress() {
    let server = start();
    let path = prompt_path();
    let file = path.to_str().unwrap();
    let text = std::fs::read_to_string(&path).unwrap();
    let reply = post(
        &server,
        "/api/compress",
        &json!({ "text": text, "tokenizer": "cl100k_base" }),
    );
    assert_eq!(reply.status, 200, "{}", reply.text());
    let v = reply.json();
    let sha = sha256_hex(text.as_bytes());
    assert_eq!(v["input"]["sha256"], sha);
    assert_eq!(v["input"]["bytes"], text.len());
    assert_eq!(v["input"]["chars"], text.chars().count());

    // The token IDs, from the CLI: tacc's raw payload, read back as IDs.
    let raw = temp("raw.tacc", &tacc(&["compress", "--raw", "tacc", file]));
    let ids: Vec<u32> = serde_json::from_slice(&tacc(&[
        "decompress",
        "--raw",
        "tacc",
        "--ids",
        raw.to_str().unwrap(),
    ]))
    .unwrap();
    assert_eq!(v["input"]["tokens"], ids.len());
    let shown: Vec<u64> = v["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_u64().unwrap())
        .collect();
    assert_eq!(shown, ids.iter().map(|&i| i as u64).collect::<Vec<_>>());
    let bits: f64 = v["tokens"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["bits"].as_f64().unwrap())
        .sum();
    assert!((bits - v["model"]["total_bits"].as_f64().unwrap()).abs() < 1.0);

    let expected: &[(&str, &[&str])] = &[
        ("frame gzip-9", &["--method", "gzip", "--level", "9"]),
        ("frame zstd-19", &["--method", "zstd", "--level", "19"]),
        (
            "frame lopace-hybrid-15",
            &["--method", "lopace-hybrid", "--level", "15"],
        ),
        ("frame tacc", &["--method", "tacc"]),
        (
            "frame tacc-gzip-9",
            &["--method", "tacc-gzip", "--level", "9"],
        ),
        ("frame model", &["--method", "model"]),
        ("frame model-v1", &["--method", "model-v1"]),
        ("raw tacc", &["--raw", "tacc"]),
        ("raw tacc-gzip", &["--raw", "tacc-gzip"]),
        (
            "raw lopace-hybrid-15",
            &["--raw", "lopace-hybrid", "--level", "15"],
        ),
        ("raw zstd-15", &["--raw", "zstd", "--level", "15"]),
    ];
    for (name, args) in expected {
        let mut a = vec!["compress"];
        a.extend_from_slice(args);
        a.push(file);
        let cli = tacc(&a).len();
        let r = row(&v, name);
        assert_eq!(r["bytes"], cli, "{name}: server vs tacc {a:?}");
        let ratio = text.len() as f64 / cli as f64;
        assert!(
            (r["ratio"].as_f64().unwrap() - ratio).abs() < 1e-3,
            "{name}"
        );
        let bpt = 8.0 * cli as f64 / ids.len() as f64;
        assert!(
            (r["bits_per_token"].as_f64().unwrap() - bpt).abs() < 1e-3,
            "{name}"
        );
    }
    for r in v["results"].as_array().unwrap() {
        assert_eq!(r["exact"], true, "{r}");
        assert_eq!(r["sha256_in"], sha);
        assert_eq!(r["sha256_out"], sha, "{r}");
        assert!(r["encode_us"].as_f64().unwrap() > 0.0);
    }
    // auto picks the smallest of the same methods at the same levels.
    let auto = row(&v, "frame auto")["bytes"].as_u64().unwrap();
    for name in [
        "frame gzip-9",
        "frame zstd-19",
        "frame tacc",
        "frame tacc-gzip-9",
        "frame model",
    ] {
        assert!(
            auto <= row(&v, name)["bytes"].as_u64().unwrap(),
            "auto vs {name}"
        );
    }
    assert_eq!(v["smallest"], "frame model");

    // Options change the frames as they change the CLI's.
    let v = post(
        &server,
        "/api/compress",
        &json!({ "text": text, "options": { "zstd_level": 3, "gzip_level": 1, "checksum": false } }),
    )
    .json();
    let cli = tacc(&[
        "compress",
        "--method",
        "zstd",
        "--level",
        "3",
        "--no-checksum",
        file,
    ]);
    assert_eq!(row(&v, "frame zstd-3")["bytes"], cli.len());
    let cli = tacc(&[
        "compress",
        "--method",
        "gzip",
        "--level",
        "1",
        "--no-checksum",
        file,
    ]);
    assert_eq!(row(&v, "frame gzip-1")["bytes"], cli.len());
}

#[test]
fn downloaded_frames_decompress_to_the_input() {
    let server = start();
    let path = prompt_path();
    let text = std::fs::read_to_string(&path).unwrap();
    for (method, cli_args, ext) in [
        ("frame model", vec!["--method", "model"], "tacc"),
        (
            "frame tacc-gzip-9",
            vec!["--method", "tacc-gzip", "--level", "9"],
            "tacc",
        ),
        (
            "raw lopace-hybrid-15",
            vec!["--raw", "lopace-hybrid", "--level", "15"],
            "bin",
        ),
    ] {
        let r = post(
            &server,
            "/api/frame",
            &json!({ "text": text, "method": method }),
        );
        assert_eq!(r.status, 200, "{method}: {}", r.text());
        assert_eq!(r.header("content-type"), Some("application/octet-stream"));
        let disposition = r.header("content-disposition").unwrap();
        assert!(disposition.contains(&format!(".{ext}\"")), "{disposition}");
        let mut args = vec!["compress"];
        args.extend_from_slice(&cli_args);
        args.push(path.to_str().unwrap());
        assert_eq!(
            r.body,
            tacc(&args),
            "{method}: the same bytes as tacc {args:?}"
        );
        let saved = temp(&format!("download.{ext}"), &r.body);
        let back = if ext == "tacc" {
            tacc(&["decompress", saved.to_str().unwrap()])
        } else {
            tacc(&[
                "decompress",
                "--raw",
                "lopace-hybrid",
                saved.to_str().unwrap(),
            ])
        };
        assert_eq!(back, text.as_bytes(), "{method}");
    }
}

#[test]
fn token_ids_in_and_out() {
    let server = start();
    let path = prompt_path();
    let raw = temp(
        "ids-raw.tacc",
        &tacc(&["compress", "--raw", "tacc", path.to_str().unwrap()]),
    );
    let ids_json = tacc(&[
        "decompress",
        "--raw",
        "tacc",
        "--ids",
        raw.to_str().unwrap(),
    ]);
    let ids: Vec<u32> = serde_json::from_slice(&ids_json).unwrap();
    let ids_file = temp("ids.json", &ids_json);
    let as_text = ids
        .iter()
        .map(|i| i.to_string())
        .collect::<Vec<_>>()
        .join(" ");
    for body in [json!({ "ids": ids }), json!({ "ids": as_text })] {
        let v = post(&server, "/api/compress", &body).json();
        assert_eq!(v["input"]["kind"], "token_ids");
        assert_eq!(v["input"]["tokens"], ids.len());
        let le: Vec<u8> = ids.iter().flat_map(|i| i.to_le_bytes()).collect();
        assert_eq!(v["input"]["sha256"], sha256_hex(&le));
        for r in v["results"].as_array().unwrap() {
            assert_eq!(r["exact"], true, "{r}");
        }
        let f = ids_file.to_str().unwrap();
        let cli = tacc(&["compress", "--ids", "--method", "model", f]);
        assert_eq!(row(&v, "frame model")["bytes"], cli.len());
        let cli = tacc(&["compress", "--ids", "--raw", "tacc-gzip", f]);
        assert_eq!(row(&v, "ids tacc-gzip")["bytes"], cli.len());
    }
    let frame = post(
        &server,
        "/api/frame",
        &json!({ "ids": ids, "method": "frame tacc" }),
    );
    let saved = temp("ids-frame.tacc", &frame.body);
    let back: Vec<u32> =
        serde_json::from_slice(&tacc(&["decompress", saved.to_str().unwrap()])).unwrap();
    assert_eq!(back, ids);
}

#[test]
fn bad_input_gets_a_clear_4xx_and_the_server_stays_up() {
    let server = start();
    let cases: Vec<(&str, Vec<u8>, u16, &str)> = vec![
        (
            "an ID outside the vocabulary",
            json!({ "ids": "9906 11 99999999" })
                .to_string()
                .into_bytes(),
            400,
            "token ID 99999999 (number 3) is not a token of cl100k_base",
        ),
        (
            "an ID that is not an integer",
            json!({ "ids": "9906 eleven" }).to_string().into_bytes(),
            400,
            "token ID number 2 ('eleven') is not an integer",
        ),
        (
            "a negative ID in an array",
            json!({ "ids": [1, -2] }).to_string().into_bytes(),
            400,
            "token ID number 2 ('-2')",
        ),
        (
            "too many IDs",
            json!({ "ids": vec![1u32; (1 << 18) + 1] })
                .to_string()
                .into_bytes(),
            413,
            "at most 262,144",
        ),
        (
            "text over 1 MiB",
            json!({ "text": "a".repeat((1 << 20) + 1) })
                .to_string()
                .into_bytes(),
            413,
            "at most 1,048,576 bytes",
        ),
        (
            "a body over 8 MiB",
            {
                let mut b = br#"{"text": ""#.to_vec();
                b.resize(9 << 20, b'a');
                b.extend_from_slice(br#""}"#);
                b
            },
            413,
            "larger than 8 MiB",
        ),
        (
            "invalid UTF-8",
            b"{\"text\": \"caf\xe9\"}".to_vec(),
            400,
            "not valid UTF-8",
        ),
        (
            "malformed JSON",
            b"{\"text\": ".to_vec(),
            400,
            "not valid JSON",
        ),
        ("not an object", b"[1, 2]".to_vec(), 400, "JSON object"),
        ("no input", b"{}".to_vec(), 400, "nothing to compress"),
        (
            "empty text",
            json!({ "text": "" }).to_string().into_bytes(),
            400,
            "the text is empty",
        ),
        (
            "an unknown tokenizer",
            json!({ "text": "hi", "tokenizer": "llama9" })
                .to_string()
                .into_bytes(),
            400,
            "unknown tokenizer 'llama9'",
        ),
        (
            "a level out of range",
            json!({ "text": "hi", "options": { "gzip_level": 13 } })
                .to_string()
                .into_bytes(),
            400,
            "gzip_level must be an integer from 1 to 12",
        ),
    ];
    for (what, body, status, message) in cases {
        let r = request(&server.addr, "POST", "/api/compress", body);
        assert_eq!(r.status, status, "{what}: {}", r.text());
        let error = r.error();
        assert!(
            error.contains(message),
            "{what}: {error:?} lacks {message:?}"
        );
        // Still answering.
        let ok = post(&server, "/api/compress", &json!({ "text": "still here" }));
        assert_eq!(ok.status, 200, "after {what}");
    }
    // The body names the error's kind (tacc::ErrorKind::name), which chose the status.
    let kinds = [
        (
            json!({ "text": "hi", "tokenizer": "llama9" }),
            400,
            "UnknownTokenizer",
        ),
        (json!({ "text": "" }), 400, "InvalidArgument"),
        (json!({ "ids": "1 2 999999" }), 400, "UnknownId"),
        (json!({ "ids": vec![1; 300_000] }), 413, "TooLarge"),
    ];
    for (body, status, kind) in kinds {
        let r = post(&server, "/api/compress", &body);
        assert_eq!(r.status, status, "{}", r.text());
        assert_eq!(r.json()["kind"], kind, "{}", r.text());
    }
    // A refused HTTP request has no library kind.
    assert!(get(&server, "/nothing").json().get("kind").is_none());
    let r = post(
        &server,
        "/api/frame",
        &json!({ "text": "hi", "method": "frame nothing" }),
    );
    assert_eq!(r.status, 400);
    assert!(r.error().contains("unknown method 'frame nothing'"));
    assert_eq!(get(&server, "/api/compress").status, 405);
}

#[test]
fn a_busy_server_answers_everyone() {
    let server = start();
    let text = std::fs::read_to_string(prompt_path()).unwrap();
    let handles: Vec<_> = (0..6)
        .map(|i| {
            let body = json!({ "text": format!("{i} {text}") })
                .to_string()
                .into_bytes();
            let addr = server.addr.clone();
            std::thread::spawn(move || request(&addr, "POST", "/api/compress", body).status)
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 200);
    }
}

#[test]
fn only_loopback_names_and_json_are_answered() {
    let server = start();
    let port = server.addr.rsplit_once(':').unwrap().1;
    let body = br#"{"text": "hello"}"#.to_vec();
    // A page that rebinds its own DNS name to 127.0.0.1 sends that name as Host.
    for host in [
        "attacker.example",
        &format!("attacker.example:{port}"),
        "127.0.0.2",
    ] {
        let r = request_as(
            &server.addr,
            host,
            "application/json",
            "GET",
            "/",
            Vec::new(),
        );
        assert_eq!(r.status, 421, "Host: {host}");
        assert!(r.error().contains("loopback"), "{}", r.error());
    }
    for host in [
        format!("localhost:{port}"),
        format!("127.0.0.1:{port}"),
        format!("[::1]:{port}"),
        "localhost".to_string(),
    ] {
        let r = request_as(
            &server.addr,
            &host,
            "application/json",
            "POST",
            "/api/compress",
            body.clone(),
        );
        assert_eq!(r.status, 200, "Host: {host}: {}", r.text());
    }
    // What a cross-site <form> can send without the browser asking first.
    for ct in [
        "text/plain",
        "application/x-www-form-urlencoded",
        "multipart/form-data; boundary=x",
    ] {
        let r = request_as(
            &server.addr,
            &server.addr,
            ct,
            "POST",
            "/api/compress",
            body.clone(),
        );
        assert_eq!(r.status, 415, "Content-Type: {ct}");
        assert!(r.error().contains("application/json"));
    }
}

/// The server's peak resident set (VmHWM), in KiB, where /proc has it.
fn server_peak_kib(server: &Server) -> Option<u64> {
    let s = std::fs::read_to_string(format!("/proc/{}/status", server.child.id())).ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    line.split_whitespace().nth(1)?.parse().ok()
}

/// Sends a request head and the first `sent` bytes of a body of `declared` bytes (JSON text);
/// returns the connection, to finish or drop later.
fn open_request(addr: &str, declared: Option<usize>, sent: usize) -> TcpStream {
    let mut stream = TcpStream::connect(addr).expect("connect");
    stream
        .set_read_timeout(Some(Duration::from_secs(120)))
        .unwrap();
    let length = match declared {
        Some(n) => format!("Content-Length: {n}\r\n"),
        None => "Transfer-Encoding: chunked\r\n".into(),
    };
    let head = format!(
        "POST /api/compress HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nContent-Type: application/json\r\n{length}\r\n"
    );
    stream.write_all(head.as_bytes()).unwrap();
    let mut body = br#"{"text": ""#.to_vec();
    body.resize(sent.max(body.len()), b'a');
    stream.write_all(&body[..sent]).unwrap();
    stream
}

/// Reads a whole reply (or what came before a reset).
fn read_reply(mut stream: TcpStream) -> Option<Reply> {
    let mut raw = Vec::new();
    let mut buf = [0u8; 64 * 1024];
    loop {
        match stream.read(&mut buf) {
            Ok(0) => break,
            Ok(n) => raw.extend_from_slice(&buf[..n]),
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    raw.windows(4)
        .any(|w| w == b"\r\n\r\n")
        .then(|| parse_reply(&raw))
}

#[test]
fn a_full_house_gets_503_before_its_body_is_read() {
    // One job, no queue: a request whose body is still arriving holds the only place.
    let server = start_with(&["--jobs", "1", "--queue", "0"]);
    let slow = open_request(&server.addr, Some(1 << 20), 1000);
    std::thread::sleep(Duration::from_millis(300));
    let r = post(&server, "/api/compress", &json!({ "text": "hello" }));
    assert_eq!(r.status, 503, "{}", r.text());
    assert_eq!(r.header("retry-after"), Some("1"));
    assert!(r.error().contains("busy"), "{}", r.error());
    // The slow request gives up; its place is free again.
    drop(slow);
    let mut status = 0;
    for _ in 0..50 {
        status = post(&server, "/api/compress", &json!({ "text": "hello" })).status;
        if status == 200 {
            break;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    assert_eq!(status, 200);
}

#[test]
fn oversized_bodies_are_refused_from_content_length_or_while_reading() {
    let server = start();
    // A declared 100 MiB: refused at once, nothing of the body sent.
    let r = read_reply(open_request(&server.addr, Some(100 << 20), 0)).expect("a reply");
    assert_eq!(r.status, 413, "{}", r.text());
    assert!(r.error().contains("larger than 8 MiB"));
    // No length declared (chunked): refused once 8 MiB have been read.
    let mut s = open_request(&server.addr, None, 0);
    let piece = vec![b'a'; 1 << 20];
    let mut refused_while_sending = false;
    for i in 0..12 {
        let data = if i == 0 {
            let mut d = br#"{"text": ""#.to_vec();
            d.extend_from_slice(&piece[10..]);
            d
        } else {
            piece.clone()
        };
        let chunk = format!("{:x}\r\n", data.len());
        if s.write_all(chunk.as_bytes()).is_err()
            || s.write_all(&data).is_err()
            || s.write_all(b"\r\n").is_err()
        {
            refused_while_sending = true;
            break;
        }
    }
    if !refused_while_sending {
        let _ = s.write_all(b"0\r\n\r\n");
    }
    if let Some(r) = read_reply(s) {
        assert_eq!(r.status, 413, "{}", r.text());
    }
    assert_eq!(
        post(&server, "/api/compress", &json!({ "text": "still here" })).status,
        200
    );
}

/// The issue's case: 48 concurrent 8 MiB bodies. The server admits --jobs + --queue of them
/// (10 by default) and answers the rest 503 before reading their bodies, so its peak memory
/// grows by about 10 × 8 MiB, not 48 × 8 MiB (the issue saw 319 MB -> 742 MB).
#[test]
fn concurrent_large_bodies_keep_memory_bounded() {
    let server = start();
    // Warm up (the codec and its tables), then take the baseline.
    assert_eq!(
        post(&server, "/api/compress", &json!({ "text": "warm up" })).status,
        200
    );
    let Some(before) = server_peak_kib(&server) else {
        return; // no /proc
    };
    let size = (8 << 20) - 100;
    let barrier = std::sync::Arc::new(std::sync::Barrier::new(48));
    let handles: Vec<_> = (0..48)
        .map(|_| {
            let addr = server.addr.clone();
            let barrier = barrier.clone();
            std::thread::spawn(move || {
                barrier.wait();
                let mut body = br#"{"text": ""#.to_vec();
                body.resize(size - 2, b'a');
                body.extend_from_slice(br#""}"#);
                let mut s = open_request(&addr, Some(body.len()), 0);
                let _ = s.write_all(&body);
                read_reply(s).map(|r| r.status)
            })
        })
        .collect();
    let statuses: Vec<Option<u16>> = handles.into_iter().map(|h| h.join().unwrap()).collect();
    let after = server_peak_kib(&server).unwrap();
    let growth_mib = (after.saturating_sub(before)) >> 10;
    eprintln!(
        "server VmHWM {} MiB -> {} MiB (+{growth_mib} MiB); replies: {:?}",
        before >> 10,
        after >> 10,
        statuses
    );
    // Every reply is a refusal: too large for the playground (413) or busy (503); a refused
    // connection may be reset before its reply is read.
    for s in statuses.iter().flatten() {
        assert!(matches!(s, 413 | 503), "{statuses:?}");
    }
    assert!(growth_mib < 200, "the server grew by {growth_mib} MiB");
    assert_eq!(
        post(&server, "/api/compress", &json!({ "text": "still here" })).status,
        200
    );
}
