//! The text table `tacc bench` prints.

use crate::results::Bench;
use crate::units::mib;

pub fn print_table(b: &Bench) {
    let (total_bytes, total_tokens) = (b.total_bytes(), b.total_tokens());
    println!(
        "{}: {} records, {} bytes, {} tokens ({}); per-record compression, all round trips verified",
        b.input,
        b.text_bytes.len(),
        total_bytes,
        total_tokens,
        b.tokenizer
    );
    println!(
        "tokenize: {:.1} MB/s, {:.2} M tokens/s",
        total_bytes as f64 / b.tokenize_secs / 1e6,
        total_tokens as f64 / b.tokenize_secs / 1e6
    );
    println!(
        "{:<22} {:>7} {:>11} {:>10} {:>10} {:>11} {:>11}",
        "method", "ratio", "bytes", "comp MB/s", "dec MB/s", "comp Mtok/s", "dec Mtok/s"
    );
    for r in &b.rows {
        let s = b.summary(r);
        println!(
            "{:<22} {:>7.3} {:>11} {:>10.1} {:>10.1} {:>11.2} {:>11.2}",
            r.name,
            s.ratio,
            r.bytes(),
            s.comp_mb_s,
            s.dec_mb_s,
            s.comp_mtok_s,
            s.dec_mtok_s
        );
    }
    println!("(frame rows include the frame header and CRC-32; text rows include tokenization; ids rows start from token IDs)");
    let c = b.band_counts();
    println!(
        "size bands (UTF-8 bytes per record): {} {}, {} {}, {} {}",
        b.bands.label(0),
        c[0],
        b.bands.label(1),
        c[1],
        b.bands.label(2),
        c[2]
    );
    if b.rows.iter().any(|r| r.memory.is_some()) {
        println!(
            "peak memory, MiB (each row alone in a child process: peak RSS above its start; of which file-backed):"
        );
        for r in &b.rows {
            if let Some(m) = r.memory {
                println!("  {:<22} {:>8.2} {:>8.2}", r.name, mib(m.peak), mib(m.file));
            }
        }
    }
}
