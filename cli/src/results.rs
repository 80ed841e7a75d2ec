//! What a `tacc bench` run measured: per-record figures of each row, and the sums every output
//! (text table, `--json`, the report's page and charts) prints the same way.

use crate::units::human_size;

/// Size bands by the UTF-8 bytes of a record.
#[derive(Clone, Copy, Debug)]
pub struct Bands {
    /// small: bytes < medium_from
    pub medium_from: u64,
    /// large: bytes >= large_from
    pub large_from: u64,
}

impl Bands {
    pub const NAMES: [&'static str; 3] = ["small", "medium", "large"];

    pub fn parse(s: &str) -> tacc::Result<Bands> {
        let bad = || {
            tacc::Error::InvalidArgument(format!(
                "--bands '{s}': expected two sizes A,B with A < B, e.g. 1KiB,4KiB"
            ))
        };
        let size = |t: &str| -> tacc::Result<u64> {
            let t = t.trim();
            let split = t.find(|c: char| !c.is_ascii_digit()).unwrap_or(t.len());
            let n: u64 = t[..split].parse().map_err(|_| bad())?;
            let unit = match t[split..].trim().to_ascii_lowercase().as_str() {
                "" | "b" => 1,
                "k" | "kib" => 1 << 10,
                "m" | "mib" => 1 << 20,
                _ => return Err(bad()),
            };
            Ok(n * unit)
        };
        let (a, b) = s.split_once(',').ok_or_else(bad)?;
        let (a, b) = (size(a)?, size(b)?);
        if a == 0 || a >= b {
            return Err(bad());
        }
        Ok(Bands {
            medium_from: a,
            large_from: b,
        })
    }

    pub fn of(&self, bytes: u64) -> usize {
        if bytes < self.medium_from {
            0
        } else if bytes < self.large_from {
            1
        } else {
            2
        }
    }

    /// "small < 1 KiB", "medium 1-4 KiB", "large >= 4 KiB".
    pub fn label(&self, band: usize) -> String {
        let (a, b) = (human_size(self.medium_from), human_size(self.large_from));
        match band {
            0 => format!("small < {a}"),
            1 => format!("medium {a} – {b}"),
            _ => format!("large ≥ {b}"),
        }
    }
}

/// Peak memory of one row, read from the kernel in its child process (Linux).
#[derive(Clone, Copy, Debug)]
pub struct Memory {
    /// Peak resident set (VmHWM) above the resident set when the row started, in bytes: the
    /// method's tables, contexts, buffers and code pages, over every record (each record on its own).
    pub peak: u64,
    /// Growth of the file-backed part of the resident set (RssFile): code pages and tables embedded
    /// in the binary that this row touched; shared between processes. Included in `peak`.
    pub file: u64,
    /// Resident set when the row started: the records, their token IDs and the tokenizer.
    pub start: u64,
    /// Resident-set growth from building the tokenizer and tokenizing, less the token IDs themselves.
    pub tokenizer: u64,
}

/// One row's results, per record in input order.
pub struct RowRun {
    pub name: String,
    pub token_input: bool,
    pub payload: Vec<u64>,
    pub enc_ns: Vec<u64>,
    pub dec_ns: Vec<u64>,
    pub memory: Option<Memory>,
}

impl RowRun {
    pub fn bytes(&self) -> u64 {
        self.payload.iter().sum()
    }
    pub fn enc_secs(&self) -> f64 {
        self.enc_ns.iter().sum::<u64>() as f64 / 1e9
    }
    pub fn dec_secs(&self) -> f64 {
        self.dec_ns.iter().sum::<u64>() as f64 / 1e9
    }
}

/// A whole benchmark run: what the table, `--json` and `--report` are made from.
pub struct Bench {
    pub input: String,
    pub tokenizer: String,
    /// UTF-8 bytes and tokens of each record.
    pub text_bytes: Vec<u64>,
    pub tokens: Vec<u64>,
    pub tokenize_secs: f64,
    pub bands: Bands,
    pub rows: Vec<RowRun>,
    /// Whether `--limit` cut the input.
    pub limited: Option<usize>,
    pub only: Option<String>,
    pub wall_secs: f64,
    /// The system's 1-minute load average when the run started and when it ended (Linux): other
    /// work on the machine slows the timings.
    pub load: Option<(f64, f64)>,
}

/// Summary figures of one row, the same everywhere they are printed.
pub struct Summary {
    pub ratio: f64,
    pub saved_percent: f64,
    pub comp_mb_s: f64,
    pub dec_mb_s: f64,
    pub comp_mtok_s: f64,
    pub dec_mtok_s: f64,
}

impl Bench {
    pub fn total_bytes(&self) -> u64 {
        self.text_bytes.iter().sum()
    }
    pub fn total_tokens(&self) -> u64 {
        self.tokens.iter().sum()
    }
    pub fn band_counts(&self) -> [usize; 3] {
        let mut c = [0; 3];
        for &b in &self.text_bytes {
            c[self.bands.of(b)] += 1;
        }
        c
    }
    pub fn summary(&self, r: &RowRun) -> Summary {
        let (total, tokens) = (self.total_bytes() as f64, self.total_tokens() as f64);
        let ratio = total / r.bytes().max(1) as f64;
        let (e, d) = (r.enc_secs(), r.dec_secs());
        Summary {
            ratio,
            saved_percent: 100.0 * (1.0 - 1.0 / ratio),
            comp_mb_s: total / e / 1e6,
            dec_mb_s: total / d / 1e6,
            comp_mtok_s: tokens / e / 1e6,
            dec_mtok_s: tokens / d / 1e6,
        }
    }
}
