//! The methods `tacc bench`, `tacc bench --report` and `tacc serve` compare: each one a way to turn a
//! record into bytes and back, measured the same way everywhere.

use std::time::{Duration, Instant};

use tacc::{Codec, Content, ContentKind, Input, Layout, Method, Options};

type RunFn = Box<dyn Fn(&Codec, &str, &[u32]) -> tacc::Result<Vec<u8>>>;
type BackFn = Box<dyn Fn(&Codec, &[u8]) -> tacc::Result<Restored>>;

/// One row: a way to turn a record into bytes and back.
pub struct Row {
    pub name: String,
    /// Text in, payload out; the flag says whether this row's input is pre-tokenized IDs.
    pub token_input: bool,
    /// A self-describing tacc frame (else a headerless payload whose reader must know the layout).
    pub is_frame: bool,
    run: RunFn,
    back: BackFn,
}

enum Restored {
    Text(String),
    Ids(Vec<u32>),
}

/// The row's name: the layout, the method's name and the level that matters (tacc-gzip's raw
/// payload is tacc 0.1.0's, whose gzip level is fixed).
fn row_name(opts: &Options) -> String {
    let layout = opts.layout.name();
    match opts.method {
        None => format!("{layout} auto"),
        Some(m @ (Method::Zstd | Method::LopaceHybrid)) => {
            format!("{layout} {}-{}", m.name(), opts.zstd_level)
        }
        Some(m @ (Method::Gzip | Method::TaccGzip)) if opts.layout == Layout::Frame => {
            format!("{layout} {}-{}", m.name(), opts.gzip_level)
        }
        Some(m) => format!("{layout} {}", m.name()),
    }
}

/// A row of the library's: a frame, or a peer's raw payload, with these options (method, levels,
/// checksum, layout), made and read back through the codec's one entry (`Codec::compress`,
/// `Codec::decompress_as`). Frames are read back from their header alone (the codec matters only
/// for a custom tokenizer).
pub fn codec_row(opts: Options, token_input: bool) -> Row {
    let (run, kind): (RunFn, ContentKind) = if token_input {
        (
            Box::new(move |c, _, ids| c.compress(Input::TokenIds(ids), &opts)),
            ContentKind::TokenIds,
        )
    } else {
        (
            Box::new(move |c, t, _| c.compress(Input::Text(t), &opts)),
            ContentKind::Text,
        )
    };
    Row {
        name: row_name(&opts),
        token_input,
        is_frame: opts.layout == Layout::Frame,
        run,
        back: Box::new(move |c, b| match c.decompress_as(b, kind, &opts)? {
            Content::Text(t) => Ok(Restored::Text(t)),
            Content::TokenIds(ids) => Ok(Restored::Ids(ids)),
            other => Err(tacc::Error::InvalidArgument(format!(
                "the payload holds {}, not text or token IDs",
                other.kind().describe()
            ))),
        }),
    }
}

fn framed(method: Option<Method>, zstd_level: i32, gzip_level: i32) -> Row {
    let opts = Options::default()
        .with_method(method)
        .with_zstd_level(zstd_level)
        .with_gzip_level(gzip_level);
    codec_row(opts, false)
}

/// The peer's raw payload of `method` (zstd levels: LoPace's default, 15).
fn raw(method: Method, token_input: bool) -> Row {
    codec_row(Options::raw(method), token_input)
}

pub fn rows() -> Vec<Row> {
    let mut rows = vec![
        framed(Some(Method::Gzip), 15, 9),
        framed(Some(Method::Zstd), 19, 9),
        framed(Some(Method::LopaceHybrid), 15, 9),
        framed(Some(Method::Tacc), 15, 9),
        framed(Some(Method::TaccGzip), 15, 9),
        framed(Some(Method::Model), 15, 9),
        // The format-1 coder beside the new one, so the report shows what changed.
        framed(Some(Method::ModelV1), 15, 9),
        framed(None, 19, 12),
    ];
    // brotli-11 over the UTF-8 bytes, no frame: the strongest general-purpose baseline.
    rows.push(Row {
        name: "raw brotli-11".into(),
        token_input: false,
        is_frame: false,
        run: Box::new(|_, t, _| {
            let mut out = Vec::new();
            let params = brotli::enc::BrotliEncoderParams {
                quality: 11,
                ..Default::default()
            };
            brotli::BrotliCompress(&mut t.as_bytes(), &mut out, &params)?;
            Ok(out)
        }),
        back: Box::new(|_, b| {
            let mut out = Vec::new();
            brotli::BrotliDecompress(&mut &b[..], &mut out)?;
            String::from_utf8(out)
                .map(Restored::Text)
                .map_err(|e| tacc::Error::InvalidUtf8(e.to_string()))
        }),
    });
    // The peers' own payloads, no frame: what tacc 0.1.0 and LoPace 0.1.5 would store.
    rows.extend(
        [
            Method::Tacc,
            Method::TaccGzip,
            Method::LopaceHybrid,
            Method::Zstd,
        ]
        .map(|m| raw(m, false)),
    );
    // Token-ID mode (an inference server's view: IDs in, IDs out, no tokenizer in the timing).
    rows.push(Row {
        name: "ids tacc".into(),
        ..raw(Method::Tacc, true)
    });
    rows.push(Row {
        name: "ids model".into(),
        ..codec_row(Options::method(Method::Model), true)
    });
    rows.push(Row {
        name: "ids model-v1".into(),
        ..codec_row(Options::method(Method::ModelV1), true)
    });
    rows.push(Row {
        name: "ids tacc-gzip".into(),
        ..raw(Method::TaccGzip, true)
    });
    rows
}

/// One record through one row: payload, times and whether it came back intact. (Memory is
/// measured per row, in a process of its own: see bench.rs.)
pub struct Measurement {
    pub payload: Vec<u8>,
    pub encode: Duration,
    pub decode: Duration,
    pub restored: bool,
    /// What came back, as bytes: the text's UTF-8, or each token ID as u32 little-endian.
    pub restored_content: Vec<u8>,
}

impl Row {
    /// Compress then restore one record; `restored` says whether the round trip was exact.
    pub fn measure(&self, codec: &Codec, text: &str, ids: &[u32]) -> tacc::Result<Measurement> {
        let t = Instant::now();
        let payload = (self.run)(codec, text, ids)?;
        let encode = t.elapsed();
        let t = Instant::now();
        let back = (self.back)(codec, &payload)?;
        let decode = t.elapsed();
        let (restored, restored_content) = match back {
            Restored::Ids(v) => (
                self.token_input && v == ids,
                v.iter().flat_map(|id| id.to_le_bytes()).collect(),
            ),
            Restored::Text(s) => (!self.token_input && s == text, s.into_bytes()),
        };
        Ok(Measurement {
            payload,
            encode,
            decode,
            restored,
            restored_content,
        })
    }

    /// Warm-up call: loads tables and priors once, so timings are of steady-state work.
    pub fn warm_up(&self, codec: &Codec, text: &str, ids: &[u32]) -> tacc::Result<()> {
        (self.run)(codec, text, ids).map(drop)
    }
}
