//! First-use costs of one built-in tokenizer and its mapping, in a fresh process:
//! cargo run --release --example load_costs -- cl100k_base
//! (run once per tokenizer: the tables are loaded once per process).

use std::time::Instant;

fn ms(t: Instant) -> String {
    format!("{:.3} ms", t.elapsed().as_secs_f64() * 1e3)
}

fn main() {
    let name = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "cl100k_base".into());
    let t = Instant::now();
    let tok = tacc::Tokenizer::builtin(&name).expect("built-in");
    println!("{name}: Tokenizer::builtin {}", ms(t));
    let t = Instant::now();
    let bytes = tok.decode_bytes(&[0, 1, 2]).expect("decode");
    println!("{name}: first decode_bytes (token table) {}", ms(t));
    let t = Instant::now();
    let _ = tok.decode_bytes(&[0, 1, 2]).expect("decode");
    println!("{name}: second decode_bytes {}", ms(t));
    let t = Instant::now();
    let ids = tok.encode("Hello world, it's a test.");
    println!("{name}: first encode (rank table + regex) {}", ms(t));
    let t = Instant::now();
    let _ = tok.encode("Hello world, it's a test.");
    println!("{name}: second encode {}", ms(t));
    let t = Instant::now();
    let m = tacc::Mapping::builtin(tok.builtin_id().expect("built-in")).expect("mapping");
    println!("{name}: Mapping::builtin {} ({} entries)", ms(t), m.len());
    let t = Instant::now();
    let f = m.fingerprint();
    println!("{name}: Mapping fingerprint {} ({f:016x})", ms(t));
    assert!(!bytes.is_empty() && !ids.is_empty());
}
